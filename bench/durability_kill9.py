#!/usr/bin/env python3
"""Durability under SIGKILL: every write the server acknowledged must survive a crash.

Starts `ketaclinic serve` on a fresh SQLite file (or on --database postgres://...), creates an API
token for a nurse with the CLI (`ketaclinic token create`; the demo nurse when the database has
one, otherwise a bench user added with `ketaclinic user add`), runs --clients concurrent client
threads POSTing /api/v1/patients with `Authorization: Bearer <token>` for --seconds seconds and records
the "id" of every 201 response, then SIGKILLs the server while requests are still in flight (the
clients are not stopped first). Afterwards it reads the database directly (python's sqlite3, or
`psql` for PostgreSQL) and checks that every acknowledged id is stored.

    python3 bench/durability_kill9.py --binary .build/debug/ketaclinic --seconds 5
    python3 bench/durability_kill9.py --database postgres://u:p@127.0.0.1:5432/db

Prints acknowledged, stored and missing counts and writes/s, then
`durability: 1 passed, 0 failed` (or `0 passed, 1 failed`); exits non-zero if any acknowledged
write is missing or the run could not be made. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from serverkit import Server, bearer, bench_token, redact

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.in_flight = 0
        self.started = 0
        self.errors_before_kill = 0
        self.errors_after_kill = 0
        self.unexpected_status: dict[int, int] = {}
        self.killed = False


def patient_body(worker: int, sequence: int) -> bytes:
    return json.dumps({
        "givenName": f"Dura{worker}",
        "familyName": f"Kill{sequence:06d}",
        "dateOfBirth": f"19{50 + (sequence % 50):02d}-{1 + sequence % 12:02d}-{1 + sequence % 28:02d}",
        "sexAtBirth": ("female", "male", "unknown")[sequence % 3],
    }).encode()


def client(worker: int, port: int, token: str, stats: Stats, stop: threading.Event) -> None:
    connection: http.client.HTTPConnection | None = None
    sequence = 0
    while not stop.is_set():
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        sequence += 1
        body = patient_body(worker, sequence)
        with stats.lock:
            stats.in_flight += 1
            stats.started += 1
        try:
            connection.request("POST", "/api/v1/patients", body=body,
                               headers={"Content-Type": "application/json", **bearer(token)})
            response = connection.getresponse()
            payload = response.read()
            if response.status == 201:
                identifier = json.loads(payload)["id"]
                with stats.lock:
                    stats.acknowledged.append(identifier.upper())
            else:
                with stats.lock:
                    stats.unexpected_status[response.status] = stats.unexpected_status.get(response.status, 0) + 1
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            with stats.lock:
                if stats.killed:
                    stats.errors_after_kill += 1
                else:
                    stats.errors_before_kill += 1
            connection.close()
            connection = None
            if stats.killed:
                break
            time.sleep(0.05)
        finally:
            with stats.lock:
                stats.in_flight -= 1
    if connection is not None:
        connection.close()


def stored_ids_sqlite(path: str) -> tuple[set[str], str]:
    # Opening the file after the crash replays the WAL, as the next server start would.
    connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10)
    try:
        ids = {row[0].upper() for row in connection.execute("SELECT id FROM patients")}
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
    return ids, integrity


def stored_ids_postgres(url: str) -> set[str]:
    result = subprocess.run(["psql", url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                             "-c", "SELECT upper(id::text) FROM patients"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}")
    return {line.strip().upper() for line in result.stdout.splitlines() if line.strip()}


def run(options: argparse.Namespace, workdir: str) -> bool:
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"{binary} is not an executable")
    postgres = options.database is not None and options.database.startswith(("postgres://", "postgresql://"))
    if options.database and not postgres:
        raise RuntimeError("--database takes a postgres:// URL (SQLite always uses a fresh temp file)")
    sqlite_path = os.path.join(workdir, "dur.sqlite")
    database = options.database if postgres else f"sqlite:{sqlite_path}"

    before: set[str] = set()
    if postgres:
        try:
            before = stored_ids_postgres(options.database)
        except RuntimeError:
            before = set()  # no patients table yet: the server migrates at start

    print(f"database: {redact(database)}")
    server = Server(binary, workdir, database, log_level="warning",
                    announce=lambda message: print(message, flush=True))
    process = server.process
    stats = Stats()
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        server.start()
        token = bench_token(binary, database, "nurse", "patients.register", name="durability", cwd=workdir)
        print("API token: created with `ketaclinic token create` (nurse, patients.register)", flush=True)
        threads = [threading.Thread(target=client, args=(i, server.port, token, stats, stop), daemon=True)
                   for i in range(options.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(options.seconds)
        # Kill while the clients are still sending: do not stop them first.
        with stats.lock:
            in_flight_at_kill = stats.in_flight
            acknowledged_at_kill = len(stats.acknowledged)
            stats.killed = True
        process.send_signal(signal.SIGKILL)
        elapsed = time.monotonic() - started
        process.wait(timeout=30)
    finally:
        stop.set()
        server.kill()  # no-op if the SIGKILL above was delivered; records the pid as gone
        for thread in threads:
            thread.join(timeout=15)
    alive = sum(thread.is_alive() for thread in threads)
    if alive:
        print(f"warning: {alive} client threads still blocked after 15 s", flush=True)

    with stats.lock:
        acknowledged = list(stats.acknowledged)
    acked = set(acknowledged)
    if postgres:
        stored = stored_ids_postgres(options.database) - before
        integrity = "n/a (PostgreSQL)"
    else:
        stored, integrity = stored_ids_sqlite(sqlite_path)
    missing = acked - stored
    unacknowledged_stored = stored - acked

    print(f"engine:                      {'postgres' if postgres else 'sqlite'}")
    print(f"clients:                     {options.clients}")
    print(f"load duration:               {elapsed:.2f} s (then SIGKILL, exit status {process.returncode})")
    print(f"requests sent:               {stats.started}")
    print(f"in flight at SIGKILL:        {in_flight_at_kill}")
    print(f"acknowledged (201):          {len(acknowledged)} ({len(acknowledged) - acknowledged_at_kill} "
          f"completed while the kill was delivered)")
    print(f"duplicate ids acknowledged:  {len(acknowledged) - len(acked)}")
    label = "stored rows (new):" if postgres else "stored rows:"
    print(f"{label:<29}{len(stored)}")
    print(f"stored but not acknowledged: {len(unacknowledged_stored)} (committed, reply lost in the kill: fine)")
    print(f"missing (acknowledged, not stored): {len(missing)}")
    print(f"client errors:               {stats.errors_before_kill} before the kill, "
          f"{stats.errors_after_kill} after")
    if stats.unexpected_status:
        print(f"unexpected statuses:         {stats.unexpected_status}")
    print(f"integrity_check:             {integrity}")
    print(f"acknowledged writes/s:       {len(acknowledged) / elapsed:.1f}")
    if missing:
        for identifier in sorted(missing)[:10]:
            print(f"  missing id: {identifier}")

    problems = []
    if missing:
        problems.append(f"{len(missing)} acknowledged writes are missing after SIGKILL")
    if not acknowledged:
        problems.append("no write was acknowledged: the check proves nothing")
    if in_flight_at_kill == 0:
        problems.append("no request was in flight at the kill: rerun (the check needs load at the kill)")
    if integrity != "ok" and not postgres:
        problems.append(f"integrity_check: {integrity}")
    if stats.errors_before_kill or stats.unexpected_status:
        problems.append("requests failed before the kill")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print(f"OK: all {len(acked)} acknowledged writes survived SIGKILL")
    if problems and not missing:
        print(f"server log:\n{server.tail(20)}")
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic", help="ketaclinic executable")
    parser.add_argument("--seconds", type=float, default=5.0, help="load duration before SIGKILL (default 5)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent client threads (default 32)")
    parser.add_argument("--database", help="postgres://... URL (default: a fresh temp SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, server log)")
    options = parser.parse_args()
    if not 0 < options.seconds <= 600 or not 1 <= options.clients <= 512:
        parser.error("--seconds must be in (0, 600] and --clients in [1, 512]")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = tempfile.mkdtemp(prefix="kc-durability-")
    ok = False
    try:
        ok = run(options, workdir)
    except Exception as error:  # noqa: BLE001
        print(f"FAIL: {error}", flush=True)
    finally:
        if options.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"durability: {1 if ok else 0} passed, {0 if ok else 1} failed", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
