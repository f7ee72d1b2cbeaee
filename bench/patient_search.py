"""Patient search, paging, chart record and screening at scale: loads the demo clinic with N
patients (default 100,000), starts the server, and times the API calls staff make most.

Usage: python3 bench/patient_search.py [--binary .build/release/ketaclinic] [--patients 100000]
       [--database postgres://…] [--runs 30]
With no --database it uses a fresh SQLite file in a temporary directory. Loopback only; bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverkit import Server, bearer, bench_token  # noqa: E402


def timed_get(base: str, path: str, token: str) -> tuple[float, dict | list]:
    request = urllib.request.Request(base + path, headers=bearer(token))
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, json.loads(body)


def measure(base: str, path: str, token: str, runs: int) -> tuple[float, float, object]:
    times, body = [], None
    for _ in range(runs):
        ms, body = timed_get(base, path, token)
        times.append(ms)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--database")
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    work = tempfile.mkdtemp(prefix="kc-search-")
    database = options.database or f"sqlite:{work}/search.sqlite"
    server = None
    try:
        started = time.perf_counter()
        subprocess.run([binary, "demo", "--database", database, "--patients", str(options.patients), "--seed", "1",
                        "--bcrypt-cost", "4"], check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=work)
        load = time.perf_counter() - started
        print(f"demo load: {options.patients:,} patients (11 with full intake records) in {load:.1f} s")
        token = bench_token(binary, database, "prescriber", ["patients.read", "patients.clinical"], cwd=work)
        server = Server(binary, work, database, log_level="warning")
        server.start(60)
        base = server.base
        _, first = timed_get(base, "/api/v1/patients?limit=50", token)
        someone = first["items"][25]
        _, found = timed_get(base, "/api/v1/patients?limit=5&q=Eligible%2C+Elena", token)
        scenario = found["items"][0]["id"]
        rows = [
            ("list, first page of 50", "/api/v1/patients?limit=50"),
            ("search by family-name prefix (2 letters), 50", "/api/v1/patients?limit=50&q=" + someone["familyName"][:2]),
            ("search by family and given prefix", "/api/v1/patients?limit=50&q=" + urllib.request.quote(
                f"{someone['familyName']}, {someone['givenName'][:2]}")),
            ("search by date of birth", "/api/v1/patients?limit=50&q=" + someone["dateOfBirth"]),
            ("search by MRN", "/api/v1/patients?limit=50&q=" + someone["mrn"]),
            ("search with no match", "/api/v1/patients?limit=50&q=zzzzq"),
            ("intake record of a demo patient", f"/api/v1/patients/{scenario}/record"),
            ("live screening + staging of a demo patient", f"/api/v1/patients/{scenario}/screening"),
        ]
        print(f"\n| call | median ms | p95 ms | rows |\n|---|---|---|---|")
        for label, path in rows:
            median, p95, body = measure(base, path, token, options.runs)
            count = len(body["items"]) if isinstance(body, dict) and "items" in body else "—"
            print(f"| {label} | {median:.1f} | {p95:.1f} | {count} |")
        # Deep paging through a broad search: the 20th page costs what the first does.
        prefix = someone["familyName"][:1]
        after, page_times = None, []
        for _ in range(20):
            ms, body = timed_get(base, f"/api/v1/patients?limit=50&q={prefix}" + (f"&after={after}" if after else ""), token)
            page_times.append(ms)
            after = body.get("next")
            if not after:
                break
        print(f"\nsearch '{prefix}' paged 50 at a time: page 1 {page_times[0]:.1f} ms, page {len(page_times)} "
              f"{page_times[-1]:.1f} ms, median {statistics.median(page_times):.1f} ms")
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
