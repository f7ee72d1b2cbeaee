#!/usr/bin/env python3
"""PostgreSQL outage under load: the server must ride it out.

Starts a throwaway PostgreSQL cluster of its own (initdb + pg_ctl on a free loopback port, so
stopping it disturbs nobody), seats --chairs demo patients (`ketaclinic demo --load-test-chairs`),
starts `ketaclinic serve` on it, and runs --clients threads POSTing /api/v1/patients, one poster per
chair sending a vital-sign reading each second, and --boards clients reading the board's event
stream. After --before seconds it stops PostgreSQL (`pg_ctl stop -m fast`) for --outage seconds,
then starts it again and keeps the load on for --after seconds.

It checks, and prints as figures:
  * the server process kept running;
  * while the database was down, requests were refused with 503, `Retry-After` and
    application/problem+json, each answered within --limit-ms (1000 ms), none hanging;
  * GET /readyz answered 503 during the outage and 200 after it;
  * time from PostgreSQL's return to the first acknowledged write, and to /readyz 200
    (must be within --recover-limit seconds);
  * every acknowledged patient is stored (acknowledged = stored);
  * every board client got the server's reconnect hint after the outage, refetched the board, and
    received readings again afterwards.

    python3 bench/postgres_outage.py --binary .build/debug/ketaclinic
    python3 bench/postgres_outage.py --binary .build/release/ketaclinic --clients 32 --outage 10

Prints `postgres outage: 1 passed, 0 failed` (or 0/1) and exits non-zero on any failure. Every
wait is bounded; the cluster, the server and every thread are stopped on exit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import sys
import tempfile
import threading
import time

from opskit import READING, BoardReader, ThrowawayPostgres, Writers, http_get, percentile, postgres_patient_ids
from serverkit import DEMO_EMAILS, Server, create_token, run_cli


def post_readings(base: str, token: str, sessions: list[str], stop: threading.Event, stats: dict, lock: threading.Lock) -> None:
    host, port = base.split("//", 1)[1].split(":")
    body = json.dumps(READING).encode()
    connection = None
    tick = time.monotonic()
    index = 0
    while not stop.is_set():
        session = sessions[index % len(sessions)]
        index += 1
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request("POST", f"/api/v1/sessions/{session}/vitals", body=body,
                               headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            with lock:
                stats[response.status] = stats.get(response.status, 0) + 1
        except (OSError, http.client.HTTPException):
            with lock:
                stats["error"] = stats.get("error", 0) + 1
            if connection is not None:
                connection.close()
            connection = None
        tick += 1.0 / len(sessions)
        delay = tick - time.monotonic()
        if delay > 0:
            stop.wait(delay)
        else:
            tick = time.monotonic()
    if connection is not None:
        connection.close()


def poll_ready(base: str, stop: threading.Event, samples: list[tuple[float, int, float]]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            status, _, _ = http_get(base, "/readyz", timeout=3)
        except (OSError, http.client.HTTPException):
            status = 0
        samples.append((time.monotonic(), status, (time.monotonic() - started) * 1000))
        stop.wait(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--boards", type=int, default=4)
    parser.add_argument("--chairs", type=int, default=10)
    parser.add_argument("--before", type=float, default=4)
    parser.add_argument("--outage", type=float, default=10)
    parser.add_argument("--after", type=float, default=8)
    parser.add_argument("--limit-ms", type=float, default=1000)
    parser.add_argument("--recover-limit", type=float, default=10)
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    workdir = tempfile.mkdtemp(prefix="kc-pg-outage-")
    cluster = server = None
    writers = None
    readers: list[BoardReader] = []
    stop = threading.Event()
    problems: list[str] = []
    try:
        cluster = ThrowawayPostgres(workdir)
        print(f"throwaway PostgreSQL on 127.0.0.1:{cluster.port}", flush=True)
        prepared = run_cli(binary, ["demo", "--database", cluster.url, "--patients", "10", "--bcrypt-cost", "4",
                                    "--load-test-chairs", str(options.chairs)], cwd=workdir, timeout=300)
        if prepared.returncode != 0:
            raise RuntimeError(f"demo failed: {prepared.stderr.strip() or prepared.stdout.strip()}")
        token = create_token(binary, cluster.url, DEMO_EMAILS["nurse"], "patients.read,patients.clinical,patients.register,vitals.record",
                             cwd=workdir)
        server = Server(binary, workdir, cluster.url, log_level="warning", announce=lambda m: print(m, flush=True)).start(60)
        status, _, body = http_get(server.base, "/api/v1/board", token=token, timeout=10)
        sessions = [card["sessionID"].lower() for card in json.loads(body).get("cards", [])][:options.chairs]
        if status != 200 or not sessions:
            raise RuntimeError(f"GET /api/v1/board answered {status} with {len(sessions)} sessions")

        readers = [BoardReader(server.base, token, f"board-{i}").start() for i in range(options.boards)]
        if not all(reader.wait_open(15) for reader in readers):
            raise RuntimeError("the board streams did not open within 15 s")
        readings: dict = {}
        readings_lock = threading.Lock()
        poster = threading.Thread(target=post_readings, args=(server.base, token, sessions, stop, readings, readings_lock),
                                  daemon=True)
        ready_samples: list[tuple[float, int, float]] = []
        ready_poller = threading.Thread(target=poll_ready, args=(server.base, stop, ready_samples), daemon=True)
        writers = Writers([server.base], token, options.clients, tag="Outage").start()
        poster.start()
        ready_poller.start()
        time.sleep(options.before)

        print(f"stopping PostgreSQL for {options.outage:g} s", flush=True)
        down_at = time.monotonic()
        cluster.stop("fast")
        stopped_at = time.monotonic()
        time.sleep(max(0.0, options.outage - (stopped_at - down_at)))
        cluster.start()
        up_at = time.monotonic()
        print(f"PostgreSQL is back after {up_at - down_at:.1f} s", flush=True)
        time.sleep(options.after)
        stop.set()
        writers.stop()
        poster.join(15)
        ready_poller.join(10)
        time.sleep(1.5)
        for reader in readers:
            reader.stop()

        # --- figures ---
        server_alive = server.process.poll() is None
        with writers.lock:
            refused = list(writers.refused)
            latencies = list(writers.latencies)
            failures = list(writers.failures)
            acknowledged = list(writers.acknowledged)
        during = [r for r in refused if stopped_at <= r["at"] <= up_at]
        # Requests sent while PostgreSQL was stopping or stopped (those sent before are ordinary load).
        during_latencies = [ms for at, ms, status in latencies if down_at <= at - ms / 1000 and at <= up_at]
        unavailable = [r for r in refused if r["status"] == 503]
        bad_503 = [r for r in unavailable
                   if not r["retryAfter"] or "application/problem+json" not in r["contentType"]]
        other_refusals = sorted({r["status"] for r in refused if r["status"] != 503})
        slow = [ms for ms in during_latencies if ms > options.limit_ms]
        slow_at = sorted(round(at - ms / 1000 - down_at, 2) for at, ms, status in latencies
                         if down_at <= at - ms / 1000 and at <= up_at and ms > options.limit_ms)
        if failures:
            kinds = sorted({text.split("(")[0] for _, text in failures})
            print(f"connection errors {len(failures)}: {kinds}; at (s after the stop began): "
                  f"{sorted(round(at - down_at, 1) for at, _ in failures)[:12]}")
        if slow_at:
            print(f"slow answers began at (s after the stop began): {slow_at[:20]}; stop took {stopped_at - down_at:.2f} s")
        first_ack_after = min((at for at, _, _, _ in acknowledged if at > up_at), default=None)
        ready_down = [s for s in ready_samples if stopped_at + 0.5 <= s[0] <= up_at and s[1] == 503]
        ready_up_at = min((s[0] for s in ready_samples if s[0] > up_at and s[1] == 200), default=None)
        stored = postgres_patient_ids(cluster.url)
        acked_ids = {ident for _, ident, _, _ in acknowledged}
        missing = acked_ids - stored

        print(f"clients {options.clients}, board streams {options.boards}, chairs {len(sessions)}; "
              f"outage {up_at - down_at:.1f} s")
        print(f"writes acknowledged: {len(acked_ids)} (during the outage: "
              f"{sum(1 for at, *_ in acknowledged if stopped_at < at < up_at)}), stored: {len(acked_ids & stored)}, "
              f"missing: {len(missing)}")
        print(f"requests refused with 503: {len(unavailable)} (during the outage: {len(during)}); "
              f"without Retry-After or problem+json: {len(bad_503)}; other refusals: {other_refusals or 'none'}; "
              f"connection errors: {len(failures)}")
        print(f"answer time of requests sent during the outage ms: p50 {percentile(during_latencies, .5) and round(percentile(during_latencies, .5), 1)}"
              f"  p99 {percentile(during_latencies, .99) and round(percentile(during_latencies, .99), 1)}"
              f"  max {round(max(during_latencies), 1) if during_latencies else None}  (limit {options.limit_ms:g})")
        print(f"/readyz: 503 samples during the outage {len(ready_down)}; 200 again "
              f"{(ready_up_at - up_at) if ready_up_at else float('nan'):.2f} s after PostgreSQL returned")
        print(f"first acknowledged write {(first_ack_after - up_at) if first_ack_after else float('nan'):.2f} s after PostgreSQL returned")
        with readings_lock:
            print(f"readings posted: {readings}")
        for reader in readers:
            after = reader.count("reading", after=(ready_up_at or up_at))
            print(f"{reader.name}: reconnect hints {len(reader.hints)}, streams reopened {len(reader.opened) - 1}, "
                  f"board refetched {sum(1 for at, status in reader.refetched if status == 200)}, "
                  f"readings after recovery {after}")
            if not any(at > stopped_at for at in reader.hints) and not any(at > stopped_at for at in reader.stream_ends):
                problems.append(f"{reader.name} was never told to resynchronise after the outage")
            if not any(at > up_at and status == 200 for at, status in reader.refetched):
                problems.append(f"{reader.name} did not refetch the board after the outage")
            if after == 0:
                problems.append(f"{reader.name} received no reading after the recovery")

        if not server_alive:
            problems.append(f"the server exited (status {server.process.returncode})")
        if missing:
            problems.append(f"{len(missing)} acknowledged writes are missing, e.g. {sorted(missing)[:3]}")
        if not during:
            problems.append("no request was refused with 503 while PostgreSQL was down")
        if bad_503:
            problems.append(f"{len(bad_503)} 503 answers lacked Retry-After or problem+json, e.g. {bad_503[0]}")
        if 500 in other_refusals:
            problems.append("some requests were answered 500")
        if slow:
            problems.append(f"{len(slow)} answers during the outage took over {options.limit_ms:g} ms (max {max(slow):.0f})")
        if not ready_down:
            problems.append("/readyz never answered 503 during the outage")
        if ready_up_at is None or ready_up_at - up_at > options.recover_limit:
            problems.append(f"/readyz did not answer 200 within {options.recover_limit:g} s of PostgreSQL's return")
        if first_ack_after is None or first_ack_after - up_at > options.recover_limit:
            problems.append(f"no write was acknowledged within {options.recover_limit:g} s of PostgreSQL's return")
        print(json.dumps({
            "clients": options.clients, "outage_s": round(up_at - down_at, 1), "acknowledged": len(acked_ids),
            "stored": len(acked_ids & stored), "missing": len(missing), "refused_503": len(unavailable),
            "max_answer_ms_during_outage": round(max(during_latencies), 1) if during_latencies else None,
            "recover_write_s": round(first_ack_after - up_at, 2) if first_ack_after else None,
            "recover_ready_s": round(ready_up_at - up_at, 2) if ready_up_at else None,
        }))
    except Exception as error:  # noqa: BLE001 - reported as a failure with the server log
        problems.append(f"the check could not run: {error}")
    finally:
        stop.set()
        if writers:
            writers.stop(5)
        for reader in readers:
            reader.stop()
        if server:
            if problems:
                print(server.tail(40))
            server.stop()
        if cluster:
            cluster.destroy()
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"FAIL: {problem}")
    print(f"postgres outage: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
