#!/usr/bin/env python3
"""FHIR bulk export throughput: `ketaclinic export fhir` over the demo clinic, against the issue's
targets: at least 20,000 resources/s on SQLite in a release build, with flat memory (peak RSS under
200 MB) at 100,000 patients.

1. Builds the demo clinic with `ketaclinic demo --patients N` into a fresh SQLite file (or reuses
   --database when it already holds patients).
2. Runs `ketaclinic export fhir --out DIR` --runs times into fresh folders, each time recording the
   command's wall time, the export time and resource count it prints, and its peak RSS (the child's
   ru_maxrss from wait4). Checks that every file's line count matches the printed count.
3. Prints a Markdown table with the machine, the build and the verdict against both targets.

    python3 bench/fhir_export.py --binary .build/release/ketaclinic --patients 100000
    python3 bench/fhir_export.py --binary .build/debug/ketaclinic --smoke      # CI: small N, no verdict

Exits non-zero when an export fails or its files disagree with its counts; a missed target is
reported in the table (and fails the run only with --strict).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

from serverkit import TEST_BCRYPT_COST, clean_env

TARGET_RATE = 20_000          # resources/s, issue 17
TARGET_RSS_MB = 200           # peak RSS, issue 17
EXPORTED = re.compile(r"exported (?P<count>\d+) resources in (?P<seconds>[0-9.]+) s \((?P<rate>\d+) resources/s\)")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_export(binary: str, database: str, out: str, batch_size: int, timeout: float) -> dict:
    """Runs one export; returns its figures. Peak RSS comes from wait4's rusage of that child alone."""
    command = [binary, "export", "fhir", "--database", database, "--out", out, "--batch-size", str(batch_size)]
    started = time.monotonic()
    process = subprocess.Popen(command, env=clean_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"export did not finish within {timeout:.0f} s")
        time.sleep(0.05)
    wall = time.monotonic() - started
    stdout = process.stdout.read().decode("utf-8", "replace")
    stderr = process.stderr.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"export exited {code}: {stderr.strip()[-800:]}")
    match = EXPORTED.search(stdout)
    if not match:
        raise RuntimeError(f"no summary line in the export's output: {stdout[-800:]}")
    printed = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].endswith(".ndjson") and parts[1].isdigit():
            printed[parts[2]] = int(parts[1])
    for name, count in printed.items():
        with open(os.path.join(out, name), "rb") as handle:
            lines = sum(1 for _ in handle)
        if lines != count:
            raise RuntimeError(f"{name}: {lines} lines, the export printed {count}")
    return {
        "count": int(match["count"]), "export_seconds": float(match["seconds"]), "wall_seconds": wall,
        "rss_mb": usage.ru_maxrss / 1024.0, "files": len(printed),
        "bytes": sum(os.path.getsize(os.path.join(out, name)) for name in printed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--database", help="reuse this SQLite database (demo loaded into it when it has no patients)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--smoke", action="store_true", help="CI: 150 patients, one run, no verdict on the targets")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.patients, args.runs = 150, 1
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="kc-fhir-bench-")
    database = args.database or f"sqlite:{workdir}/fhir-bench.sqlite"
    try:
        progress(f"demo clinic: {args.patients} patients into {database}")
        started = time.monotonic()
        result = subprocess.run([binary, "demo", "--database", database, "--patients", str(args.patients),
                                 "--bcrypt-cost", TEST_BCRYPT_COST], env=clean_env(), stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=4 * 3600)
        if result.returncode != 0:
            raise RuntimeError(f"demo failed: {result.stderr.strip()[-800:]}")
        progress(f"demo loaded in {time.monotonic() - started:.0f} s")
        runs = []
        for run in range(args.runs):
            out = os.path.join(workdir, f"export-{run}")
            figures = run_export(binary, database, out, args.batch_size, timeout=3 * 3600)
            progress(f"run {run + 1}: {figures['count']} resources in {figures['export_seconds']:.2f} s, "
                     f"peak RSS {figures['rss_mb']:.0f} MB")
            runs.append(figures)
            shutil.rmtree(out, ignore_errors=True)
        best = max(runs, key=lambda r: r["count"] / r["export_seconds"])
        rate = best["count"] / best["export_seconds"]
        wall_rate = best["count"] / best["wall_seconds"]
        peak = max(r["rss_mb"] for r in runs)
        build = "release" if "/release/" in binary else "debug" if "/debug/" in binary else binary
        print(f"### FHIR bulk export, {args.patients:,} patients ({datetime.date.today().isoformat()}, {build} build)\n")
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
              f"SQLite; batch {args.batch_size} rows; best of {len(runs)} run(s).\n")
        print("| figure | measured | target | verdict |")
        print("|---|---:|---:|---|")
        rate_ok = rate >= TARGET_RATE
        rss_ok = peak < TARGET_RSS_MB
        verdict = (lambda ok: "met" if ok else "missed") if not args.smoke else (lambda ok: "smoke (debug, not judged)")
        print(f"| resources exported | {best['count']:,} | | |")
        print(f"| NDJSON written | {best['bytes'] / 1e6:,.1f} MB in {best['files']} files | | |")
        print(f"| export time (the command's own figure) | {best['export_seconds']:.2f} s | | |")
        print(f"| resources/s (export) | {rate:,.0f} | ≥ {TARGET_RATE:,} | {verdict(rate_ok)} |")
        print(f"| resources/s (wall, incl. start-up) | {wall_rate:,.0f} | | |")
        print(f"| peak RSS | {peak:,.0f} MB | < {TARGET_RSS_MB} MB | {verdict(rss_ok)} |")
        if args.strict and not args.smoke and not (rate_ok and rss_ok):
            return 1
        return 0
    except Exception as error:  # a clear message and a non-zero exit, never a traceback to read
        print(f"fhir_export: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            progress(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
