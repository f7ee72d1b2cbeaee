#!/usr/bin/env python3
"""Browser smoke test: a real headless Chromium walks KetaClinic's main flow.

Starts `ketaclinic serve --demo --demo-patients 30` on a fresh SQLite file and a free loopback
port, then checks the home page, the browser console, the patient registration form (empty
submit shows the errors; a valid submit lands on the patient's page with a flash message), the
patient count going up, and the phone layout (390x844: nav visible, no horizontal scroll).

    python3 Tests/Browser/smoke_test.py --binary .build/debug/ketaclinic

Prints `smoke: N passed, M failed` and exits non-zero on any failure. Screenshots go to a
temporary directory whose path is printed. The server is always stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from serverkit import clean_env, free_port, record_pid  # noqa: E402

DEMO_PATIENTS = 30
GIVEN, FAMILY = "Imogen", "Smoketest"
WAIT_SECONDS = 15


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------







class Server:
    def __init__(self, binary: str, workdir: str, args: list[str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(workdir, "server.log")
        self.log = open(self.log_path, "wb")
        command = [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), *args]
        print(f"starting: {' '.join(command)}", flush=True)
        # cwd = workdir so a stray ./ketaclinic.json in the caller's directory is not read.
        self.process = subprocess.Popen(command, cwd=workdir, env=clean_env(),
                                        stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        record_pid(self.process.pid, True)

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with status {self.process.returncode} before "
                                   f"/healthz answered\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200 and json.load(response).get("status") == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy after {timeout:.0f} s\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            self.log.flush()
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join("  server| " + line for line in text[-lines:])
        except OSError:
            return "  (no server log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                print("server did not stop within 10 s of SIGTERM: killing it", flush=True)
                self.process.kill()
                self.process.wait(timeout=10)
        record_pid(self.process.pid, False)
        self.log.close()


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
    def __init__(self, driver: webdriver.Chrome, base: str, shots: str):
        self.driver = driver
        self.base = base
        self.shots = shots
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

    # checks ----------------------------------------------------------------------------------

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
    passed = failed = 0
    try:
        server = Server(binary, workdir, ["--demo", "--demo-patients", str(DEMO_PATIENTS),
                                          "--database", f"sqlite:{workdir}/smoke.sqlite"])
        server.wait_healthy(30)
        print(f"server up at {server.base}", flush=True)
        driver = make_driver()
        print(f"browser: {driver.capabilities.get('browserName')} "
              f"{driver.capabilities.get('browserVersion')}", flush=True)
        smoke = Smoke(driver, server.base, shots)
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
        failed += 1
        print(f"  FAIL  setup: {error}", flush=True)
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
