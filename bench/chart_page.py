"""The pages of a session with a 1 Hz monitor stream, against their limit: p50 < 10 ms, compared
with the framework's no-op route (/healthz) in the same run.

What it builds (on a fresh database): `ketaclinic demo --load-test-chairs N` seats N patients in IV
sessions today; a monitor gateway then posts M minutes of 1 Hz readings (heart rate, SpO2, and a
blood pressure every 5 minutes) to each chair through `POST /api/v1/chairs/{chair}/vitals`, in
batches of 600, timed in the past minutes. Then it times, one keep-alive client each, R runs of:
GET /healthz, the patient's chart page (/patients/{id}, signed in as the demo nurse), the session
page (/sessions/{id}), the session resource (GET /api/v1/sessions/{id}) and its vital signs
(GET /api/v1/sessions/{id}/vitals): the summary and the series at the charting interval, not every
reading. With --history-sessions S (default 40; 0 leaves it out) the demo also builds one patient with
two years of history (`demo --chart-history S`): a weekly PHQ-9 for 104 weeks and an IV course begun two
years ago whose S past sessions each closed with a 1 Hz monitor stream from check-in to discharge
(about 5,000 readings a session); the same pages are timed for that patient and its latest session.

Usage: python3 bench/chart_page.py [--binary .build/release/ketaclinic] [--sessions 40] [--minutes 40]
       [--history-sessions 40] [--runs 100] [--smoke]
Loopback only; bounded. Exit 1 when a page's p50 is over the limit (not with --smoke).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverkit import DEMO_EMAILS, Server, create_token, parse_demo_credentials, run_cli  # noqa: E402

LIMIT_P50_MS = 10.0


class Client:
    """One keep-alive connection, with a Bearer token or a signed-in cookie."""

    def __init__(self, base: str, token: str | None = None, cookie: str | None = None):
        host, port = base.replace("http://", "").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self.token = token
        self.cookie = cookie

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, bytes, list]:
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = self.cookie
        elif self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=sent)
        response = self.connection.getresponse()
        return response.status, response.read(), response.getheaders()


def sign_in(base: str, email: str, password: str) -> Client:
    """A browser-like client signed in through /login (form token from the kc_form cookie)."""
    client = Client(base)
    _, _, headers = client.call("GET", "/login")
    form_cookie = next((v.split(";")[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("kc_form=")), "")
    form = urllib.parse.urlencode({"_csrf": form_cookie.partition("=")[2], "email": email, "password": password})
    client.connection.request("POST", "/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": form_cookie})
    response = client.connection.getresponse()
    response.read()
    cookie = next((v.split(";")[0] for k, v in response.getheaders() if k.lower() == "set-cookie" and v.startswith("kc_session=")), None)
    if cookie is None:
        raise RuntimeError(f"sign-in failed: {response.status}")
    client.cookie = cookie
    return client


def timed(client: Client, path: str, runs: int) -> tuple[float, float, int]:
    """p50 and p95 in ms of `runs` GETs, and the body's size."""
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        status, body, _ = client.call("GET", path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        size = len(body)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], size


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--sessions", type=int, default=40, help="seated sessions, each with its own stream")
    parser.add_argument("--minutes", type=int, default=40, help="minutes of 1 Hz readings per session")
    parser.add_argument("--history-sessions", type=int, default=40,
                        help="past sessions (1 Hz streams) of the patient with two years of history; 0: no such patient")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="a quick run (CI, debug build): report the figures, fail only on errors")
    options = parser.parse_args()
    if options.smoke:
        options.sessions, options.minutes, options.runs = min(options.sessions, 2), min(options.minutes, 3), min(options.runs, 10)
        options.history_sessions = min(options.history_sessions, 2)
    if not 1 <= options.sessions <= 100 or not 1 <= options.minutes <= 600 or not 5 <= options.runs <= 10_000 \
            or not 0 <= options.history_sessions <= 52:
        parser.error("--sessions 1..100, --minutes 1..600 (within the 12-hour window a reading may be backdated), --runs 5..10,000, "
                     "--history-sessions 0..52")
    binary = os.path.abspath(options.binary)
    work = tempfile.mkdtemp(prefix="kc-chart-page-")
    database = f"sqlite:{work}/chart.sqlite"
    server = None
    try:
        history_arguments = ["--chart-history", str(options.history_sessions)] if options.history_sessions else []
        started = time.perf_counter()
        prepared = run_cli(binary, ["demo", "--database", database, "--patients", "8", "--bcrypt-cost", "4",
                                    "--load-test-chairs", str(options.sessions)] + history_arguments, cwd=work, timeout=1800)
        demo_seconds = time.perf_counter() - started
        if prepared.returncode != 0:
            raise RuntimeError(f"demo failed: {prepared.stderr.strip() or prepared.stdout.strip()}")
        history = None
        if options.history_sessions:
            line = next((l for l in prepared.stdout.splitlines() if l.startswith("Chart history: ")), None)
            match = re.match(r"Chart history: patient ([0-9A-Fa-f-]+), (\d+) past sessions \(latest ([0-9A-Fa-f-]+)\), "
                             r"(\d+) monitor readings, (\d+) PHQ-9 ratings\.", line or "")
            if match is None:
                raise RuntimeError(f"the demo did not report the chart history: {line!r}")
            history = {"patient": match[1].lower(), "sessions": int(match[2]), "latest": match[3].lower(),
                       "readings": int(match[4]), "ratings": int(match[5])}
            if history["sessions"] != options.history_sessions:
                raise RuntimeError(f"{history['sessions']} past sessions in the history, expected {options.history_sessions}")
        credentials = parse_demo_credentials(prepared.stdout.splitlines())
        token = create_token(binary, database, DEMO_EMAILS["nurse"], "patients.read,patients.clinical,vitals.record", cwd=work)
        server = Server(binary, work, database, announce=lambda *_: None)
        server.start(60)
        api = Client(server.base, token=token)
        status, body, _ = api.call("GET", "/api/v1/board")
        cards = [c for c in json.loads(body)["cards"] if (c.get("chair") or "").startswith("Bay ")]
        if len(cards) < options.sessions:
            raise RuntimeError(f"{len(cards)} seated load-test sessions, expected {options.sessions}")
        started = time.perf_counter()
        readings = 0
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        for card in cards:
            chair = urllib.parse.quote(card["chair"])
            first = now - datetime.timedelta(seconds=options.minutes * 60)
            stream = []
            for second in range(options.minutes * 60):
                reading = {"heartRate": 70 + (second // 60) % 15, "oxygenSaturation": 97 + second % 2,
                           "takenAt": iso(first + datetime.timedelta(seconds=second))}
                if second % 300 == 0:
                    reading.update({"systolic": 124 + (second // 300) % 10, "diastolic": 80, "respiratoryRate": 14})
                stream.append(reading)
            for index in range(0, len(stream), 600):
                status, body, _ = api.call("POST", f"/api/v1/chairs/{chair}/vitals", {"readings": stream[index:index + 600]})
                if status != 201:
                    raise RuntimeError(f"posting readings: {status} {body[:300]!r}")
                readings += len(stream[index:index + 600])
        load_seconds = time.perf_counter() - started
        card = cards[0]
        session, patient = card["sessionID"].lower(), card["patientID"].lower()
        page = sign_in(server.base, *credentials["nurse"])
        plain = Client(server.base)
        rows = [("GET /healthz (no-op route)", plain, "/healthz"),
                ("GET /patients/{id} (chart page)", page, f"/patients/{patient}"),
                ("GET /sessions/{id} (session page)", page, f"/sessions/{session}"),
                ("GET /api/v1/sessions/{id}", api, f"/api/v1/sessions/{session}"),
                ("GET /api/v1/sessions/{id}/vitals", api, f"/api/v1/sessions/{session}/vitals")]
        if history:
            past = history["latest"]
            rows += [("GET /patients/{id} (chart page, 2-year history)", page, f"/patients/{history['patient']}"),
                     ("GET /sessions/{id} (past session, 1 Hz stream)", page, f"/sessions/{past}"),
                     ("GET /api/v1/sessions/{id} (past session)", api, f"/api/v1/sessions/{past}"),
                     ("GET /api/v1/sessions/{id}/vitals (past session)", api, f"/api/v1/sessions/{past}/vitals")]
        results = []
        for name, client, path in rows:
            timed(client, path, 3)   # warm the connection and the caches
            results.append((name,) + timed(client, path, options.runs))
        per_session = options.minutes * 60
        print(f"chart_page: {options.sessions} sessions × {per_session} readings at 1 Hz ({readings} posted in {load_seconds:.1f} s); "
              f"{options.runs} runs each; {platform.node()} ({os.cpu_count()} cores), {time.strftime('%Y-%m-%d')}, "
              f"binary {options.binary}")
        if history:
            print(f"two-year history (built by the demo in {demo_seconds:.1f} s with the rest): {history['sessions']} past sessions, "
                  f"{history['readings']} monitor readings, {history['ratings']} weekly PHQ-9")
        print(f"| request | p50 ms | p95 ms | body bytes | p50 / healthz p50 |")
        print(f"|---|---:|---:|---:|---:|")
        base_p50 = results[0][1]
        over = []
        for name, p50, p95, size in results:
            print(f"| {name} | {p50:.2f} | {p95:.2f} | {size} | {p50 / base_p50 if base_p50 else 0:.1f} |")
            if name != results[0][0] and p50 >= LIMIT_P50_MS:
                over.append(name)
        print(f"limit: p50 < {LIMIT_P50_MS:.0f} ms for each page; over: {', '.join(over) if over else 'none'}")
        return 0 if options.smoke or not over else 1
    except Exception as error:  # noqa: BLE001
        print(f"chart_page: error: {error}", file=sys.stderr)
        if server is not None:
            print(server.tail(), file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
