#!/usr/bin/env python3
"""Backup under load, restore, and scheduled backups with retention.

SQLite (default; the database is given as a plain file path): starts `ketaclinic serve`, runs
--clients threads POSTing /api/v1/patients, and while they write runs `ketaclinic backup --out`.
Every patient acknowledged before the backup began must be in the backup; the backup must carry a
matching .sha256. Then `ketaclinic restore` into a new path must report the checks (integrity,
schema, audit chain) and succeed; restoring again onto that now non-empty path must be refused;
`--replace-existing` must succeed and keep the replaced file; a damaged copy (one byte changed,
old .sha256 beside it) must be refused. The backup log (GET /api/v1/operations/backups, an
administrator's token) must list the command's backup.

PostgreSQL (--database postgres://…, a server where databases may be created): the same load on a
fresh database, `ketaclinic backup` (pg_dump), restore into a second fresh database with the same
checks, refusal of a non-empty target, and the acknowledged-before-backup comparison.

Scheduled (--scheduled, SQLite): `serve --backup-every 5s --backup-keep 2`; after about 14 s the
folder must hold exactly 2 backups with their .sha256, and the backup log must list scheduled runs,
all good, with the freshness `current`.

    python3 bench/backup_restore.py --binary .build/debug/ketaclinic
    python3 bench/backup_restore.py --database "$KETACLINIC_TEST_POSTGRES_URL"
    python3 bench/backup_restore.py --scheduled

Prints `backup and restore: N passed, M failed`; exits non-zero on any failure. Loopback only,
bounded; stops its server and drops the databases it created.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from opskit import Writers, drop_postgres_database, fresh_postgres_database, http_get, postgres_patient_ids, sqlite_patient_ids
from serverkit import Server, bench_token, run_cli


def run_restore(binary: str, backup: str, target: str, workdir: str, *extra: str) -> subprocess.CompletedProcess:
    return run_cli(binary, ["restore", backup, "--database", target, *extra], cwd=workdir, timeout=300)


def backup_under_load(binary: str, workdir: str, database: str, clients: int, postgres: bool) -> tuple[list[str], str, set[str], Server | None]:
    problems: list[str] = []
    server = Server(binary, workdir, database, log_level="warning", announce=lambda m: print(m, flush=True)).start(60)
    token = bench_token(binary, database, "nurse", "patients.read,patients.register", cwd=workdir)
    writers = Writers([server.base], token, clients, tag="Backup").start()
    time.sleep(2)
    backup = os.path.join(workdir, "clinic-backup." + ("pgdump" if postgres else "sqlite"))
    before = time.monotonic()
    acknowledged_before = writers.acknowledged_ids(before=before)
    started = time.monotonic()
    result = run_cli(binary, ["backup", "--database", database, "--out", backup], cwd=workdir, timeout=300)
    took = time.monotonic() - started
    time.sleep(1)
    writers.stop()
    during = len([1 for at, *_ in writers.acknowledged if started <= at <= started + took])
    print(f"backup: {result.stdout.strip()}", flush=True)
    print(f"backup took {took:.2f} s while {clients} clients wrote; writes acknowledged during it: {during}; "
          f"acknowledged before it began: {len(acknowledged_before)}", flush=True)
    if result.returncode != 0:
        return [f"backup failed: {result.stderr.strip()}"], backup, acknowledged_before, server
    if during == 0:
        problems.append("no write was acknowledged while the backup ran: it did not run under load")
    with open(backup + ".sha256") as handle:
        recorded = handle.read().split()[0]
    with open(backup, "rb") as handle:
        actual = hashlib.sha256(handle.read()).hexdigest()
    if recorded != actual:
        problems.append(f"the .sha256 ({recorded}) does not match the file ({actual})")
    admin = bench_token(binary, database, "administrator", "operations.metrics", cwd=workdir)
    status, _, body = http_get(server.base, "/api/v1/operations/backups", token=admin)
    log = json.loads(body) if status == 200 else {}
    if status != 200 or not any(run["trigger"] == "command" and run["succeeded"] and run["sha256"] == actual
                                for run in log.get("runs", [])):
        problems.append(f"the backup log does not list the backup (status {status}: {body[:200]!r})")
    else:
        print(f"backup log: freshness {log['freshness']}, last good backup {log['lastSuccess']['ageSeconds']} s old", flush=True)
    if writers.refused:
        problems.append(f"writes were refused during the backup: {writers.refused[:2]}")
    return problems, backup, acknowledged_before, server


def sqlite_round_trip(binary: str, workdir: str, clients: int) -> list[str]:
    database = os.path.join(workdir, "live.sqlite")
    problems, backup, acknowledged_before, server = backup_under_load(binary, workdir, database, clients, postgres=False)
    try:
        if problems and not os.path.exists(backup):
            return problems
        in_backup = sqlite_patient_ids(backup)
        missing = acknowledged_before - in_backup
        print(f"backup holds {len(in_backup)} patients; acknowledged before the backup began: {len(acknowledged_before)}, "
              f"missing from it: {len(missing)}", flush=True)
        if missing:
            problems.append(f"{len(missing)} writes acknowledged before the backup began are not in it")
        target = os.path.join(workdir, "restored", "clinic.sqlite")
        restored = run_restore(binary, backup, target, workdir)
        print("restore:\n" + restored.stdout.rstrip(), flush=True)
        if restored.returncode != 0 or "verified" not in restored.stdout:
            problems.append(f"restore failed: {restored.stderr.strip()}")
        for needed in ("integrity: ok", "audit trail: intact", "matches"):
            if needed not in restored.stdout:
                problems.append(f"the restore report lacks '{needed}'")
        if sqlite_patient_ids(target) != in_backup:
            problems.append("the restored database differs from the backup")
        again = run_restore(binary, backup, target, workdir)
        if again.returncode == 0 or "already holds" not in again.stderr:
            problems.append(f"restoring onto a non-empty database was not refused: {again.stderr.strip()}")
        else:
            print(f"refused as expected: {again.stderr.strip()}", flush=True)
        replaced = run_restore(binary, backup, target, workdir, "--replace-existing")
        kept = [name for name in os.listdir(os.path.dirname(target)) if ".replaced-" in name]
        if replaced.returncode != 0 or not kept:
            problems.append(f"--replace-existing failed or did not keep the old file: {replaced.stderr.strip()}")
        damaged = os.path.join(workdir, "damaged.sqlite")
        shutil.copy(backup, damaged)
        shutil.copy(backup + ".sha256", damaged + ".sha256")
        with open(damaged, "r+b") as handle:
            handle.seek(os.path.getsize(damaged) // 2)
            byte = handle.read(1)
            handle.seek(-1, 1)
            handle.write(bytes([byte[0] ^ 0xFF]))
        refused = run_restore(binary, damaged, os.path.join(workdir, "never.sqlite"), workdir)
        if refused.returncode == 0 or "SHA-256" not in refused.stderr:
            problems.append(f"a damaged backup was not refused: {refused.stderr.strip()}")
        elif os.path.exists(os.path.join(workdir, "never.sqlite")):
            problems.append("a damaged backup left a database behind")
        else:
            print(f"damaged copy refused: {refused.stderr.strip()[:160]}", flush=True)
    finally:
        if server:
            server.stop()
    return problems


def postgres_round_trip(binary: str, workdir: str, admin_url: str, clients: int) -> list[str]:
    source = fresh_postgres_database(admin_url, "kc_backup_src")
    target = fresh_postgres_database(admin_url, "kc_backup_dst")
    server = None
    try:
        problems, backup, acknowledged_before, server = backup_under_load(binary, workdir, source, clients, postgres=True)
        if not os.path.exists(backup):
            return problems
        restored = run_restore(binary, backup, target, workdir)
        print("restore:\n" + restored.stdout.rstrip(), flush=True)
        if restored.returncode != 0 or "verified" not in restored.stdout:
            problems.append(f"restore failed: {restored.stderr.strip()}")
        for needed in ("integrity: ok", "audit trail: intact", "matches"):
            if needed not in restored.stdout:
                problems.append(f"the restore report lacks '{needed}'")
        in_restored = postgres_patient_ids(target)
        missing = acknowledged_before - in_restored
        print(f"restored copy holds {len(in_restored)} patients; acknowledged before the backup began: "
              f"{len(acknowledged_before)}, missing: {len(missing)}", flush=True)
        if missing:
            problems.append(f"{len(missing)} writes acknowledged before the backup began are not in the restored copy")
        again = run_restore(binary, backup, target, workdir)
        if again.returncode == 0 or "already holds" not in again.stderr:
            problems.append(f"restoring into a non-empty PostgreSQL database was not refused: {again.stderr.strip()}")
        return problems
    finally:
        if server:
            server.stop()
        drop_postgres_database(admin_url, source)
        drop_postgres_database(admin_url, target)


def scheduled(binary: str, workdir: str) -> list[str]:
    problems = []
    database = os.path.join(workdir, "scheduled.sqlite")
    folder = os.path.join(workdir, "backups")
    server = Server(binary, workdir, database, log_level="warning", announce=lambda m: print(m, flush=True),
                    args=["--backup-every", "5s", "--backup-keep", "2", "--backup-directory", folder]).start(60)
    try:
        time.sleep(14)
        admin = bench_token(binary, database, "administrator", "operations.metrics", cwd=workdir)
        status, _, body = http_get(server.base, "/api/v1/operations/backups", token=admin)
        log = json.loads(body) if status == 200 else {}
        # Stopped before the folder is read, so retention does not remove a file being checked.
        server.stop()
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        backups = [n for n in names if n.endswith(".sqlite")]
        sums = [n for n in names if n.endswith(".sqlite.sha256")]
        runs = [run for run in log.get("runs", []) if run["trigger"] == "scheduled"]
        print(f"scheduled: folder holds {backups}; log lists {len(runs)} scheduled runs "
              f"({sum(1 for r in runs if r['succeeded'])} good); freshness {log.get('freshness')}", flush=True)
        if len(backups) != 2 or len(sums) != 2:
            problems.append(f"retention should keep 2 backups with checksums, found {names}")
        if len(runs) < 3 or not all(run["succeeded"] for run in runs):
            problems.append(f"expected at least 3 good scheduled runs in the log, got {runs[:3]}")
        if log.get("freshness") != "current" or log.get("alert"):
            problems.append(f"the newest backup should be current, got {log.get('freshness')}")
        for name in backups:
            connection = sqlite3.connect(f"file:{os.path.join(folder, name)}?mode=ro", uri=True)
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                problems.append(f"{name} fails its integrity check")
            connection.close()
    finally:
        server.stop()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--database", help="PostgreSQL: a URL whose server may create databases")
    parser.add_argument("--scheduled", action="store_true", help="check scheduled backups and retention (SQLite)")
    parser.add_argument("--clients", type=int, default=16)
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    workdir = tempfile.mkdtemp(prefix="kc-backup-")
    if options.scheduled:
        name, check = "scheduled backups with retention", lambda: scheduled(binary, workdir)
    elif options.database:
        name, check = "pg_dump backup under load and restore", lambda: postgres_round_trip(binary, workdir, options.database,
                                                                                            options.clients)
    else:
        name, check = "SQLite backup under load and restore", lambda: sqlite_round_trip(binary, workdir, options.clients)
    try:
        try:
            problems = check()
        except Exception as error:  # noqa: BLE001 - reported as a failure
            problems = [f"could not run: {error!r}"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"FAIL {name}: {problem}")
    print(f"{'PASS' if not problems else 'FAIL'} {name}")
    print(f"backup and restore: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
