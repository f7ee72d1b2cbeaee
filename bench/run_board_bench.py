#!/usr/bin/env python3
"""The chair board under load, end to end: 50 chairs, one reading per chair per second through the
gateway API, and the delay from storing each reading to the board's event stream receiving it.

Prepares a database (a fresh SQLite file, or the empty PostgreSQL database given with --database)
with `ketaclinic demo --load-test-chairs N` (N patients checked in for IV sessions today, one per
chair), creates a token with patients.read, patients.clinical and vitals.record for the demo nurse, starts
`ketaclinic serve` (two instances with --instances 2, PostgreSQL only: the stream is read from the
first, readings are posted to the second, so every event crosses instances through LISTEN/NOTIFY),
runs bench/board_latency.py against it, prints its report, and stops the servers.

    python3 bench/run_board_bench.py --binary .build/debug/ketaclinic --chairs 50 --seconds 30
    python3 bench/run_board_bench.py --database postgres://u:p@127.0.0.1:5432/empty_db --instances 2

Loopback only; stops by itself after about --seconds plus start-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from serverkit import DEMO_EMAILS, Server, create_token, redact, run_cli

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--database", help="an empty PostgreSQL database (default: a fresh SQLite file)")
    parser.add_argument("--instances", type=int, choices=[1, 2], default=1)
    parser.add_argument("--chairs", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    if options.instances == 2 and not (options.database or "").startswith("postgres"):
        print("--instances 2 needs --database postgres://… (SQLite serves one instance)", file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="kc-board-bench-")
    database = options.database or f"sqlite:{workdir}/board.sqlite"
    servers: list[Server] = []
    try:
        print(f"preparing {redact(database)} with {options.chairs} seated patients", file=sys.stderr)
        prepared = run_cli(binary, ["demo", "--database", database, "--patients", "20", "--bcrypt-cost", "4",
                                    "--load-test-chairs", str(options.chairs)], cwd=workdir, timeout=600)
        if prepared.returncode != 0:
            raise RuntimeError(f"demo failed: {prepared.stderr.strip() or prepared.stdout.strip()}")
        token = create_token(binary, database, DEMO_EMAILS["nurse"], "patients.read,patients.clinical,vitals.record", cwd=workdir)
        for _ in range(options.instances):
            servers.append(Server(binary, workdir, database, log_level="warning", announce=lambda m: print(m, file=sys.stderr)).start(60))
        command = [sys.executable, os.path.join(HERE, "board_latency.py"), "--url", servers[0].base, "--post-url", servers[-1].base,
                   "--token", token, "--chairs", str(options.chairs), "--seconds", str(options.seconds)]
        if options.json:
            command.append("--json")
        return subprocess.run(command, timeout=options.seconds + 120).returncode
    except Exception as error:  # noqa: BLE001
        print(f"board bench failed: {error}", file=sys.stderr)
        for server in servers:
            print(server.tail(), file=sys.stderr)
        return 1
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
