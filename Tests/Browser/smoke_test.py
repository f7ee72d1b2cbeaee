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

Each check prints PASS or FAIL; the last line is `smoke: N passed, M failed`; exits non-zero on
any failure. Screenshots go to a temporary directory whose path is printed. The server is always
stopped. The server, browser and check runner come from browserkit.py.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browserkit import BrowserFlow, Check, run_flow  # noqa: E402

DEMO_PATIENTS = 30
GIVEN, FAMILY = "Imogen", "Smoketest"
SIGN_IN_ROLE = "nurse"


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


class Smoke(BrowserFlow):
    expected_console_reason = "for the intended 422"

    def expected_console_entry(self, entry: dict) -> bool:
        """Chromium logs any 4xx document as a SEVERE "Failed to load resource". The 422 that
        re-renders the registration form with its errors is intended; nothing else is."""
        message = entry.get("message", "")
        return message.startswith(f"{self.base}/patients - Failed to load resource") and \
            "status of 422" in message

    def patient_count(self) -> str:
        self.open("/")
        return self.wait_for("#patient-count").text.strip()

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
        assert not self.signed_in_header_shown(), "a .signed-in header on /login"
        return self.path()

    def sign_in_as_nurse(self):
        email, password = self.credentials[SIGN_IN_ROLE]
        self.sign_in(email, password, next_path="/patients")
        assert self.url_path() == "/patients", \
            f"after sign-in landed on {self.path()}, expected /patients (the next= target)"
        name = self.assert_signed_in()
        cookie = self.driver.get_cookie("kc_session")
        assert cookie and cookie.get("value"), "no kc_session cookie after sign-in"
        assert cookie.get("httpOnly"), "kc_session is not HttpOnly"
        return f"{email} as {name!r}, landed on {self.path()}"

    def security_headers(self):
        checked = []
        for label, path, session in (("anonymous /login", "/login", None),
                                     ("anonymous /patients (303)", "/patients", None),
                                     ("signed-in /", "/", self.driver.get_cookie("kc_session")["value"])):
            status, headers, _ = self.fetch_as(path, session)
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

    def empty_submit_shows_errors(self):
        self.open("/patients/new")
        self.wait_for("form")
        self.submit("Register patient")
        summary = self.wait_for(".error-summary")
        assert summary.is_displayed(), ".error-summary is not visible"
        errors = self.driver.find_elements(By.CSS_SELECTOR, ".field-error")
        assert len(errors) >= 4, f"expected at least 4 .field-error, found {len(errors)}"
        path = self.path()
        assert path.startswith("/patients"), f"unexpected URL after empty submit: {path}"
        self.screenshot("form-errors.png")
        return f"{len(errors)} field errors"

    def valid_submit_registers(self):
        if not self.driver.current_url.startswith(self.base + "/patients"):
            self.open("/patients/new")
        self.fill("#givenName", GIVEN)
        self.fill("#familyName", FAMILY)
        self.set_date("#dateOfBirth", "1984-03-27")
        Select(self.driver.find_element(By.ID, "sexAtBirth")).select_by_value("female")
        self.submit("Register patient")
        url = self.driver.current_url
        assert re.search(r"/patients/[0-9A-Fa-f-]{36}$", url), f"did not land on a patient page: {url}"
        heading = self.wait_for("h1").text.strip()
        expected = f"{FAMILY}, {GIVEN}"
        assert heading == expected, f"h1 is {heading!r}, expected {expected!r}"
        flashes = self.driver.find_elements(By.CSS_SELECTOR, ".flash.flash-success")
        assert flashes and flashes[0].is_displayed(), "no visible .flash.flash-success"
        return f"{self.path()}, flash {flashes[0].text.strip()!r}"

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


CHECKS = [
    Check("anonymous /patients lands on the sign-in page (next=/patients)",
          Smoke.anonymous_redirected_to_sign_in),
    Check(f"sign in as the demo {SIGN_IN_ROLE}: back on /patients, .user-name shown, kc_session HttpOnly",
          Smoke.sign_in_as_nurse, required="could not sign in: the remaining checks need a session"),
    Check("security headers: CSP frame-ancestors 'none', nosniff, Referrer-Policy", Smoke.security_headers),
    Check(f"home page: title has 'Home', #patient-count is {DEMO_PATIENTS}", Smoke.home_page),
    Check("home page: no SEVERE browser console entries", lambda s: s.console_clean("on the home page")),
    Check("empty registration shows the error summary and field errors", Smoke.empty_submit_shows_errors),
    Check("valid registration lands on the patient page with a flash", Smoke.valid_submit_registers),
    Check(f"home page count is {DEMO_PATIENTS + 1} after registering", Smoke.count_went_up),
    Check("phone 390x844: nav visible, no horizontal scroll", Smoke.phone_layout),
    Check("whole flow: no SEVERE browser console entries", lambda s: s.console_clean("during the flow")),
]


def main() -> int:
    return run_flow("smoke", Smoke, CHECKS, demo_patients=DEMO_PATIENTS, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
