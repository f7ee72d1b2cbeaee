#!/usr/bin/env python3
"""Browser smoke test: a real headless Chromium walks KetaClinic's main flow.

Starts `ketaclinic serve --demo --demo-patients 30` on a fresh SQLite file and a free loopback
port (reading the demo sign-in details it prints at first start), then checks that an anonymous
visit to /patients lands on the sign-in page, signs in as the demo nurse (landing back on
/patients), checks the security headers (with urllib, anonymous and signed in), then the home
page, the browser console, the patient registration form (empty submit shows the errors; a valid
submit lands on the patient's page with a flash message), the patient count going up, and the
phone layout (390x844: nav visible, no horizontal scroll).

    python3 Tests/Browser/smoke_test.py --binary .build/debug/ketaclinic

Prints `smoke: N passed, M failed` and exits non-zero on any failure. Screenshots go to a
temporary directory whose path is printed. The server is always stopped.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from serverkit import Server  # noqa: E402

DEMO_PATIENTS = 30
GIVEN, FAMILY = "Imogen", "Smoketest"
WAIT_SECONDS = 15
SIGN_IN_ROLE = "nurse"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let urllib return a 3xx as it is instead of following it."""
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: (status, lower-cased headers, body)."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def security_header_problems(headers: dict[str, str]) -> list[str]:
    problems = []
    csp = headers.get("content-security-policy", "")
    if "frame-ancestors 'none'" not in csp:
        problems.append(f"Content-Security-Policy {csp!r} lacks frame-ancestors 'none'")
    if headers.get("x-content-type-options", "").strip().lower() != "nosniff":
        problems.append(f"X-Content-Type-Options is {headers.get('x-content-type-options')!r}, not nosniff")
    if not headers.get("referrer-policy", "").strip():
        problems.append("no Referrer-Policy")
    return problems


# --------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------

def make_driver() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--disable-gpu", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking"):
        options.add_argument(argument)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if os.path.exists(chromium):
        options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chromedriver = "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") \
        else shutil.which("chromedriver")
    service = Service(chromedriver) if chromedriver else Service()
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


