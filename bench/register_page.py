"""The running register page of one product with N entries (default 100,000), against its limit:
p50 < 20 ms. Starts the server on a fresh database, sets up a product and two locations, writes
the entries through the API (receipts and transfers, K concurrent clients), then times the page
a signed-in nurse opens (the newest 100 entries) and a page deep in the register (`?before=`),
the same through the API, and the stock with its kept balances, and runs `ketaclinic register
verify` over the whole register.

Usage: python3 bench/register_page.py [--binary .build/release/ketaclinic] [--entries 100000]
       [--clients 8] [--runs 50] [--database postgres://…] [--json]
Loopback only; bounded. Exit 1 when the p50 of the page is over the limit.
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
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverkit import Server, bench_token  # noqa: E402

LIMIT_P50_MS = 20.0


def cookie_client(base: str, binary: str, database: str, work: str) -> "Client":
    """A browser-like client: a nurse with a known password signs in through /login."""
    password = "bench register page " + str(os.getpid()) + " pass"
    subprocess.run([binary, "user", "add", "--database", database, "--email", "bench-register-nurse@bench.ketaclinic.test", "--role", "nurse",
                    "--password-stdin", "--bcrypt-cost", "4"], input=password + "\n", text=True, capture_output=True, check=True, cwd=work,
                   timeout=60)
    host, port = base.replace("http://", "").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/login")
    page = connection.getresponse()
    page.read()
    form_cookie = next((value.split(";")[0] for key, value in page.getheaders() if key.lower() == "set-cookie" and value.startswith("kc_form=")), "")
    token = form_cookie.partition("=")[2]
    form = f"_csrf={token}&email=bench-register-nurse%40bench.ketaclinic.test&password=" + password.replace(" ", "+")
    connection.request("POST", "/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": form_cookie})
    response = connection.getresponse()
    response.read()
    cookie = next((value.split(";")[0] for key, value in response.getheaders() if key.lower() == "set-cookie" and value.startswith("kc_session=")), None)
    if cookie is None:
        raise RuntimeError(f"sign-in for the page benchmark failed: {response.status}")
    client = Client(base, "")
    client.cookie = cookie
    return client


class Client:
    """One keep-alive connection with a Bearer token."""

    def __init__(self, base: str, token: str):
        host, port = base.replace("http://", "").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.token = token
        self.cookie: str | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def timed(client: Client, path: str, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        status, _ = client.call("GET", path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/ketaclinic")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database")
    parser.add_argument("--json", action="store_true", help="also print one JSON line of the figures")
    parser.add_argument("--smoke", action="store_true", help="a quick run (CI, debug build): report the figures, fail only on errors")
    options = parser.parse_args()
    if not 10 <= options.entries <= 1_000_000 or not 1 <= options.clients <= 64 or not 5 <= options.runs <= 10_000:
        parser.error("--entries 10..1,000,000, --clients 1..64, --runs 5..10,000")
    binary = os.path.abspath(options.binary)
    work = tempfile.mkdtemp(prefix="kc-register-")
    database = options.database or f"sqlite:{work}/register.sqlite"
    server = None
    try:
        server = Server(binary, work, database)
        server.start(60)
        admin = Client(server.base, bench_token(binary, database, "administrator", ["register.manage", "register.view"], cwd=work))
        nurse_token = bench_token(binary, database, "nurse", ["register.record", "register.view"], cwd=work)
        status, body = admin.call("POST", "/api/v1/register/products", {
            "name": "Ketamine hydrochloride 50 mg/mL, 10 mL vial", "substance": "ketamine", "form": "multi-dose-vial",
            "perUnitMg": 500, "concentrationMgPerMl": 50})
        assert status == 201, body
        product = json.loads(body)["id"].lower()
        locations = []
        for name in ["Main safe", "Cabinet"]:
            status, body = admin.call("POST", "/api/v1/register/locations", {"name": name, "kind": "safe"})
            assert status == 201, body
            locations.append(json.loads(body)["id"].lower())
        # Seed one line in each location, so transfers have somewhere to go.
        seed = Client(server.base, nurse_token)
        for location in locations:
            status, body = seed.call("POST", "/api/v1/register/receipts", {
                "product": product, "lotNumber": "BENCH-1", "expiry": "2099-12-31", "units": 1000, "location": location,
                "supplier": "Bench Wholesale", "orderReference": "CSOS 0"})
            assert status == 201, body
        status, body = seed.call("GET", "/api/v1/register/stock")
        lines = {line["location"]: line["line"]["id"].lower() for line in json.loads(body)["lines"]}
        safe_line, cabinet_line = lines["Main safe"], lines["Cabinet"]

        remaining = options.entries - 2
        counter = {"next": 0, "errors": 0}
        lock = threading.Lock()

        def writer() -> None:
            client = Client(server.base, nurse_token)
            while True:
                with lock:
                    index = counter["next"]
                    if index >= remaining:
                        return
                    counter["next"] += 1
                if index % 2 == 0:
                    status, body = client.call("POST", "/api/v1/register/receipts", {
                        "product": product, "lotNumber": "BENCH-1", "expiry": "2099-12-31", "units": 1,
                        "location": locations[index % 4 // 2], "supplier": "Bench Wholesale", "orderReference": f"CSOS {index}"})
                else:
                    status, body = client.call("POST", "/api/v1/register/transfers", {
                        "line": safe_line if index % 4 == 1 else cabinet_line, "units": 1,
                        "toLocation": locations[1] if index % 4 == 1 else locations[0]})
                if status != 201:
                    with lock:
                        counter["errors"] += 1
                        if counter["errors"] <= 3:
                            print(f"write failed: {status} {body[:200]!r}", file=sys.stderr)

        started = time.perf_counter()
        threads = [threading.Thread(target=writer) for _ in range(options.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        write_seconds = time.perf_counter() - started
        if counter["errors"]:
            raise RuntimeError(f"{counter['errors']} writes failed")
        print(f"wrote {options.entries:,} register entries through the API in {write_seconds:.1f} s "
              f"({options.entries / write_seconds:,.0f}/s, {options.clients} clients)")

        reader = Client(server.base, nurse_token)
        page = f"/api/v1/register/products/{product}/entries?limit=100"
        deep = f"/api/v1/register/products/{product}/entries?limit=100&before={options.entries // 2}"
        browser = cookie_client(server.base, binary, database, work)
        html = f"/register/products/{product}"
        html_deep = f"/register/products/{product}?before={options.entries // 2}"
        browser.call("GET", html)  # warm
        html_p50, html_p95 = timed(browser, html, options.runs)
        html_deep_p50, html_deep_p95 = timed(browser, html_deep, options.runs)
        reader.call("GET", page)  # warm
        page_p50, page_p95 = timed(reader, page, options.runs)
        deep_p50, deep_p95 = timed(reader, deep, options.runs)
        stock_p50, stock_p95 = timed(reader, "/api/v1/register/stock", options.runs)

        started = time.perf_counter()
        verify = subprocess.run([binary, "register", "verify", "--database", database], capture_output=True, text=True, cwd=work,
                                timeout=600)
        verify_seconds = time.perf_counter() - started
        if verify.returncode != 0:
            raise RuntimeError(f"register verify failed: {verify.stderr.strip()}")

        machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
        engine = "postgres" if database.startswith("postgres") else "sqlite"
        print(f"\nRegister page benchmark — {time.strftime('%Y-%m-%d')} — {machine} — {engine} — "
              f"{os.path.basename(os.path.dirname(os.path.dirname(binary)))}/{os.path.basename(os.path.dirname(binary))} build")
        print(f"| measure | entries | p50 ms | p95 ms | limit |")
        print(f"|---|---:|---:|---:|---|")
        print(f"| register page (HTML), newest 100 | {options.entries:,} | {html_p50:.2f} | {html_p95:.2f} | p50 < {LIMIT_P50_MS:.0f} ms |")
        print(f"| register page (HTML), 100 before entry {options.entries // 2:,} | {options.entries:,} | {html_deep_p50:.2f} | {html_deep_p95:.2f} | p50 < {LIMIT_P50_MS:.0f} ms |")
        print(f"| register API, newest 100 | {options.entries:,} | {page_p50:.2f} | {page_p95:.2f} | — |")
        print(f"| register API, 100 before entry {options.entries // 2:,} | {options.entries:,} | {deep_p50:.2f} | {deep_p95:.2f} | — |")
        print(f"| stock and balances (kept, O(1) per line) | {options.entries:,} | {stock_p50:.2f} | {stock_p95:.2f} | — |")
        print(f"| `register verify` (full sum) | {options.entries:,} | {verify_seconds * 1000:.0f} | — | — |")
        ok = html_p50 < LIMIT_P50_MS and html_deep_p50 < LIMIT_P50_MS
        print(("PASS" if ok else "FAIL") + f": register page p50 {html_p50:.2f} ms / {html_deep_p50:.2f} ms against {LIMIT_P50_MS:.0f} ms")
        if options.json:
            print(json.dumps({"entries": options.entries, "page_p50_ms": html_p50, "deep_p50_ms": html_deep_p50, "api_p50_ms": page_p50, "stock_p50_ms": stock_p50,
                              "verify_ms": verify_seconds * 1000, "write_per_second": options.entries / write_seconds, "pass": ok}))
        return 0 if ok or options.smoke else 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
