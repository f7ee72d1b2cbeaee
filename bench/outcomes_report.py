"""Clinic outcome report at scale: loads the demo clinic with N patients (default 100,000; each with
a course, its sessions and ~20 PHQ-9 ratings), then times, side by side in one run:

  1. `ketaclinic report outcomes --from … --to … --json` (the full report: cohort, exclusions,
     rates per cohort for 8 dimensions, three Kaplan–Meier curves with Greenwood bands, a log-rank
     test, the waterfall and the safety measures), a fresh process each time (it opens the
     database, checks the schema, refreshes and reports), median of --runs, against the 1 s limit;
  2. the same report through the running server, `GET /api/v1/outcomes`, median of --runs;
  3. the network report, `ketaclinic report outcomes --network --json` (each clinic side by side
     with the network total; with --network-clinics on PostgreSQL the demo is spread over that many
     clinics), median of --runs;
  4. pandas + lifelines computing the same figures (the same tallies, the same three curves and
     the same log-rank test) from a CSV export of the same per-course and per-dose rows, from
     reading the CSV to the last number.

Also reports the demo load time against its 60 s limit, and checks that both sides agree (cohort,
counted courses, responses, log-rank χ² within 1e-6).

Usage: python3 bench/outcomes_report.py [--binary .build/release/ketaclinic] [--patients 100000]
       [--database postgres://…] [--network-clinics 3] [--runs 10]
With no --database it uses a fresh SQLite file in a temporary directory (the --database given must
be an empty database). Loopback only; bounded. Needs pandas and lifelines (pip install lifelines).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverkit import Server, bearer, bench_token  # noqa: E402

COURSE_COLUMNS = ["start_on", "start_month", "treatment", "protocol_id", "diagnosis", "trd_stage", "age_band", "sex", "exclusion",
                  "is_response", "is_remission", "reliable_change", "response_days", "response_event", "sessions_to_response",
                  "relapse_days", "relapse_event", "is_dropout", "sessions_given", "waterfall_bin", "clinic_id"]
DOSE_COLUMNS = ["start_on", "treatment", "days", "event"]


def export_csv(database: str, work: str) -> tuple[str, str]:
    """The derived per-course and per-dose rows as CSV files (what both sides compute from)."""
    courses, doses = os.path.join(work, "courses.csv"), os.path.join(work, "doses.csv")
    for table, columns, path in (("course_outcomes", COURSE_COLUMNS, courses), ("course_dose_effects", DOSE_COLUMNS, doses)):
        query = f"SELECT {', '.join(columns)} FROM {table}"
        if database.startswith("sqlite:"):
            with sqlite3.connect(database[len("sqlite:"):]) as connection, open(path, "w") as handle:
                cursor = connection.execute(query)
                handle.write(",".join(columns) + "\n")
                for row in cursor:
                    handle.write(",".join("" if v is None else str(v) for v in row) + "\n")
        else:
            subprocess.run(["psql", database, "-q", "-c", f"\\copy ({query}) TO '{path}' CSV HEADER"], check=True)
    return courses, doses


def wilson(count: int, total: int) -> tuple[float, float]:
    import math
    if total == 0:
        return (float("nan"), float("nan"))
    z = 1.959963984540054
    p = count / total
    d = 1 + z * z / total
    c = p + z * z / (2 * total)
    s = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return ((c - s) / d, (c + s) / d)


def python_report(courses_csv: str, doses_csv: str, start: str, end: str) -> tuple[float, dict]:
    # The libraries are imported before the clock starts (each run is timed warm, from reading the CSV
    # to the last number); the KetaClinic command line is timed with its process start, the API warm.
    import pandas as pd
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test
    started = time.perf_counter()
    courses = pd.read_csv(courses_csv, dtype={"exclusion": "string", "reliable_change": "string"})
    doses = pd.read_csv(doses_csv)
    courses = courses[(courses.start_on >= start) & (courses.start_on <= end)]
    doses = doses[(doses.start_on >= start) & (doses.start_on <= end)]
    counted = courses[courses.exclusion.isna()]
    figures: dict = {}
    for dimension in ["start_month", "treatment", "protocol_id", "diagnosis", "trd_stage", "age_band", "sex", "clinic_id"]:
        table = courses.groupby(dimension).agg(courses=("treatment", "size"))
        included = counted.groupby(dimension).agg(included=("treatment", "size"), responses=("is_response", "sum"),
                                                  remissions=("is_remission", "sum"))
        table = table.join(included, how="left").fillna(0)
        table["response_ci"] = [wilson(int(r), int(n)) for r, n in zip(table.responses, table.included)]
        figures[dimension] = table
    figures["overall"] = (len(courses), len(counted), int(counted.is_response.sum()), wilson(int(counted.is_response.sum()), len(counted)))
    curves = {}
    for name, frame, time_column, event_column in (("response", counted.dropna(subset=["response_days"]), "response_days", "response_event"),
                                                   ("relapse", counted.dropna(subset=["relapse_days"]), "relapse_days", "relapse_event"),
                                                   ("effect", doses, "days", "event")):
        kmf = KaplanMeierFitter().fit(frame[time_column], frame[event_column])
        curves[name] = (kmf.median_survival_time_, kmf.confidence_interval_.shape[0])
    responders = counted.dropna(subset=["relapse_days"])
    iv, esk = responders[responders.treatment == "iv-ketamine"], responders[responders.treatment == "esketamine"]
    test = logrank_test(iv.relapse_days, esk.relapse_days, iv.relapse_event, esk.relapse_event)
    waterfall = counted.waterfall_bin.value_counts()
    elapsed = time.perf_counter() - started
    return elapsed, {"courses": figures["overall"][0], "included": figures["overall"][1], "responses": figures["overall"][2],
                     "relapse_median": curves["relapse"][0], "effect_median": curves["effect"][0],
                     "logrank": float(test.test_statistic), "bins": int(len(waterfall))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--database")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--network-clinics", type=int, default=1, help="spread the demo over this many clinics (PostgreSQL)")
    parser.add_argument("--smoke", action="store_true", help="CI: check it runs and the two sides agree; do not judge the limits")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    work = tempfile.mkdtemp(prefix="kc-outcomes-")
    database = options.database or f"sqlite:{work}/outcomes.sqlite"
    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    server = None
    try:
        started = time.perf_counter()
        demo = [binary, "demo", "--database", database, "--patients", str(options.patients), "--seed", "1", "--bcrypt-cost", "4"]
        if options.network_clinics > 1:
            demo += ["--network-clinics", str(options.network_clinics)]
        subprocess.run(demo, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=work)
        load = time.perf_counter() - started
        token = bench_token(binary, database, "prescriber", ["outcomes.read"], cwd=work)
        server = Server(binary, work, database).start(60)
        today = datetime.date.today()
        start, end = (today - datetime.timedelta(days=400)).isoformat(), today.isoformat()
        path = f"/api/v1/outcomes?from={start}&to={end}"
        times, body = [], None
        for _ in range(options.runs):
            request = urllib.request.Request(server.base + path, headers=bearer(token))
            t0 = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                body = json.loads(response.read())
            times.append(time.perf_counter() - t0)
        api = statistics.median(times)

        def command(extra: list[str]) -> tuple[float, dict]:
            """Median wall time of `ketaclinic report outcomes … --json` over the runs, and its last document."""
            elapsed, document = [], {}
            for _ in range(options.runs):
                t0 = time.perf_counter()
                done = subprocess.run([binary, "report", "outcomes", "--database", database, "--from", start, "--to", end, "--json"] + extra,
                                      check=True, capture_output=True, stdin=subprocess.DEVNULL, cwd=work, timeout=300)
                elapsed.append(time.perf_counter() - t0)
                document = json.loads(done.stdout)
            return statistics.median(elapsed), document

        ours, cli_body = command([])
        network_time, network_body = command(["--network"])
        courses_csv, doses_csv = export_csv(database, work)
        python_times, python_figures = [], {}
        for _ in range(max(1, min(3, options.runs))):
            elapsed, python_figures = python_report(courses_csv, doses_csv, start, end)
            python_times.append(elapsed)
        theirs = statistics.median(python_times)
        # pandas reads every clinic's rows: it is compared with the network total, which is the one
        # clinic's report when the demo has one clinic; the one-clinic report must equal its column.
        total = network_body["network"]
        responses = next(m for m in total["measures"] if m["id"] == "response")["rate"]["numerator"]
        chi = total["comparison"]["chiSquare"]
        network_courses = total["courses"]
        primary = next((c for c in network_body["clinics"] if c["name"] == "Demo Ketamine Clinic"), network_body["clinics"][0])
        agree = (python_figures["courses"] == network_courses and python_figures["included"] == total["included"]
                 and python_figures["responses"] == responses
                 and chi is not None and abs(python_figures["logrank"] - chi) <= 1e-6 * max(1.0, abs(chi))
                 and cli_body["courses"] == body["courses"] == primary["courses"] and cli_body["included"] == primary["included"])
        # The KetaClinic run that computes what pandas computes: the network report when the demo spans clinics.
        reference = network_time if len(network_body["clinics"]) > 1 else ours
        rows = [
            ("demo load", f"{options.patients:,} patients", f"{load:.1f} s", "< 60 s", "ok" if load < 60 else "OVER"),
            ("outcome report, `ketaclinic report outcomes --json` (median of %d)" % options.runs, f"{cli_body['courses']:,} courses",
             f"{ours * 1000:.0f} ms", "< 1000 ms", "ok" if ours < 1 else "OVER"),
            ("outcome report, API `GET /api/v1/outcomes` (median of %d)" % options.runs, f"{body['courses']:,} courses",
             f"{api * 1000:.0f} ms", "< 1000 ms", "ok" if api < 1 else "OVER"),
            ("network report, `report outcomes --network --json` (median of %d)" % options.runs,
             f"{len(network_body['clinics'])} clinics, {network_courses:,} courses", f"{network_time * 1000:.0f} ms", "< 1000 ms",
             "ok" if network_time < 1 else "OVER"),
            ("pandas + lifelines, same figures from CSV (median of %d)" % len(python_times), f"{python_figures['courses']:,} courses",
             f"{theirs * 1000:.0f} ms", "slower than KetaClinic's " + ("network" if len(network_body["clinics"]) > 1 else "CLI") + " report",
             "ok" if theirs > reference else "FASTER"),
        ]
        print(f"engine: {engine}; build: {os.path.basename(os.path.dirname(os.path.dirname(binary)))}/{os.path.basename(os.path.dirname(binary))}")
        print("| step | size | time | limit | |")
        print("|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(f"both sides agree: {'yes' if agree else 'NO'} (courses pandas {python_figures['courses']} / network total {network_courses}, "
              f"counted {python_figures['included']} / {total['included']}, responses {python_figures['responses']} / {responses}; "
              f"the demo clinic's own report: CLI {cli_body['courses']} / API {body['courses']} / its network column {primary['courses']}); "
              f"log-rank χ² pandas {python_figures['logrank']:.6f}, KetaClinic {chi}")
        print(json.dumps({"engine": engine, "patients": options.patients, "clinics": len(network_body["clinics"]), "load_s": load,
                          "report_cli_ms": ours * 1000, "report_api_ms": api * 1000, "network_cli_ms": network_time * 1000,
                          "pandas_ms": theirs * 1000, "agree": agree}))
        if options.smoke:
            return 0 if agree else 1
        return 0 if load < 60 and ours < 1 and api < 1 and network_time < 1 and theirs > reference and agree else 1
    finally:
        if server is not None:
            server.stop()
        if options.database is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