class Smoke:
    def __init__(self, driver: webdriver.Chrome, base: str, shots: str,
                 credentials: dict[str, tuple[str, str]]):
        self.driver = driver
        self.base = base
        self.shots = shots
        self.credentials = credentials
        self.passed = 0
        self.failed = 0
        self.console: list[dict] = []

    def check(self, name: str, function) -> bool:
        try:
            detail = function()
        except Exception as error:  # noqa: BLE001 - a failed check must not stop the others
            self.failed += 1
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            print(f"  FAIL  {name}: {message}", flush=True)
            if not isinstance(error, AssertionError):
                traceback.print_exc(limit=3)
            return False
        self.passed += 1
        print(f"  ok    {name}" + (f" ({detail})" if detail else ""), flush=True)
        return True

    # helpers ---------------------------------------------------------------------------------

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def wait_for(self, css: str):
        return WebDriverWait(self.driver, WAIT_SECONDS).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def drain_console(self) -> list[dict]:
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        return entries

    def screenshot(self, name: str) -> str:
        path = os.path.join(self.shots, name)
        assert self.driver.save_screenshot(path), f"could not save {path}"
        print(f"  screenshot: {path}", flush=True)
        return path

    def patient_count(self) -> str:
        self.open("/")
        return self.wait_for("#patient-count").text.strip()

    def submit_form(self) -> None:
        button = self.driver.find_element(By.XPATH, "//form//button[normalize-space()='Register patient']")
        old_html = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.driver, WAIT_SECONDS).until(EC.staleness_of(old_html))
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def path(self) -> str:
        return self.driver.current_url.split(self.base, 1)[-1]

    # checks ----------------------------------------------------------------------------------

    def anonymous_redirected_to_sign_in(self):
        self.open("/patients")
        url = urllib.parse.urlsplit(self.driver.current_url)
        assert url.path == "/login", f"anonymous /patients ended on {self.path()}, not /login"
        next_target = urllib.parse.parse_qs(url.query).get("next", [""])[0]
        assert next_target == "/patients", f"next is {next_target!r}, expected '/patients'"
        self.wait_for("#email")
        self.wait_for("#password")
        assert "Sign in" in self.driver.title, f"title {self.driver.title!r} does not contain 'Sign in'"
        assert not self.driver.find_elements(By.CSS_SELECTOR, ".signed-in"), "a .signed-in header on /login"
        return self.path()

    def sign_in(self):
        email, password = self.credentials[SIGN_IN_ROLE]
        if urllib.parse.urlsplit(self.driver.current_url).path != "/login":
            self.open("/login?next=%2Fpatients")
        self.wait_for("#email").send_keys(email)
        self.driver.find_element(By.ID, "password").send_keys(password)
        old_html = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.XPATH, "//form//button[normalize-space()='Sign in']").click()
        WebDriverWait(self.driver, WAIT_SECONDS).until(EC.staleness_of(old_html))
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
        assert urllib.parse.urlsplit(self.driver.current_url).path == "/patients", \
            f"after sign-in landed on {self.path()}, expected /patients (the next= target)"
        name = self.wait_for(".signed-in .user-name")
        assert name.is_displayed() and name.text.strip(), "no visible .user-name after sign-in"
        cookie = self.driver.get_cookie("kc_session")
        assert cookie and cookie.get("value"), "no kc_session cookie after sign-in"
        assert cookie.get("httpOnly"), "kc_session is not HttpOnly"
        return f"{email} as {name.text.strip()!r}, landed on {self.path()}"

    def security_headers(self):
        checked = []
        for label, path, cookie in (("anonymous /login", "/login", None),
                                    ("anonymous /patients (303)", "/patients", None),
                                    ("signed-in /", "/", "kc_session=" + self.driver.get_cookie("kc_session")["value"])):
            status, headers, _ = fetch(self.base + path, cookie)
            problems = security_header_problems(headers)
            assert not problems, f"{label}: " + "; ".join(problems)
            if label.startswith("signed-in"):
                assert status == 200, f"{label}: status {status} with the browser's session cookie"
            checked.append(f"{label} {status}")
        return ", ".join(checked)

    def home_page(self):
        self.open("/")
        title = self.driver.title
        assert "Home" in title, f"title {title!r} does not contain 'Home'"
        count = self.wait_for("#patient-count").text.strip()
        assert count == str(DEMO_PATIENTS), f"#patient-count is {count!r}, expected {DEMO_PATIENTS}"
        self.screenshot("home.png")
        return f"title {title!r}, {count} patients"

    def expected_console_entry(self, entry: dict) -> bool:
        """Chromium logs any 4xx document as a SEVERE "Failed to load resource". The 422 that
        re-renders the registration form with its errors is intended; nothing else is."""
        message = entry.get("message", "")
        return message.startswith(f"{self.base}/patients - Failed to load resource") and \
            "status of 422" in message

    def console_clean(self, where: str):
        def run():
            entries = self.drain_console()
            severe = [e for e in entries if e.get("level") == "SEVERE"]
            unexpected = [e for e in severe if not self.expected_console_entry(e)]
            assert not unexpected, f"{len(unexpected)} SEVERE console entries {where}: " + \
                "; ".join(e.get("message", "") for e in unexpected[:5])
            expected = len(severe) - len(unexpected)
            return f"{len(entries)} entries, ignoring {expected} for the intended 422" if expected else \
                f"{len(entries)} entries"
        return run

    def empty_submit_shows_errors(self):
        self.open("/patients/new")
        self.wait_for("form")
        self.submit_form()
        summary = self.wait_for(".error-summary")
        assert summary.is_displayed(), ".error-summary is not visible"
        errors = self.driver.find_elements(By.CSS_SELECTOR, ".field-error")
        assert len(errors) >= 4, f"expected at least 4 .field-error, found {len(errors)}"
        path = self.driver.current_url.split(self.base, 1)[-1]
        assert path.startswith("/patients"), f"unexpected URL after empty submit: {path}"
        self.screenshot("form-errors.png")
        return f"{len(errors)} field errors"

    def valid_submit_registers(self):
        if not self.driver.current_url.startswith(self.base + "/patients"):
            self.open("/patients/new")
        self.wait_for("#givenName")
        for field, value in (("givenName", GIVEN), ("familyName", FAMILY)):
            element = self.driver.find_element(By.ID, field)
            element.clear()
            element.send_keys(value)
        date = self.driver.find_element(By.ID, "dateOfBirth")
        # send_keys into a type=date input depends on the locale's field order: set it directly.
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            date, "1984-03-27")
        assert date.get_attribute("value") == "1984-03-27", "could not set the date of birth"
        Select(self.driver.find_element(By.ID, "sexAtBirth")).select_by_value("female")
        self.submit_form()
        url = self.driver.current_url
        assert re.search(r"/patients/[0-9A-Fa-f-]{36}$", url), f"did not land on a patient page: {url}"
        heading = self.wait_for("h1").text.strip()
        expected = f"{FAMILY}, {GIVEN}"
        assert heading == expected, f"h1 is {heading!r}, expected {expected!r}"
        flashes = self.driver.find_elements(By.CSS_SELECTOR, ".flash.flash-success")
        assert flashes and flashes[0].is_displayed(), "no visible .flash.flash-success"
        return f"{url.split(self.base, 1)[-1]}, flash {flashes[0].text.strip()!r}"

    def count_went_up(self):
        count = self.patient_count()
        assert count == str(DEMO_PATIENTS + 1), f"#patient-count is {count!r}, expected {DEMO_PATIENTS + 1}"
        return f"{count} patients"

    def phone_layout(self):
        self.driver.set_window_size(390, 844)
        self.open("/")
        width = self.driver.execute_script("return window.innerWidth")
        assert width <= 400, f"window.innerWidth is {width} after resizing to 390x844"
        nav = self.wait_for("nav")
        assert nav.is_displayed(), "the nav is not visible at 390x844"
        links = [a for a in nav.find_elements(By.TAG_NAME, "a")]
        hidden = [a.text for a in links if not a.is_displayed()]
        assert links and not hidden, f"nav links not visible at 390x844: {hidden or 'none found'}"
        right = self.driver.execute_script(
            "return Math.max(...Array.from(arguments[0].querySelectorAll('a'))"
            ".map(a => a.getBoundingClientRect().right))", nav)
        assert right <= width + 1, f"a nav link ends at x={right:.0f}, beyond the {width}px viewport"
        scroll_width, inner = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner + 1, \
            f"horizontal scroll at 390x844: scrollWidth {scroll_width} > innerWidth {inner}"
        self.screenshot("home-phone.png")
        return f"innerWidth {inner}, scrollWidth {scroll_width}, {len(links)} nav links"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic", help="ketaclinic executable")
    parser.add_argument("--keep", action="store_true", help="keep the server's temp dir (database, log)")
    options = parser.parse_args()

    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        print(f"smoke: {binary} is not an executable", file=sys.stderr)
        print("smoke: 0 passed, 1 failed")
        return 1

    # SIGTERM (e.g. from `timeout`) unwinds through the finally blocks, so the server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = tempfile.mkdtemp(prefix="kc-smoke-")
    shots = tempfile.mkdtemp(prefix="kc-smoke-screenshots-")
    server = None
    driver = None
    smoke = None
    passed = failed = 0
    try:
        server = Server(binary, workdir, f"sqlite:{workdir}/smoke.sqlite", demo=True,
                        demo_patients=DEMO_PATIENTS)
        server.start(30, expect_credentials=True)
        print(f"server up at {server.base}", flush=True)
        driver = make_driver()
        print(f"browser: {driver.capabilities.get('browserName')} "
              f"{driver.capabilities.get('browserVersion')}", flush=True)
        smoke = Smoke(driver, server.base, shots, server.credentials)
        smoke.check("anonymous /patients lands on the sign-in page (next=/patients)",
                    smoke.anonymous_redirected_to_sign_in)
        if not smoke.check(f"sign in as the demo {SIGN_IN_ROLE}: back on /patients, .user-name shown, "
                           "kc_session HttpOnly", smoke.sign_in):
            raise RuntimeError("could not sign in: the remaining checks need a session")
        smoke.check("security headers: CSP frame-ancestors 'none', nosniff, Referrer-Policy",
                    smoke.security_headers)
        smoke.check("home page: title has 'Home', #patient-count is 30", smoke.home_page)
        smoke.check("home page: no SEVERE browser console entries", smoke.console_clean("on the home page"))
        smoke.check("empty registration shows the error summary and field errors",
                    smoke.empty_submit_shows_errors)
        smoke.check("valid registration lands on the patient page with a flash",
                    smoke.valid_submit_registers)
        smoke.check("home page count is 31 after registering", smoke.count_went_up)
        smoke.check("phone 390x844: nav visible, no horizontal scroll", smoke.phone_layout)
        smoke.check("whole flow: no SEVERE browser console entries", smoke.console_clean("during the flow"))
        passed, failed = smoke.passed, smoke.failed
        if failed:
            print(server.log_tail(), flush=True)
    except Exception as error:  # noqa: BLE001
        if smoke is not None:
            passed, failed = smoke.passed, smoke.failed
        failed += 1
        print(f"  FAIL  setup: {error}", flush=True)
        if smoke is not None:
            print(server.log_tail(), flush=True)
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        if server is not None:
            server.stop()
        if options.keep:
            print(f"server files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"screenshots in {shots}")
    print(f"smoke: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
