#!/usr/bin/env python3
"""Graceful shutdown: SIGTERM finishes the request in flight and closes board streams with a hint.

Starts `ketaclinic serve` on a fresh SQLite file, opens a board event stream, and starts a
registration whose body is only half sent. Then it sends SIGTERM, sends the rest of the body, and
checks: the registration is answered 201 and is stored; the board stream receives `event:
reconnect` (with `retry:`) before it closes; the process exits with status 0 within 10 s.

    python3 bench/graceful_shutdown.py --binary .build/debug/ketaclinic

Prints `graceful shutdown: 1 passed, 0 failed` (or 0/1). Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time

from opskit import BoardReader, sqlite_patient_ids
from serverkit import Server, bench_token, record_pid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    workdir = tempfile.mkdtemp(prefix="kc-graceful-")
    database = os.path.join(workdir, "clinic.sqlite")
    problems: list[str] = []
    server = reader = None
    try:
        server = Server(binary, workdir, database, log_level="info", announce=lambda m: print(m, flush=True)).start(60)
        token = bench_token(binary, database, "nurse", "patients.read,patients.clinical,patients.register", cwd=workdir)
        reader = BoardReader(server.base, token, "board").start()
        if not reader.wait_open(10):
            raise RuntimeError("the board stream did not open")
        body = json.dumps({"givenName": "Grace", "familyName": "Shutdown", "dateOfBirth": "1980-02-03",
                           "sexAtBirth": "female"}).encode()
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=15)
        head = (f"POST /api/v1/patients HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        sock.sendall(head + body[: len(body) // 2])
        time.sleep(0.3)
        terminated = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        sock.sendall(body[len(body) // 2:])
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < 10:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        sock.close()
        status_line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
        print(f"request in flight at SIGTERM: {status_line}", flush=True)
        if " 201 " not in status_line + " ":
            problems.append(f"the request in flight was not completed: {answer[:300]!r}")
        try:
            code = server.process.wait(timeout=10)
            exited = time.monotonic() - terminated
            print(f"server exited with status {code} {exited:.2f} s after SIGTERM", flush=True)
            if code != 0:
                problems.append(f"the server exited with status {code}")
        except Exception:  # noqa: BLE001
            problems.append("the server did not exit within 10 s of SIGTERM")
        time.sleep(0.5)
        with reader.lock:
            hints = list(reader.hints)
            ends = list(reader.stream_ends)
        print(f"board stream: reconnect hints {len(hints)}, stream ended {len(ends)} time(s)", flush=True)
        if not any(at >= terminated for at in hints):
            problems.append("the board stream closed without the reconnect hint")
        if answer and " 201 " in status_line + " ":
            created = json.loads(answer.split(b"\r\n\r\n", 1)[1].decode())
            if created["id"].upper() not in sqlite_patient_ids(database):
                problems.append("the patient acknowledged during shutdown is not stored")
    except Exception as error:  # noqa: BLE001 - reported as a failure
        problems.append(f"could not run: {error!r}")
    finally:
        if reader:
            reader.stop()
        if server:
            if problems:
                print(server.tail(30))
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"FAIL: {problem}")
    print(f"graceful shutdown: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
