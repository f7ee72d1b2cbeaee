#!/usr/bin/env python3
"""Audit-trail verification: how fast `ketaclinic audit verify` checks a large hash chain, and
whether it catches tampering.

1. Builds a database whose audit trail has about --entries entries with `ketaclinic demo
   --patients N` (each synthetic patient writes one audit entry; the clinic and demo users add a
   few). A --database that already holds that many entries is reused as it is; a smaller one is
   topped up. Without --database it uses a fresh SQLite file in a temporary directory.
2. Times `ketaclinic audit verify` --runs times (default 3): wall time, the time the command
   reports, entries/s and the verifier's peak RSS. Every run must exit 0 with the same last hash.
3. SQLite only: tamper detection on copies of the file (made with SQLite's backup API, so a WAL
   is included; the database itself is never changed). On each copy it drops the triggers
   audit_entries_refuse_update and audit_entries_refuse_delete, then
     control  no change: verify must still exit 0;
     (a) edit the summary of the target entry (default 500000, or the middle of a smaller trail);
     (b) delete the target entry;
     (c) swap the sequence numbers of the target entry and the next (through a temporary negative
         number);
     (d) delete the last entry (the chain head still counts it);
   and checks that verify exits 1 and names the right entry ("audit trail broken at entry N").

    python3 bench/audit_verify.py --binary .build/debug/ketaclinic --entries 1000000
    python3 bench/audit_verify.py --database sqlite:/var/tmp/audit-1m.sqlite   # reuse / keep it
    python3 bench/audit_verify.py --database postgres://u:p@127.0.0.1:5432/db  # no tamper step

Prints Markdown tables to stdout (progress to stderr); exits non-zero if verify fails on the intact
trail or misses or misplaces a tampering. Loopback/local only; every command has a time limit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

from serverkit import TEST_BCRYPT_COST, clean_env, redact

INTACT = re.compile(r"Audit trail intact: (?P<entries>\d+) entries verified in (?P<seconds>[0-9.]+) s\. "
                    r"Last hash: (?P<hash>[0-9a-f]+)")
BROKEN = re.compile(r"audit trail broken at entry (?P<entry>-?\d+)")
TRIGGERS = ("audit_entries_refuse_update", "audit_entries_refuse_delete")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def is_postgres(database: str) -> bool:
    return database.startswith(("postgres://", "postgresql://"))


def sqlite_path(database: str) -> str:
    return database.split(":", 1)[1]


# --------------------------------------------------------------------------------------------
# Building the trail
# --------------------------------------------------------------------------------------------

def trail_shape(database: str) -> tuple[int, int, int]:
    """(count, min sequence, max sequence) of audit_entries; (0, 0, 0) when there is no table yet."""
    query = "SELECT count(*), coalesce(min(sequence), 0), coalesce(max(sequence), 0) FROM audit_entries"
    if is_postgres(database):
        result = subprocess.run(["psql", database, "-X", "-A", "-t", "-F", " ", "-v", "ON_ERROR_STOP=1",
                                 "-c", query], capture_output=True, text=True, timeout=300,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            if "does not exist" in result.stderr:
                return 0, 0, 0
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        count, low, high = (int(part) for part in result.stdout.split())
        return count, low, high
    path = sqlite_path(database)
    if not os.path.exists(path):
        return 0, 0, 0
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return tuple(connection.execute(query).fetchone())
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return 0, 0, 0
        raise
    finally:
        connection.close()


def ensure_entries(binary: str, database: str, entries: int, workdir: str, timeout: float) -> dict:
    count, _, _ = trail_shape(database)
    if count >= entries:
        progress(f"reusing {redact(database)}: {count} audit entries already (>= {entries})")
        return {"existing": count, "added_patients": 0, "load_seconds": None}
    patients = entries - count
    command = [binary, "demo", "--database", database, "--patients", str(patients), "--seed", "1",
               "--bcrypt-cost", TEST_BCRYPT_COST]
    progress(f"{redact(database)} has {count} audit entries; loading {patients} demo patients:")
    progress(f"  {' '.join(redact(part) for part in command)}")
    started = time.perf_counter()
    result = subprocess.run(command, cwd=workdir, env=clean_env(), stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"`ketaclinic demo` exited {result.returncode}: "
                           f"{(result.stderr or result.stdout).strip()[-2000:]}")
    progress(f"  done in {seconds:.1f} s")
    return {"existing": count, "added_patients": patients, "load_seconds": seconds}


# --------------------------------------------------------------------------------------------
# Verifying
# --------------------------------------------------------------------------------------------

def verify(binary: str, database: str, workdir: str, timeout: float) -> dict:
    """Run `ketaclinic audit verify`: exit status, output, wall seconds and peak RSS (MiB)."""
    command = [binary, "audit", "verify", "--database", database]
    out_path = os.path.join(workdir, "verify.out")
    err_path = os.path.join(workdir, "verify.err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=workdir, env=clean_env(), stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=err)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise RuntimeError(f"`ketaclinic audit verify` did not finish within {timeout:.0f} s")
            time.sleep(0.01)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path, encoding="utf-8", errors="replace") as f:
        stdout = f.read()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    return {"exit": process.returncode, "stdout": stdout.strip(), "stderr": stderr.strip(), "wall": wall,
            "rss_mib": usage.ru_maxrss / 1024}


def timed_runs(binary: str, database: str, runs: int, workdir: str, timeout: float) -> list[dict]:
    rows = []
    for run in range(1, runs + 1):
        result = verify(binary, database, workdir, timeout)
        match = INTACT.search(result["stdout"])
        if result["exit"] != 0 or not match:
            raise RuntimeError(f"verify run {run} on the intact trail exited {result['exit']}: "
                               f"{result['stderr'] or result['stdout']}")
        entries = int(match.group("entries"))
        reported = float(match.group("seconds"))
        row = {"run": run, "entries": entries, "wall": result["wall"], "reported": reported,
               "rate_wall": entries / result["wall"], "rate_reported": entries / reported if reported else float("nan"),
               "rss_mib": result["rss_mib"], "hash": match.group("hash")}
        progress(f"verify run {run}: {entries} entries, {result['wall']:.2f} s wall "
                 f"(reported {reported:.2f} s), {row['rate_wall']:,.0f} entries/s, "
                 f"peak RSS {row['rss_mib']:.0f} MiB")
        rows.append(row)
    hashes = {row["hash"] for row in rows}
    if len(hashes) != 1:
        raise RuntimeError(f"the runs report different last hashes: {sorted(hashes)}")
    return rows


# --------------------------------------------------------------------------------------------
# Tampering (SQLite copies)
# --------------------------------------------------------------------------------------------

def unguarded_copy(source: str, destination: str) -> None:
    """A consistent copy (WAL included) with the append-only triggers dropped."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(destination + suffix):
            os.remove(destination + suffix)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(destination)
    try:
        src.backup(dst)
        for trigger in TRIGGERS:
            dst.execute(f"DROP TRIGGER {trigger}")
        dst.commit()
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dst.close()


