"""Proposing a 6-session course for a clinic of 20 chairs with a year of bookings, against its
limit: < 50 ms. Builds the clinic with the CLI (`ketaclinic demo --patients P --schedule-chairs C`:
the demo clinic's course histories, C chairs, nurses on shift for them, and every past session of
the last year booked into the chairs), starts the server on it, and times the front desk's
`POST /api/v1/schedule/patients/:id/proposal` for Walter Waiting, whose signed 6-session IV course is
not booked yet (any time, and with preferred days and times), then the worst case (every nurse away
over the search window, so every start of every chair is refused and nothing is proposed), beside
the framework's no-op `GET /healthz` on the same keep-alive connection. The limit applies to the
proposals that find slots; the worst case is reported.

Usage: python3 bench/schedule_proposals.py [--binary .build/release/ketaclinic] [--chairs 20]
       [--patients 3000] [--runs 200] [--database postgres://…] [--json] [--smoke]
Loopback only; bounded. Exit 1 when the proposal's p95 is over the limit (not with --smoke).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverkit import Server, bench_token  # noqa: E402

LIMIT_MS = 50.0


class Client:
    """One keep-alive connection with a Bearer token."""

    def __init__(self, base: str, token: str):
        host, port = base.replace("http://", "").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def timed(client: Client, method: str, path: str, body: dict | None, runs: int, check) -> tuple[float, float]:
    """p50 and p95 in ms of `runs` requests; `check(status, body)` must accept each answer."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        status, answer = client.call(method, path, body)
        times.append((time.perf_counter() - started) * 1000)
        check(status, answer)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--chairs", type=int, default=20)
    parser.add_argument("--patients", type=int, default=3000, help="demo patients whose last year of sessions fills the calendar")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database", help="a PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line of the figures")
    parser.add_argument("--smoke", action="store_true", help="a quick run (CI, debug build): report the figures, fail only on errors")
    options = parser.parse_args()
    if not 1 <= options.chairs <= 200 or not 0 <= options.patients <= 200_000 or not 5 <= options.runs <= 10_000:
        parser.error("--chairs 1..200, --patients 0..200,000, --runs 5..10,000")
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        parser.error(f"{binary} is not an executable")
    work = tempfile.mkdtemp(prefix="kc-proposals-")
    database = options.database or f"sqlite:{work}/proposals.sqlite"
    server = None
    try:
        started = time.perf_counter()
        load = subprocess.run([binary, "demo", "--database", database, "--patients", str(options.patients), "--bcrypt-cost", "4",
                               "--schedule-chairs", str(options.chairs)], capture_output=True, text=True, cwd=work, timeout=1800)
        if load.returncode != 0:
            raise RuntimeError(f"ketaclinic demo failed: {load.stderr.strip()[-500:]}")
        calendar = next((line for line in load.stdout.splitlines() if line.startswith("Calendar: ")), "")
        bookings = int(calendar.split(" past sessions")[0].rsplit(" ", 1)[-1]) if "past sessions" in calendar else 0
        print(f"built the clinic in {time.perf_counter() - started:.1f} s: {calendar}")

        server = Server(binary, work, database)
        server.start(60)
        desk = Client(server.base, bench_token(binary, database, "front_desk", ["schedule.book", "patients.read"], cwd=work))
        status, body = desk.call("GET", "/api/v1/patients?q=" + urllib.parse.quote("Waiting, Walter") + "&limit=5")
        if status != 200:
            raise RuntimeError(f"patient search: {status} {body[:200]!r}")
        found = [item for item in json.loads(body)["items"] if item.get("familyName") == "Waiting"]
        if not found:
            raise RuntimeError(f"Walter Waiting is not in the demo clinic: {body[:300]!r}")
        patient = found[0]["id"].lower()
        path = f"/api/v1/schedule/patients/{patient}/proposal"

        def proposal_ok(status: int, answer: bytes) -> None:
            if status != 200:
                raise RuntimeError(f"POST {path}: {status} {answer[:300]!r}")
            slots = json.loads(answer)
            if len(slots) != 6 or any(slot.get("proposed") is None for slot in slots):
                raise RuntimeError(f"expected 6 proposed slots: {answer[:400]!r}")

        def healthz_ok(status: int, answer: bytes) -> None:
            if status != 200:
                raise RuntimeError(f"GET /healthz: {status}")

        status, answer = desk.call("POST", path, {})
        proposal_ok(status, answer)
        example = json.loads(answer)[0]["proposed"]
        noop_p50, noop_p95 = timed(desk, "GET", "/healthz", None, options.runs, healthz_ok)
        p50, p95 = timed(desk, "POST", path, {}, options.runs, proposal_ok)
        preferred_p50, preferred_p95 = timed(desk, "POST", path, {"weekdays": ["tue", "thu"], "earliest": "14:00"}, options.runs, proposal_ok)

        # The worst case: no nurse on shift over the whole search window, so every start of every chair
        # is refused on the nurse:chair ratio and each session reports that no chair is free.
        admin = Client(server.base, bench_token(binary, database, "administrator", ["users.manage", "clinic.configure"], cwd=work))
        status, body = admin.call("GET", "/api/v1/users")
        if status != 200:
            raise RuntimeError(f"GET /api/v1/users: {status} {body[:200]!r}")
        listed = json.loads(body)
        users = listed["items"] if isinstance(listed, dict) else listed
        nurses = [user["id"] for user in users if user.get("role") == "nurse"]
        today = time.strftime("%Y-%m-%d")
        last = time.strftime("%Y-%m-%d", time.localtime(time.time() + 60 * 86_400))
        for nurse in nurses:
            status, body = admin.call("POST", "/api/v1/schedule/absences", {"user": nurse, "from": today, "through": last,
                                                                             "reason": "benchmark: every nurse away"})
            if status != 204:
                raise RuntimeError(f"absence: {status} {body[:200]!r}")

        def nothing_free(status: int, answer: bytes) -> None:
            if status != 200:
                raise RuntimeError(f"POST {path}: {status} {answer[:300]!r}")
            slots = json.loads(answer)
            if len(slots) != 6 or any(slot.get("proposed") is not None or not slot.get("problem") for slot in slots):
                raise RuntimeError(f"expected 6 sessions without a free chair: {answer[:400]!r}")

        worst_p50, worst_p95 = timed(desk, "POST", path, {}, options.runs, nothing_free)

        build = f"{os.path.basename(os.path.dirname(os.path.dirname(binary)))}/{os.path.basename(os.path.dirname(binary))}"
        machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
        engine = "postgres" if database.startswith("postgres") else "sqlite"
        print(f"\nCourse proposal benchmark — {time.strftime('%Y-%m-%d')} — {machine} — {engine} — {build} build")
        print(f"{options.chairs} chairs, {bookings:,} bookings over the last year; first proposed slot: {example}")
        print("| measure | runs | p50 ms | p95 ms | limit |")
        print("|---|---:|---:|---:|---|")
        print(f"| propose a 6-session IV course (any time) | {options.runs} | {p50:.2f} | {p95:.2f} | < {LIMIT_MS:.0f} ms |")
        print(f"| propose it on Tue/Thu from 14:00 (preferred times) | {options.runs} | {preferred_p50:.2f} | {preferred_p95:.2f} | < {LIMIT_MS:.0f} ms |")
        print(f"| worst case: no nurse on shift, every slot of the search window refused | {options.runs} | {worst_p50:.2f} | {worst_p95:.2f} | — |")
        print(f"| framework no-op GET /healthz (same client) | {options.runs} | {noop_p50:.2f} | {noop_p95:.2f} | — |")
        if options.json:
            print(json.dumps({"chairs": options.chairs, "bookings": bookings, "runs": options.runs, "engine": engine, "build": build,
                              "proposal_p50_ms": round(p50, 3), "proposal_p95_ms": round(p95, 3),
                              "preferred_p50_ms": round(preferred_p50, 3), "preferred_p95_ms": round(preferred_p95, 3),
                              "worst_p50_ms": round(worst_p50, 3), "worst_p95_ms": round(worst_p95, 3),
                              "noop_p50_ms": round(noop_p50, 3), "noop_p95_ms": round(noop_p95, 3)}))
        over = max(p95, preferred_p95) > LIMIT_MS
        if over and not options.smoke:
            print(f"FAIL: a proposal's p95 is over {LIMIT_MS:.0f} ms", file=sys.stderr)
            return 1
        print("smoke: figures reported" if options.smoke else f"PASS: every proposal's p95 is under {LIMIT_MS:.0f} ms")
        return 0
    except Exception as error:  # noqa: BLE001
        print(f"schedule proposals benchmark failed: {error}", file=sys.stderr)
        if server is not None:
            print(server.tail(), file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
