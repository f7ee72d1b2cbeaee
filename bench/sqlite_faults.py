#!/usr/bin/env python3
"""SQLite faults: a full disk and a database file locked by another process.

Disk full. The database lives on a small file system of its own: a 32 MiB tmpfs mounted for the
check (`--mode tmpfs`, needs root and mount rights), or, where mounting is not allowed, the
server's file-size limit (RLIMIT_FSIZE, set on the running server with prlimit: `--mode fsize`;
the server ignores SIGXFSZ so a write past the limit fails with EFBIG instead of killing it).
`--mode auto` (the default) tries tmpfs and falls back to fsize, and says which it used.
--clients threads POST /api/v1/patients; the disk is then filled (a filler file takes all but
256 KiB of the tmpfs; or the size limit is set just above the files' current sizes). Checked:
writes are refused with 503, `Retry-After` and a problem+json message saying the disk is full
(or the file cannot be written); the server keeps running; after the space returns (filler
removed, limit lifted) writes are acknowledged again within --recover-limit seconds; every
acknowledged write is stored and the file passes PRAGMA integrity_check.

Locked file. Another process (this script, through Python's sqlite3) holds the database's write
lock with BEGIN EXCLUSIVE; `ketaclinic serve` must exit non-zero within 20 s with a start-up error
that says the file is locked by another process.

    python3 bench/sqlite_faults.py --binary .build/debug/ketaclinic

Prints `sqlite faults: N passed, M failed`; exits non-zero on any failure. Bounded in time,
loopback only; unmounts and stops what it starts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from opskit import Writers, sqlite_patient_ids
from serverkit import Server, bench_token, clean_env, record_pid


def mount_tmpfs(path: str, size: str) -> bool:
    os.makedirs(path, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path],
                            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        print(f"note: cannot mount a tmpfs here ({result.stderr.strip() or result.returncode}); "
              "using the file-size limit instead", flush=True)
        return False
    return True


def unmount(path: str) -> None:
    for _ in range(10):
        result = subprocess.run(["umount", path], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        if result.returncode == 0:
            return
        time.sleep(0.5)
    print(f"warning: could not unmount {path}: {result.stderr.strip()}", flush=True)


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def disk_full_check(binary: str, workdir: str, mode: str, clients: int, recover_limit: float) -> list[str]:
    problems: list[str] = []
    mount_point = os.path.join(workdir, "small-disk")
    mounted = False
    if mode in ("tmpfs", "auto"):
        mounted = mount_tmpfs(mount_point, "32m")
        if not mounted and mode == "tmpfs":
            return ["--mode tmpfs: mounting a tmpfs is not allowed here"]
    if not mounted:
        os.makedirs(mount_point, exist_ok=True)
    used = "tmpfs (32 MiB)" if mounted else "RLIMIT_FSIZE on the server process"
    print(f"disk full: simulated with {used}", flush=True)
    path = os.path.join(mount_point, "clinic.sqlite")
    filler = os.path.join(mount_point, "filler")
    server = writers = None
    try:
        server = Server(binary, workdir, path, log_level="warning", announce=lambda m: print(m, flush=True)).start(60)
        token = bench_token(binary, path, "nurse", "patients.read,patients.register", cwd=workdir)
        writers = Writers([server.base], token, clients, tag="Full").start()
        if not wait_for(lambda: len(writers.acknowledged) >= 50, 20):
            return problems + ["fewer than 50 writes were acknowledged before the disk was filled"]
        full_at = time.monotonic()
        if mounted:
            stats = os.statvfs(mount_point)
            free = stats.f_bavail * stats.f_frsize
            with open(filler, "wb") as handle:
                remaining = max(0, free - 256 * 1024)
                chunk = b"\0" * (1 << 20)
                while remaining > 0:
                    handle.write(chunk[:min(len(chunk), remaining)])
                    remaining -= min(len(chunk), remaining)
        else:
            limit = max(os.path.getsize(path), os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0) + 64 * 1024
            resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        refused_full = lambda: [r for r in writers.refused if r["status"] == 503 and r["at"] > full_at]
        if not wait_for(lambda: len(refused_full()) >= 20, 30):
            problems.append(f"writes were not refused with 503 after the disk filled "
                            f"(refusals: {sorted({r['status'] for r in writers.refused})})")
        time.sleep(1)
        refusals = refused_full()
        sample = refusals[0] if refusals else None
        if sample:
            print(f"refused: HTTP {sample['status']}, Retry-After {sample['retryAfter']}, {sample['contentType']}: "
                  f"{json.loads(sample['body']).get('detail', '')[:140]}")
            if not all(r["retryAfter"] and "application/problem+json" in r["contentType"] for r in refusals):
                problems.append("a 503 lacked Retry-After or problem+json")
            words = ("disk is full", "could not write")
            if not any(word in sample["body"] for word in words):
                problems.append(f"the 503 does not say the disk is full: {sample['body'][:200]}")
        if any(r["status"] == 500 for r in writers.refused):
            problems.append("some writes were answered 500")
        if server.process.poll() is not None:
            problems.append(f"the server exited (status {server.process.returncode}) when the disk filled")
            return problems
        freed_at = time.monotonic()
        if mounted:
            os.remove(filler)
        else:
            resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        recovered = wait_for(lambda: any(at > freed_at for at, *_ in writers.acknowledged), recover_limit)
        recovered_after = min((at for at, *_ in writers.acknowledged if at > freed_at), default=None)
        time.sleep(1)
        writers.stop()
        if not recovered:
            problems.append(f"no write was acknowledged within {recover_limit:g} s of the space returning")
        server.stop()
        acknowledged = writers.acknowledged_ids()
        stored = sqlite_patient_ids(path)
        missing = acknowledged - stored
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        connection.close()
        print(f"disk full: acknowledged {len(acknowledged)}, stored {len(acknowledged & stored)}, missing {len(missing)}; "
              f"refused with 503 while full: {len(refusals)}; first write acknowledged "
              f"{(recovered_after - freed_at) if recovered_after else float('nan'):.2f} s after space returned; "
              f"integrity: {integrity}", flush=True)
        if missing:
            problems.append(f"{len(missing)} acknowledged writes are missing")
        if integrity != "ok":
            problems.append(f"integrity_check after the fault: {integrity}")
    finally:
        if writers:
            writers.stop(5)
        if server:
            if problems:
                print(server.tail(30))
            server.stop()
        if mounted:
            unmount(mount_point)
    return problems


def locked_check(binary: str, workdir: str) -> list[str]:
    problems: list[str] = []
    path = os.path.join(workdir, "locked.sqlite")
    migrated = subprocess.run([binary, "migrate", "--database", path], capture_output=True, text=True, timeout=60,
                              env=clean_env(), stdin=subprocess.DEVNULL)
    if migrated.returncode != 0:
        return [f"migrate failed: {migrated.stderr.strip()}"]
    holder = sqlite3.connect(path, timeout=1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE IF NOT EXISTS lock_holder (x INTEGER)")
    started = time.monotonic()
    process = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--database", path],
                               cwd=workdir, env=clean_env(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    record_pid(process.pid, True)
    try:
        try:
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate(timeout=10)
            problems.append("serve did not give up within 20 s on a locked database")
        elapsed = time.monotonic() - started
        message = err.strip().splitlines()[-1] if err.strip() else ""
        print(f"locked file: serve exited with status {process.returncode} after {elapsed:.1f} s: {message}", flush=True)
        if process.returncode == 0:
            problems.append("serve started on a database locked by another process")
        if "locked by another process" not in err:
            problems.append(f"the start-up error does not say the file is locked by another process: {err.strip()[-300:]}")
    finally:
        record_pid(process.pid, False)
        holder.execute("ROLLBACK")
        holder.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--mode", choices=["auto", "tmpfs", "fsize"], default="auto")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--recover-limit", type=float, default=10)
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    workdir = tempfile.mkdtemp(prefix="kc-sqlite-faults-")
    os.chmod(workdir, 0o755)
    passed = failed = 0
    try:
        for name, check in [("disk full", lambda: disk_full_check(binary, workdir, options.mode, options.clients,
                                                                  options.recover_limit)),
                            ("locked file", lambda: locked_check(binary, workdir))]:
            try:
                problems = check()
            except Exception as error:  # noqa: BLE001 - reported as a failure
                problems = [f"could not run: {error!r}"]
            for problem in problems:
                print(f"FAIL {name}: {problem}", flush=True)
            if problems:
                failed += 1
            else:
                passed += 1
                print(f"PASS {name}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"sqlite faults: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
