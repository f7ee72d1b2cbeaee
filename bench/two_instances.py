#!/usr/bin/env python3
"""Two KetaClinic instances on one PostgreSQL database, with no sticky sessions.

Creates an empty database next to --database (default: $KETACLINIC_TEST_POSTGRES_URL), and checks:

  1. migrations: two `ketaclinic serve` processes started at the same moment on the empty
     database both come up; every migration is recorded exactly once (they took turns on the
     advisory lock);
  2. board: after `ketaclinic demo --load-test-chairs`, a board client on each instance; a vital
     sign reading posted to instance A reaches the board clients of A and B, and one posted to B
     reaches both too (LISTEN/NOTIFY);
  3. sign-in: the demo nurse signs in on A with the form; the session cookie opens a page on B,
     and signing out on B ends it on A;
  4. MRNs: --clients threads register patients on A and B at once (half each); every
     acknowledged patient is stored and every medical record number is unique.

    python3 bench/two_instances.py --binary .build/debug/ketaclinic

Prints `two instances: N passed, M failed`; exits non-zero on any failure. Loopback only, bounded,
stops both servers and drops its database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse

from opskit import READING, BoardReader, Writers, drop_postgres_database, fresh_postgres_database, http_get, psql
from serverkit import DEMO_EMAILS, Server, create_token, parse_demo_credentials, run_cli


def request(base: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    host, port = base.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookies_from(headers) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            found[key.strip()] = val.strip()
    return found


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items() if v)


def check_migrations(binary: str, workdir: str, url: str, servers: list[Server]) -> list[str]:
    a = Server(binary, workdir, url, log_level="warning", announce=lambda m: print(m, flush=True))
    b = Server(binary, workdir, url, log_level="warning", announce=lambda m: print(m, flush=True))
    servers += [a, b]
    a.start(60)
    b.start(60)
    rows = psql(url, "SELECT version || ':' || count(*) FROM schema_migrations GROUP BY version ORDER BY version")
    counts = {int(v): int(c) for v, c in (row.split(":") for row in rows)}
    problems = []
    if any(c != 1 for c in counts.values()):
        problems.append(f"a migration was recorded more than once: {counts}")
    if not counts:
        problems.append("no migration was recorded")
    print(f"migrations: both instances started together; {len(counts)} migrations recorded once each", flush=True)
    return problems


def check_board(binary: str, workdir: str, url: str, servers: list[Server]) -> tuple[list[str], dict]:
    prepared = run_cli(binary, ["demo", "--database", url, "--patients", "10", "--bcrypt-cost", "4",
                                "--load-test-chairs", "4"], cwd=workdir, timeout=300)
    if prepared.returncode != 0:
        return [f"demo failed: {prepared.stderr.strip() or prepared.stdout.strip()}"], {}
    credentials = parse_demo_credentials(prepared.stdout.splitlines())
    a, b = servers[0], servers[1]
    token = create_token(binary, url, DEMO_EMAILS["nurse"], "patients.read,patients.clinical,patients.register,vitals.record", cwd=workdir)
    status, _, body = http_get(a.base, "/api/v1/board", token=token)
    sessions = [card["sessionID"].lower() for card in json.loads(body).get("cards", [])]
    if status != 200 or len(sessions) < 2:
        return [f"GET /api/v1/board answered {status} with {len(sessions)} sessions"], credentials
    readers = [BoardReader(a.base, token, "board on A").start(), BoardReader(b.base, token, "board on B").start()]
    problems = []
    try:
        if not all(reader.wait_open(15) for reader in readers):
            return ["the board streams did not open"], credentials
        time.sleep(0.5)
        for origin, session in [(a, sessions[0]), (b, sessions[1])]:
            status, _, body = request(origin.base, "POST", f"/api/v1/sessions/{session}/vitals", json.dumps(READING).encode(),
                                      {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            if status != 201:
                problems.append(f"posting a reading to {origin.base} answered {status}: {body[:200]!r}")
                continue
            for reader in readers:
                def arrived(reader=reader, session=session):
                    with reader.lock:
                        return any(kind == "reading" and str(p.get("sessionID", "")).lower() == session
                                   for _, kind, p in reader.events)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not arrived():
                    time.sleep(0.05)
                where = "A" if origin is a else "B"
                if arrived():
                    print(f"board: a reading posted to {where} reached the {reader.name}", flush=True)
                else:
                    problems.append(f"a reading posted to {where} did not reach the {reader.name} within 5 s")
    finally:
        for reader in readers:
            reader.stop()
    return problems, credentials


def check_sign_in(servers: list[Server], credentials: dict) -> list[str]:
    a, b = servers[0], servers[1]
    if "nurse" not in credentials:
        return ["the demo command printed no nurse credentials"]
    email, password = credentials["nurse"]
    status, headers, body = request(a.base, "GET", "/login")
    cookies = cookies_from(headers)
    token = re.search(rb'name="_csrf" value="([^"]+)"', body)
    if status != 200 or not token:
        return [f"GET /login on A answered {status} without a form token"]
    form = urllib.parse.urlencode({"email": email, "password": password, "_csrf": token.group(1).decode()}).encode()
    status, headers, body = request(a.base, "POST", "/login", form,
                                    {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(cookies)})
    cookies.update(cookies_from(headers))
    if status not in (302, 303) or not cookies.get("kc_session"):
        return [f"signing in on A answered {status} without a session cookie: {body[:200]!r}"]
    status, _, body = request(b.base, "GET", "/patients", headers={"Cookie": cookie_header(cookies)})
    problems = []
    if status != 200 or b"Sign out" not in body:
        problems.append(f"the session from A did not open /patients on B (status {status})")
    else:
        print("sign-in: a session started on A opens pages on B", flush=True)
    csrf = re.search(rb'name="_csrf" value="([^"]+)"', body)
    if csrf:
        form = urllib.parse.urlencode({"_csrf": csrf.group(1).decode()}).encode()
        status, _, _ = request(b.base, "POST", "/logout", form,
                               {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(cookies)})
        status, headers, _ = request(a.base, "GET", "/patients", headers={"Cookie": cookie_header(cookies)})
        location = dict((k.lower(), v) for k, v in headers).get("location", "")
        if status in (302, 303) and location.startswith("/login"):
            print("sign-in: signing out on B ended the session on A", flush=True)
        else:
            problems.append(f"after signing out on B, A still answered {status} for /patients")
    return problems


def check_mrns(binary: str, workdir: str, url: str, servers: list[Server], clients: int, seconds: float) -> list[str]:
    a, b = servers[0], servers[1]
    token = create_token(binary, url, DEMO_EMAILS["front_desk"], "patients.read,patients.register", cwd=workdir)
    writers = Writers([a.base, b.base], token, clients, tag="Twin").start()
    time.sleep(seconds)
    writers.stop()
    acknowledged = list(writers.acknowledged)
    mrns = [mrn for _, _, mrn, _ in acknowledged]
    per_instance = {base: sum(1 for *_, where in acknowledged if where == base) for base in (a.base, b.base)}
    stored = psql(url, "SELECT mrn FROM patients")
    duplicates_acknowledged = len(mrns) - len(set(mrns))
    duplicates_stored = len(stored) - len(set(stored))
    ids = {ident for _, ident, _, _ in acknowledged}
    stored_ids = {row.upper() for row in psql(url, "SELECT upper(id::text) FROM patients")}
    print(f"MRNs: {len(acknowledged)} registrations acknowledged (A {per_instance[a.base]}, B {per_instance[b.base]}), "
          f"duplicate MRNs acknowledged {duplicates_acknowledged}, stored {duplicates_stored}; "
          f"refused {len(writers.refused)}", flush=True)
    problems = []
    if min(per_instance.values()) == 0:
        problems.append("one instance acknowledged no registration")
    if duplicates_acknowledged or duplicates_stored:
        problems.append("medical record numbers repeat")
    if ids - stored_ids:
        problems.append(f"{len(ids - stored_ids)} acknowledged registrations are missing")
    if any(r["status"] >= 500 for r in writers.refused):
        problems.append(f"server errors during concurrent registration: {writers.refused[:2]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--database", default=os.environ.get("KETACLINIC_TEST_POSTGRES_URL"),
                        help="a PostgreSQL URL whose server may create databases (default: $KETACLINIC_TEST_POSTGRES_URL)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5)
    options = parser.parse_args()
    if not options.database:
        print("two instances: needs --database postgres://… or KETACLINIC_TEST_POSTGRES_URL", file=sys.stderr)
        return 2
    binary = os.path.abspath(options.binary)
    workdir = tempfile.mkdtemp(prefix="kc-two-instances-")
    url = fresh_postgres_database(options.database, "kc_twins")
    servers: list[Server] = []
    passed = failed = 0
    credentials: dict = {}

    def run(name, check):
        nonlocal passed, failed
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
        return not problems

    try:
        if run("migrations take turns", lambda: check_migrations(binary, workdir, url, servers)):
            def board():
                problems, found = check_board(binary, workdir, url, servers)
                credentials.update(found)
                return problems
            run("board across instances", board)
            run("sign-in on either instance", lambda: check_sign_in(servers, credentials))
            run("MRNs unique across instances", lambda: check_mrns(binary, workdir, url, servers, options.clients,
                                                                   options.seconds))
    finally:
        for server in servers:
            if failed:
                print(server.tail(20))
            server.stop()
        drop_postgres_database(options.database, url)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"two instances: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
