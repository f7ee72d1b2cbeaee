"""The signed write path (`POST /api/v1/patients`, issue 19's "write path"), driven by `wrk`, beside
the framework's no-op route measured in the same run with the same load generator, and the
server's CPU time per request.

Each request is a nurse's API token checked, a JSON body decoded strictly, a medical record number
taken, the patient inserted and an audit entry (hash chain and MAC) appended, all committed before
the 201. Several binaries may be given (`--binary A --binary B`): each is measured in turn on its own
fresh database, so a change's before and after are compared in the same run on the same machine.

Steps, per binary:
  1. a demo clinic of 20 patients; the release server; a nurse's token with `patients.register`;
  2. `wrk` against `/healthz` (the no-op limit), then against `POST /api/v1/patients` with a unique
     patient per request (a Lua counter), each for --seconds with --connections connections;
  3. the server's user + system CPU over the write run, from /proc, divided by the requests answered
     201: the per-request cost the issue asks to find and cut;
  4. with --perf FILE, `perf record -g` of the server during the write run (FILE gets the binary's
     position appended: FILE.1, FILE.2, …).

Run: python3 bench/write_path_wrk.py --binary .build/release/ketaclinic [--binary OTHER] [--seconds 15]
     [--connections 32] [--perf /tmp/write.perf] [--smoke]
Needs: wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverkit  # noqa: E402
from wrkkit import NOOP_LUA, run_wrk, wrk_installed  # noqa: E402

LUA = """
local counter = 0
local sexes = {"female", "male", "unknown"}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  counter = counter + 1
  local body = string.format('{"givenName": "Bench%%d", "familyName": "Write%%07d", "dateOfBirth": "19%%02d-%%02d-%%02d", "sexAtBirth": "%%s"}',
    counter %% 97, counter, 40 + counter %% 60, 1 + counter %% 12, 1 + counter %% 28, sexes[(counter %% 3) + 1])
  return wrk.format("POST", "/api/v1/patients", nil, body)
end
"""


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stored_patients(path: str) -> int:
    import sqlite3
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM patients").fetchone()[0]


def measure(binary: str, options: argparse.Namespace, perf: str | None) -> dict:
    workdir = tempfile.mkdtemp(prefix="kc-write-")
    sqlite_path = os.path.join(workdir, "write.sqlite")
    database = f"sqlite:{sqlite_path}"
    server = None
    try:
        demo = serverkit.run_cli(binary, ["demo", "--database", database, "--patients", "20", "--bcrypt-cost", "4"], cwd=workdir, timeout=600)
        if demo.returncode != 0:
            raise RuntimeError(f"demo failed: {demo.stderr or demo.stdout}")
        server = serverkit.Server(binary, workdir, database, log_level="warning").start()
        token = serverkit.bench_token(binary, database, "nurse", "patients.register", cwd=workdir)
        before = stored_patients(sqlite_path)
        noop = run_wrk(f"{server.base}/healthz", NOOP_LUA, workdir, options.seconds, options.connections, 1)
        recorder = None
        if perf:
            recorder = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(server.process.pid), "-o", perf],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu_before = cpu_seconds(server.process.pid)
        writes = run_wrk(server.base, LUA % {"token": token}, workdir, options.seconds, options.connections, 1)
        cpu_after = cpu_seconds(server.process.pid)
        if recorder:
            recorder.send_signal(2)
            recorder.wait(timeout=60)
        answered = writes["requests"] - writes["status_errors"]
        stored = stored_patients(sqlite_path) - before
        return {"binary": binary, "noop": noop, "writes": writes, "answered": answered, "stored": stored,
                "cpu_ms_per_request": (cpu_after - cpu_before) * 1000 / answered if answered else float("nan"),
                "server_cores": (cpu_after - cpu_before) / writes["seconds"]}
    finally:
        if server:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", action="append", help="a ketaclinic binary (repeat to compare); default .build/release/ketaclinic")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--perf", help="record a CPU profile of each server during its write run into FILE.N")
    parser.add_argument("--smoke", action="store_true", help="a few seconds; checks the script works, not the figures")
    options = parser.parse_args()
    if not wrk_installed():
        return 2
    if options.smoke:
        options.seconds, options.connections = 2, 4
    binaries = [os.path.abspath(binary) for binary in (options.binary or [".build/release/ketaclinic"])]
    results = [measure(binary, options, f"{options.perf}.{index}" if options.perf else None) for index, binary in enumerate(binaries, 1)]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    print(f"write path: SQLite, POST /api/v1/patients, {options.connections} connections, {options.seconds:g} s; {machine}; "
          f"{time.strftime('%Y-%m-%d')}")
    print("| binary | `/healthz` req/s | writes/s | p50 ms | p99 ms | server CPU per write | server cores busy | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    broken = []
    for result in results:
        writes, noop = result["writes"], result["noop"]
        errors = writes["status_errors"] + writes["socket_errors"]
        print(f"| {result['binary']} | {noop['requests_per_second']:,.0f} | {result['answered'] / writes['seconds']:,.0f} | "
              f"{writes['p50_us'] / 1000:.2f} | {writes['p99_us'] / 1000:.2f} | {result['cpu_ms_per_request']:.3f} ms | "
              f"{result['server_cores']:.2f} | {errors} |")
        if errors or result["stored"] < result["answered"]:
            broken.append(f"{result['binary']}: {errors} errors, {result['stored']} stored for {result['answered']} answered")
    for problem in broken:
        print(f"MISS  {problem}")
    if options.smoke:
        print(f"write path smoke: {'FAILED' if broken else 'ok'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
