"""Vital-sign ingest at gateway rates, driven by `wrk` (issue target P1), beside the framework's
no-op route measured in the same run with the same load generator.

A monitor gateway posts a batch of readings per chair per request to
`POST /api/v1/chairs/:chair/vitals` (`{"readings": [...]}`) with a gateway token (`vitals.record`).
Each reading is committed, in the session's flowsheet, checked against the alert rules, covered by
the audit trail and published to the chair board before the request is answered 201.

Steps, one run:
  1. a demo clinic with --chairs load-test patients seated one per chair (`demo --load-test-chairs`);
  2. the release server; a nurse's API token with `vitals.record`;
  3. `wrk` against `/healthz` (the no-op limit), then against the ingest endpoint, each for
     --seconds with --connections keep-alive connections; wrk's own CPU is measured (it must stay
     below 30 % of a core for the figures to be the server's);
  4. a paced run at half the measured ingest rate (a Python sender, one batch per chair in turn) for
     the latency at that load (p50, p99);
  5. the readings stored are counted: every acknowledged reading is stored (SQLite), and at most the
     batches in flight when wrk stopped are stored beyond them.

Targets (issue P1): ≥ 10,000 readings/s; p99 < 20 ms at half that load; ≥ 0.5 × the no-op route's
requests/s measured in the same run (compared as readings/s against no-op requests/s). Issue P7 is
measured on the same server: its cold start (process spawned to the first `/healthz` 200, polled every
5 ms, on the demo database already migrated) below 1 s, and its peak resident memory (`VmHWM`) after
both ingest runs below 150 MB.

Run: python3 bench/ingest_wrk.py --binary .build/release/ketaclinic [--chairs 16] [--batch 50]
     [--seconds 20] [--connections 32] [--database postgres://…] [--smoke]
Needs: wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverkit  # noqa: E402
from wrkkit import NOOP_LUA, run_wrk, wrk_installed  # noqa: E402

TARGET_READINGS_PER_SECOND = 10_000
TARGET_P99_MS = 20.0
TARGET_NOOP_FRACTION = 0.5
TARGET_COLD_START_S = 1.0
TARGET_PEAK_RSS_MB = 150.0

READING = {"systolic": 124, "diastolic": 78, "heartRate": 72, "oxygenSaturation": 98, "respiratoryRate": 14,
           "temperatureCelsius": 36.8}

LUA = """
local chairs = {%(chairs)s}
local body = %(body)s
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  counter = counter + 1
  local chair = chairs[(counter %% #chairs) + 1]
  return wrk.format("POST", "/api/v1/chairs/" .. chair .. "/vitals", nil, body)
end
"""

def paced(base: str, token: str, chairs: list[str], batch: int, readings_per_second: float, seconds: float) -> dict:
    """Posts batches at a fixed rate (chairs in turn) and returns latency percentiles."""
    host, port = base.removeprefix("http://").split(":")
    interval = batch / readings_per_second
    body = json.dumps({"readings": [READING] * batch})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    workers = 4
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        next_at = time.monotonic() + offset * interval
        index = offset
        while next_at < stop_at:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            chair = chairs[index % len(chairs)].replace(" ", "%20")
            started = time.perf_counter()
            connection.request("POST", f"/api/v1/chairs/{chair}/vitals", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            took = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(took)
                if response.status != 201:
                    errors[0] += 1
            next_at += interval * workers
            index += workers
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] if latencies else float("nan")
    return {"requests": len(latencies), "errors": errors[0], "p50_ms": pct(50), "p99_ms": pct(99),
            "readings_per_second": len(latencies) * batch / seconds}


def wait_ready_tightly(base: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Polls `/healthz` every 5 ms until it answers 200 (the cold-start clock stops there)."""
    host, port = base.removeprefix("http://").split(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode} while starting")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"server not ready after {timeout:.0f} s")


def memory_mb(pid: int) -> dict:
    """The process's resident memory now and at its peak, from /proc (MB of 1,000,000 bytes)."""
    figures = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0]) * 1024 / 1e6
    return figures


