"""Cross-checks KetaClinic's Kaplan–Meier estimator, Greenwood band and log-rank test against the
Python `lifelines` package on the same data, within 1e-6.

Data: the 6-MP/placebo leukaemia data (Freireich; the textbook example) and seeded random sets
with ties, censoring and tied event/censor times, in two groups. For each set the script writes a
CSV, runs `ketaclinic report survival --input FILE` and compares, at every step time: S(t), the
numbers at risk, the 95% band (lifelines' default, the exponential Greenwood / log(-log) band),
Greenwood's standard error, the median, and the log-rank χ² and p-value.

Run: python3 Tests/Analytics/lifelines_crosscheck.py [--binary .build/debug/ketaclinic]
Needs: pip install lifelines
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile

from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

TOLERANCE = 1e-6


def datasets() -> list[tuple[str, list[tuple[float, int, str]]]]:
    six_mp = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    six_mp_events = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    placebo = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
    sets = [("6-MP vs placebo", [(float(t), e, "6-MP") for t, e in zip(six_mp, six_mp_events)]
             + [(float(t), 1, "placebo") for t in placebo])]
    for seed in range(1, 9):
        rng = random.Random(seed)
        rows = []
        for group, scale in (("a", 30.0), ("b", 45.0)):
            for _ in range(rng.randint(40, 400)):
                event_time = rng.expovariate(1 / scale)
                censor_time = rng.uniform(0, 90)
                # Whole days, as the clinic's data are: plenty of ties.
                time = float(int(min(event_time, censor_time)))
                rows.append((time, 1 if event_time <= censor_time else 0, group))
        # The longest follow-up in each group is censored, so S never reaches 0 (lifelines' band is undefined there).
        for group in ("a", "b"):
            longest = max((r for r in rows if r[2] == group), key=lambda r: r[0])
            rows.append((longest[0] + 1, 0, group))
        sets.append((f"random seed {seed}", rows))
    return sets


def close(a: float, b: float, what: str, failures: list[str]) -> None:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        if not (a is None and (b is None or math.isnan(b))):
            failures.append(f"{what}: ketaclinic {a} vs lifelines {b}")
        return
    if abs(a - b) > TOLERANCE:
        failures.append(f"{what}: ketaclinic {a!r} vs lifelines {b!r} (difference {abs(a - b):.2e})")


def check(binary: str, name: str, rows: list[tuple[float, int, str]]) -> list[str]:
    failures: list[str] = []
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["time", "event", "group"])
        writer.writerows(rows)
        path = handle.name
    try:
        output = subprocess.run([binary, "report", "survival", "--input", path], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    ours = json.loads(output)
    groups = sorted({r[2] for r in rows}, key=[r[2] for r in rows].index)
    for group in groups:
        times = [r[0] for r in rows if r[2] == group]
        events = [r[1] for r in rows if r[2] == group]
        kmf = KaplanMeierFitter().fit(times, events, label="S")
        curve = ours["curves"][group]
        survival = kmf.survival_function_["S"]
        band = kmf.confidence_interval_
        at_risk = kmf.event_table["at_risk"]
        cumulative = getattr(kmf, "_cumulative_sq_", None)
        for step in curve["steps"]:
            t = step["time"]
            where = f"{name}, group {group}, t={t:g}"
            close(step["survival"], float(survival.loc[t]), f"{where}: S(t)", failures)
            close(step["lower"], float(band.loc[t, "S_lower_0.95"]), f"{where}: lower 95%", failures)
            close(step["upper"], float(band.loc[t, "S_upper_0.95"]), f"{where}: upper 95%", failures)
            if int(at_risk.loc[t]) != step["atRisk"]:
                failures.append(f"{where}: at risk {step['atRisk']} vs {int(at_risk.loc[t])}")
            if cumulative is not None:
                close(step["standardError"], float(survival.loc[t] * math.sqrt(cumulative.loc[t])), f"{where}: Greenwood SE", failures)
        median = kmf.median_survival_time_
        close(curve.get("median"), None if math.isinf(median) else float(median), f"{name}, group {group}: median", failures)
    if len(groups) == 2:
        a = [r for r in rows if r[2] == groups[0]]
        b = [r for r in rows if r[2] == groups[1]]
        result = logrank_test([r[0] for r in a], [r[0] for r in b], [r[1] for r in a], [r[1] for r in b])
        test = ours["logRank"]
        close(test["statistic"], float(result.test_statistic), f"{name}: log-rank χ²", failures)
        close(test["pValue"], float(result.p_value), f"{name}: log-rank p", failures)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    args = parser.parse_args()
    total = 0
    failures: list[str] = []
    for name, rows in datasets():
        found = check(args.binary, name, rows)
        total += 1
        print(f"{'ok  ' if not found else 'FAIL'} {name}: {len(rows)} subjects")
        failures += found
    for failure in failures[:40]:
        print("  " + failure)
    print(f"lifelines cross-check: {total} data sets, {len(failures)} differences over {TOLERANCE:g}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
