#!/usr/bin/env python3
"""Monitor ingest throughput: observations per second over MLLP (IHE PCD-01 ORU^R01, each message
answered only after its readings are committed), measured beside the JSON vitals endpoint
(`POST /api/v1/chairs/:chair/vitals`) in the same run, against the same server and database.

Prepares a database with `ketaclinic demo --load-test-chairs N` (N patients checked in, one per chair
"Bay 1".."Bay N"), registers one monitor per chair with `ketaclinic monitors register`, starts
`ketaclinic serve --mllp-port P`, then for --seconds each:
  1. MLLP: N gateway connections (one per monitor, the `hl7` package's MLLP client), each sending
     ORU^R01 messages back to back, each carrying --instants readings of 7 observations (NIBP
     systolic/diastolic/mean, ECG heart rate, SpO2, respiratory rate, temperature), waiting for
     the ACK before the next; only AA answers that report every reading stored count;
  2. JSON: N keep-alive HTTP clients posting one reading of 6 values per request to the chair's
     vitals endpoint with a gateway token; only 201 answers count.
Prints a table (and one JSON line with --json). The target is >= 10,000 observations/s over MLLP.

    swift build -c release
    python3 bench/mllp_throughput.py --binary .build/release/ketaclinic --chairs 32 --seconds 20

Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone

from hl7.client import MLLPClient

from serverkit import DEMO_EMAILS, Server, create_token, free_port, redact, run_cli

OBSERVATIONS_PER_INSTANT = 7
TARGET = 10_000


def message(device: str, instants: int, base: float) -> str:
    """One ORU^R01 with `instants` readings one second apart ending at `base`."""
    def stamp(t: float) -> str:
        return datetime.fromtimestamp(t, timezone.utc).strftime("%Y%m%d%H%M%S.%f")[:-2] + "+0000"
    now = stamp(base)
    segments = [f"MSH|^~\\&|BENCH-GW|BENCH|||{now}||ORU^R01^ORU_R01|{uuid.uuid4().hex}|P|2.6|||NE|AL",
                "PID|||", f"OBR|1|||182777000^monitoring of patient^SCT|||{now}",
                f"OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||{device}^EUI-64"]
    n = 1
    for i in range(instants):
        t = stamp(base - (instants - 1 - i))
        for code, name, value, unit in (
                ("150021", "MDC_PRESS_BLD_NONINV_SYS", "124", "266016^MDC_DIM_MMHG"),
                ("150022", "MDC_PRESS_BLD_NONINV_DIA", "78", "266016^MDC_DIM_MMHG"),
                ("150023", "MDC_PRESS_BLD_NONINV_MEAN", "93", "266016^MDC_DIM_MMHG"),
                ("147842", "MDC_ECG_HEART_RATE", "72", "264864^MDC_DIM_BEAT_PER_MIN"),
                ("150456", "MDC_PULS_OXIM_SAT_O2", "98", "262688^MDC_DIM_PERCENT"),
                ("151562", "MDC_RESP_RATE", "14", "264928^MDC_DIM_RESP_PER_MIN"),
                ("150364", "MDC_TEMP_BODY", "36.8", "268192^MDC_DIM_DEGC")):
            n += 1
            segments.append(f"OBX|{n}|NM|{code}^{name}^MDC|1.{n}.1.1|{value}|{unit}^MDC|||||R|||{t}")
    return "\r".join(segments) + "\r"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_mllp(port: int, devices: list[str], seconds: float, instants: int) -> dict:
    lock = threading.Lock()
    totals = {"messages": 0, "observations": 0, "errors": 0, "latencies": []}
    stop_at = time.monotonic() + seconds
    start_gate = threading.Barrier(len(devices) + 1)

    def worker(device: str) -> None:
        ok = errors = 0
        latencies: list[float] = []
        # The patients were checked in moments ago: a message's earliest reading (instants − 1 s before
        # its last) must not precede that, and none may be a minute in the future.
        base = time.time() + instants
        with MLLPClient("127.0.0.1", port) as client:
            start_gate.wait()
            sequence = 0
            while time.monotonic() < stop_at:
                # Distinct instants per message, after the patients' check-in, never in the future.
                sequence += 1
                text = message(device, instants, base + sequence * 0.001)
                started = time.perf_counter()
                answer = client.send_message(text)
                latencies.append((time.perf_counter() - started) * 1000)
                if b"MSA|AA|" in answer and f"|{instants} stored".encode() in answer:
                    ok += 1
                else:
                    errors += 1
        with lock:
            totals["messages"] += ok
            totals["observations"] += ok * instants * OBSERVATIONS_PER_INSTANT
            totals["errors"] += errors
            totals["latencies"] += latencies

    threads = [threading.Thread(target=worker, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    lat = totals.pop("latencies")
    return {**totals, "seconds": elapsed, "per_second": totals["observations"] / elapsed,
            "requests_per_second": totals["messages"] / elapsed, "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99)}


def run_json(base_url: str, token: str, chairs: list[str], seconds: float, batch: int = 1, noop: bool = False) -> dict:
    """N keep-alive clients posting `batch` readings per request to each chair (a single reading's
    body when 1, else `{"readings": [...]}`), or, with `noop`, asking the framework's `/healthz`
    the same way: the limit the ingest paths are compared with."""
    host, port = base_url.removeprefix("http://").split(":")
    lock = threading.Lock()
    totals = {"messages": 0, "observations": 0, "errors": 0, "latencies": []}
    stop_at = time.monotonic() + seconds
    start_gate = threading.Barrier(len(chairs) + 1)
    one = {"systolic": 124, "diastolic": 78, "heartRate": 72, "oxygenSaturation": 98, "respiratoryRate": 14, "temperatureCelsius": 36.8}
    body = json.dumps(one if batch == 1 else {"readings": [one] * batch})

    def worker(chair: str) -> None:
        ok = errors = 0
        latencies: list[float] = []
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        path = "/healthz" if noop else "/api/v1/chairs/" + chair.replace(" ", "%20") + "/vitals"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        start_gate.wait()
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            if noop:
                connection.request("GET", path)
            else:
                connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status == (200 if noop else 201):
                ok += 1
            else:
                errors += 1
        connection.close()
        with lock:
            totals["messages"] += ok
            totals["observations"] += 0 if noop else ok * 6 * batch
            totals["errors"] += errors
            totals["latencies"] += latencies

    threads = [threading.Thread(target=worker, args=(c,)) for c in chairs]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    lat = totals.pop("latencies")
    return {**totals, "seconds": elapsed, "per_second": totals["observations"] / elapsed,
            "requests_per_second": totals["messages"] / elapsed, "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--database", help="an empty PostgreSQL database (default: a fresh SQLite file)")
    parser.add_argument("--chairs", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--instants", type=int, default=1, help="readings (of 7 observations) per MLLP message")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    workdir = tempfile.mkdtemp(prefix="kc-mllp-bench-")
    database = options.database or f"sqlite:{workdir}/mllp.sqlite"
    server = None
    try:
        log = lambda m: print(m, file=sys.stderr)  # noqa: E731
        log(f"preparing {redact(database)} with {options.chairs} seated patients and their monitors")
        prepared = run_cli(binary, ["demo", "--database", database, "--patients", "20", "--bcrypt-cost", "4",
                                    "--load-test-chairs", str(options.chairs)], cwd=workdir, timeout=900)
        if prepared.returncode != 0:
            raise RuntimeError(f"demo failed: {prepared.stderr.strip() or prepared.stdout.strip()}")
        chairs = [f"Bay {n}" for n in range(1, options.chairs + 1)]
        devices = [f"BENCH-MON-{n:03d}" for n in range(1, options.chairs + 1)]
        for chair, device in zip(chairs, devices):
            done = run_cli(binary, ["monitors", "register", "--database", database, "--device", device, "--chair", chair], cwd=workdir)
            if done.returncode != 0:
                raise RuntimeError(f"monitors register failed: {done.stderr.strip()}")
        token = create_token(binary, database, DEMO_EMAILS["nurse"], "vitals.record", cwd=workdir)
        port = free_port()
        server = Server(binary, workdir, database, log_level="warning", announce=log,
                        args=["--mllp-port", str(port)]).start(120)
        mllp = run_mllp(port, devices, options.seconds, options.instants)
        api = run_json(server.base, token, chairs, options.seconds)
        batch = run_json(server.base, token, chairs, options.seconds, batch=options.instants) if options.instants > 1 else None
        noop = run_json(server.base, token, chairs, options.seconds, noop=True)
        build = "release" if "/release/" in binary else "debug"
        rows = [("MLLP (PCD-01 ORU^R01, ACK after commit)", mllp, f"{options.instants} × 7"),
                ("JSON POST /api/v1/chairs/:chair/vitals", api, "6")]
        if batch:
            rows.append(("JSON batch POST /api/v1/chairs/:chair/vitals", batch, f"{options.instants} × 6"))
        rows.append(("framework no-op GET /healthz (same client)", noop, "0"))
        print(f"machine: {platform.machine()} {os.cpu_count()} CPU, {platform.system()} {platform.release()}; build: {build}; "
              f"engine: {'PostgreSQL' if database.startswith('postgres') else 'SQLite'}; {options.chairs} connections; "
              f"{options.seconds:.0f} s each; {datetime.now(timezone.utc):%Y-%m-%d}")
        print("| path | obs per message | messages/s | observations/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|---|")
        for name, figures, per in rows:
            print(f"| {name} | {per} | {figures['requests_per_second']:,.0f} | {figures['per_second']:,.0f} | "
                  f"{figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} | {figures['errors']} |")
        verdict = "meets" if mllp["per_second"] >= TARGET else "is below"
        print(f"MLLP {verdict} the target of {TARGET:,} observations/s ({mllp['per_second']:,.0f}).")
        if options.json:
            print(json.dumps({"mllp": mllp, "json": api, "batch": batch, "noop": noop, "target": TARGET, "build": build,
                              "instants": options.instants}))
        failed = mllp["errors"] or api["errors"] or (batch and batch["errors"]) or noop["errors"]
        return 0 if not failed and mllp["messages"] > 0 else 1
    except Exception as error:  # noqa: BLE001
        print(f"mllp bench failed: {error}", file=sys.stderr)
        if server:
            print(server.tail(), file=sys.stderr)
        return 1
    finally:
        if server:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