def tamper_cases(target: int, last: int) -> list[dict]:
    return [
        {"case": "control", "change": "triggers dropped, nothing else", "expect": None, "sql": []},
        {"case": "(a) edit", "change": f"summary of entry {target} edited", "expect": target,
         "sql": [("UPDATE audit_entries SET summary = summary || ' (edited)' WHERE sequence = ?", (target,))]},
        {"case": "(b) delete", "change": f"entry {target} deleted", "expect": target,
         "sql": [("DELETE FROM audit_entries WHERE sequence = ?", (target,))]},
        {"case": "(c) swap", "change": f"sequence numbers of entries {target} and {target + 1} swapped",
         "expect": target,
         "sql": [("UPDATE audit_entries SET sequence = -1 WHERE sequence = ?", (target,)),
                 ("UPDATE audit_entries SET sequence = ? WHERE sequence = ?", (target, target + 1)),
                 ("UPDATE audit_entries SET sequence = ? WHERE sequence = -1", (target + 1,))]},
        {"case": "(d) truncate", "change": f"last entry ({last}) deleted", "expect": last,
         "sql": [("DELETE FROM audit_entries WHERE sequence = ?", (last,))]},
    ]


def run_tamper(binary: str, database: str, target: int | None, workdir: str, timeout: float) -> list[dict]:
    count, low, high = trail_shape(database)
    if target is None:
        target = (low + high) // 2
        if count >= 10_000:
            target -= target % 1000  # 1,000,005 entries -> entry 500000
    if not low < target < high - 1:
        raise RuntimeError(f"--tamper-entry {target} is not inside the trail ({low}..{high})")
    base = os.path.join(workdir, "unguarded.sqlite")
    progress(f"tamper: copying {sqlite_path(database)} (backup API) and dropping {', '.join(TRIGGERS)}")
    started = time.perf_counter()
    unguarded_copy(sqlite_path(database), base)
    progress(f"  copy made in {time.perf_counter() - started:.1f} s; target entry {target}, last entry {high}")
    rows = []
    for case in tamper_cases(target, high):
        copy = os.path.join(workdir, "tampered.sqlite")
        shutil.copyfile(base, copy)
        connection = sqlite3.connect(copy)
        try:
            for statement, parameters in case["sql"]:
                changed = connection.execute(statement, parameters).rowcount
                if changed != 1:
                    raise RuntimeError(f"{case['case']}: `{statement}` {parameters} changed {changed} rows")
            connection.commit()
        finally:
            connection.close()
        result = verify(binary, f"sqlite:{copy}", workdir, timeout)
        os.remove(copy)
        message = (result["stderr"] or result["stdout"]).splitlines()
        message = message[0] if message else ""
        match = BROKEN.search(message)
        named = int(match.group("entry")) if match else None
        if case["expect"] is None:
            ok = result["exit"] == 0 and INTACT.search(result["stdout"]) is not None
        else:
            ok = result["exit"] == 1 and named == case["expect"]
        row = dict(case, exit=result["exit"], named=named, ok=ok, message=message, wall=result["wall"])
        progress(f"  {case['case']}: exit {result['exit']}, {result['wall']:.2f} s: {message}"
                 f" -> {'PASS' if ok else 'FAIL'}")
        rows.append(row)
    os.remove(base)
    return rows


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def markdown(database: str, build: dict, runs: list[dict], tamper: list[dict] | None, binary: str) -> str:
    lines = [f"### `ketaclinic audit verify` on {'PostgreSQL' if is_postgres(database) else 'SQLite'}", ""]
    if build["load_seconds"] is None:
        lines.append(f"Trail reused as found ({build['existing']} entries).")
    else:
        lines.append(f"Trail built with `ketaclinic demo --patients {build['added_patients']}` in "
                     f"{build['load_seconds']:.1f} s (on top of {build['existing']} existing entries).")
    lines += ["", "| run | entries | wall s | reported s | entries/s (wall) | entries/s (reported) | peak RSS MiB |",
              "|---|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r['run']} | {r['entries']} | {r['wall']:.2f} | {r['reported']:.2f} | {r['rate_wall']:,.0f} "
                     f"| {r['rate_reported']:,.0f} | {r['rss_mib']:.0f} |")
    walls = sorted(r["wall"] for r in runs)
    lines += ["", f"Median wall {walls[len(walls) // 2]:.2f} s; last hash {runs[0]['hash'][:16]}…; "
              f"binary {binary}; machine: {os.cpu_count()} CPUs."]
    if tamper is None:
        reason = "it edits a copy of a SQLite file" if is_postgres(database) else "--skip-tamper"
        lines += ["", f"Tamper detection: skipped ({reason})."]
    else:
        lines += ["", "| case | change (on a copy, triggers dropped) | expected | exit | entry named | result | message |",
                  "|---|---|---|---|---|---|---|"]
        for r in tamper:
            expected = "exit 0" if r["expect"] is None else f"exit 1, entry {r['expect']}"
            named = "" if r["named"] is None else str(r["named"])
            lines.append(f"| {r['case']} | {r['change']} | {expected} | {r['exit']} | {named} "
                         f"| {'PASS' if r['ok'] else 'FAIL'} | {r['message'].replace('|', '/')} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic", help="ketaclinic executable")
    parser.add_argument("--entries", type=int, default=1_000_000, help="audit entries wanted (default 1000000)")
    parser.add_argument("--database", help="sqlite:PATH (reused, kept) or postgres://... "
                                           "(default: a fresh temporary SQLite file)")
    parser.add_argument("--runs", type=int, default=3, help="timed verify runs (default 3)")
    parser.add_argument("--tamper-entry", type=int, help="entry to tamper with (default 500000 / the middle)")
    parser.add_argument("--skip-tamper", action="store_true", help="only time verify")
    parser.add_argument("--timeout", type=float, default=3600, help="limit per command in s (default 3600)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()
    if not 1 <= options.entries <= 100_000_000 or not 1 <= options.runs <= 20:
        parser.error("--entries must be in [1, 100000000] and --runs in [1, 20]")
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        parser.error(f"{binary} is not an executable")
    if options.database and not (is_postgres(options.database) or options.database.startswith("sqlite:")):
        parser.error("--database takes sqlite:PATH or postgres://...")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = tempfile.mkdtemp(prefix="kc-audit-verify-")
    database = options.database or f"sqlite:{workdir}/audit.sqlite"
    if database.startswith("sqlite:"):
        database = "sqlite:" + os.path.abspath(sqlite_path(database))
    ok = False
    try:
        build = ensure_entries(binary, database, options.entries, workdir, options.timeout)
        runs = timed_runs(binary, database, options.runs, workdir, options.timeout)
        tamper = None
        if not is_postgres(database) and not options.skip_tamper:
            tamper = run_tamper(binary, database, options.tamper_entry, workdir, options.timeout)
        print(markdown(database, build, runs, tamper, binary), flush=True)
        ok = tamper is None or all(row["ok"] for row in tamper)
    except Exception as error:  # noqa: BLE001
        progress(f"FAIL: {error}")
    finally:
        if options.keep:
            progress(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    progress(f"audit verify: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