def stored_readings(path: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM session_vitals").fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--chairs", type=int, default=16)
    parser.add_argument("--batch", type=int, default=50, help="readings per request (1–600)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--database", help="postgres://… (an empty database); default a fresh SQLite file")
    parser.add_argument("--perf", help="record a CPU profile of the server (perf record -g) during the full-load run into this file")
    parser.add_argument("--smoke", action="store_true", help="a few seconds, small sizes; checks the script works, not the targets")
    options = parser.parse_args()
    if not wrk_installed():
        return 2
    if options.smoke:
        options.chairs, options.batch, options.seconds, options.connections = 4, 10, 2, 8
    binary = os.path.abspath(options.binary)
    workdir = tempfile.mkdtemp(prefix="kc-ingest-")
    sqlite_path = os.path.join(workdir, "ingest.sqlite")
    database = options.database or f"sqlite:{sqlite_path}"
    server = None
    try:
        demo = serverkit.run_cli(binary, ["demo", "--database", database, "--patients", "20", "--load-test-chairs",
                                          str(options.chairs), "--bcrypt-cost", "4"], cwd=workdir, timeout=600)
        if demo.returncode != 0:
            raise RuntimeError(f"demo failed: {demo.stderr or demo.stdout}")
        chairs = [f"Bay {index}" for index in range(1, options.chairs + 1)]
        spawned = time.monotonic()
        server = serverkit.Server(binary, workdir, database, log_level="warning")
        wait_ready_tightly(server.base, server.process)
        cold_start = time.monotonic() - spawned
        server.start()
        token = serverkit.bench_token(binary, database, "nurse", "vitals.record", cwd=workdir)
        before = stored_readings(sqlite_path) if not options.database else None

        noop = run_wrk(f"{server.base}/healthz", NOOP_LUA, workdir, options.seconds, options.connections, options.threads)
        body = json.dumps(json.dumps({"readings": [READING] * options.batch}))
        script = LUA % {"chairs": ", ".join(json.dumps(chair.replace(" ", "%20")) for chair in chairs), "body": body, "token": token}
        recorder = None
        if options.perf:
            recorder = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(server.process.pid), "-o", options.perf],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ingest = run_wrk(server.base, script, workdir, options.seconds, options.connections, options.threads)
        if recorder:
            recorder.send_signal(2)
            recorder.wait(timeout=60)
        ingest["readings_per_second"] = (ingest["requests"] - ingest["status_errors"]) * options.batch / ingest["seconds"]
        acknowledged = (ingest["requests"] - ingest["status_errors"]) * options.batch
        half = paced(server.base, token, chairs, options.batch, ingest["readings_per_second"] / 2, options.seconds / 2)
        acknowledged += (half["requests"] - half["errors"]) * options.batch
        stored = stored_readings(sqlite_path) - before if before is not None else None
        memory = memory_mb(server.process.pid)

        ratio = ingest["readings_per_second"] / noop["requests_per_second"] if noop["requests_per_second"] else 0
        machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
        engine = "PostgreSQL" if options.database else "SQLite"
        print(f"ingest: {engine}, {options.chairs} chairs, {options.batch} readings per request, {options.connections} connections, "
              f"{options.seconds:g} s; {machine}; {time.strftime('%Y-%m-%d')}; binary {options.binary}")
        print("| measured | requests/s | readings/s | p50 ms | p99 ms | errors | wrk CPU (of a core) |")
        print("|---|---|---|---|---|---|---|")
        print(f"| `/healthz` (no-op limit) | {noop['requests_per_second']:,.0f} | — | {noop['p50_us'] / 1000:.2f} | "
              f"{noop['p99_us'] / 1000:.2f} | {noop['status_errors'] + noop['socket_errors']} | {noop['wrk_core_fraction']:.0%} |")
        print(f"| ingest, full load | {ingest['requests_per_second']:,.0f} | {ingest['readings_per_second']:,.0f} | "
              f"{ingest['p50_us'] / 1000:.2f} | {ingest['p99_us'] / 1000:.2f} | {ingest['status_errors'] + ingest['socket_errors']} | "
              f"{ingest['wrk_core_fraction']:.0%} |")
        print(f"| ingest, paced at half | {half['requests'] / (options.seconds / 2):,.0f} | {half['readings_per_second']:,.0f} | "
              f"{half['p50_ms']:.2f} | {half['p99_ms']:.2f} | {half['errors']} | — |")
        print(f"server: cold start {cold_start * 1000:.0f} ms; resident memory after the runs {memory['VmRSS']:.1f} MB, "
              f"peak {memory['VmHWM']:.1f} MB")
        verdicts = [
            (f"≥ {TARGET_READINGS_PER_SECOND:,} readings/s", ingest["readings_per_second"] >= TARGET_READINGS_PER_SECOND),
            (f"p99 < {TARGET_P99_MS:g} ms at half load", half["p99_ms"] < TARGET_P99_MS),
            (f"≥ {TARGET_NOOP_FRACTION} × no-op ({ratio:.2f})", ratio >= TARGET_NOOP_FRACTION),
            ("wrk below 30 % of a core", max(noop["wrk_core_fraction"], ingest["wrk_core_fraction"]) < 0.30),
            (f"cold start < {TARGET_COLD_START_S:g} s ({cold_start:.2f} s)", cold_start < TARGET_COLD_START_S),
            (f"peak RSS < {TARGET_PEAK_RSS_MB:g} MB ({memory['VmHWM']:.1f} MB)", memory["VmHWM"] < TARGET_PEAK_RSS_MB),
            ("no error answers", ingest["status_errors"] + ingest["socket_errors"] + half["errors"] == 0),
        ]
        if stored is not None:
            # wrk stops with requests in flight: those readings are committed but their answers are not
            # counted, so up to one batch per connection may be stored beyond the acknowledged ones.
            in_flight = options.connections * options.batch
            verdicts.append((f"stored {stored:,} covers acknowledged {acknowledged:,} (at most {in_flight:,} in flight at the end)",
                             acknowledged <= stored <= acknowledged + in_flight))
        for name, passed in verdicts:
            print(f"{'PASS' if passed else 'MISS'}  {name}")
        if options.smoke:
            broken = [name for name, passed in verdicts if not passed and ("error" in name or "stored" in name)]
            print(f"ingest smoke: {'FAILED' if broken else 'ok'}")
            return 1 if broken else 0
        return 0 if all(passed for _, passed in verdicts) else 1
    finally:
        if server:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
