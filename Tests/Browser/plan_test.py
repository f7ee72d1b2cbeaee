"""Browser test of dose planning: a prescriber checks the worked example in the dose calculator,
opens a demo patient's chart, plans a new IV course above the soft limit, sees the dose
arithmetic, the PK chart and the proposed dates, is asked for the soft-limit reason, signs,
and lands on the signed plan; an administrator saves a new version of a protocol.

Run: python3 Tests/Browser/plan_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import re
import sys

from selenium.webdriver.common.by import By

from browserkit import BrowserFlow, Check, run_flow

REASON = "Partial response at 0.75 mg/kg after three sessions"
TITRATION = "Raising the dose after a partial response"


class PlanFlow(BrowserFlow):
    patient_path: str | None = None
    expected_console_reason = "for the intended 422s"

    def expected_console_entry(self, entry: dict) -> bool:
        """Chromium logs each 4xx document as SEVERE; the 422 of a refused signature (no reason
        yet) and of a refused protocol save are intended."""
        message = entry.get("message", "")
        return "Failed to load resource" in message and "status of 422" in message

    def calculator_worked_example(self):
        self.sign_in(*self.credentials["prescriber"])
        self.assert_signed_in()
        self.open("/dosing")
        self.click_and_wait("//main//a[@href='/dosing/calculator']")
        self.fill("#weightKg", "70")
        self.fill("#mgPerKg", "0.5")
        self.fill("#minutes", "40")
        self.fill("#bagMl", "100")
        self.submit("Calculate")
        table = self.wait_for("#dose-arithmetic").text
        for figure in ["35 mg", "0.7 mL", "100.7 mL", "151.1 mL/h"]:
            assert figure in table, f"{figure} missing from {table!r}"
        return "35 mg, 0.7 mL, 100.7 mL, 151.1 mL/h"

    def open_patient_plan(self):
        self.open("/patients?q=Eligible")
        self.click_and_wait("//main//a[contains(normalize-space(), 'Eligible, Elena')]")
        assert re.fullmatch(r"/patients/[0-9a-f-]{36}", self.url_path()), f"not on a chart: {self.path()}"
        self.patient_path = self.url_path()
        link = self.wait_for("#plan-link").text
        assert "IV ketamine" in link, f"chart plan link: {link!r}"
        self.click_and_wait("//a[@id='plan-link']")
        assert self.url_path() == f"{self.patient_path}/plans/1", f"on {self.path()}"
        self.click_and_wait("//main//a[contains(normalize-space(), 'Plan a new course')]")
        assert self.url_path() == f"{self.patient_path}/plans/new", f"on {self.path()}"
        return link

    def preview_shows_arithmetic_chart_and_dates(self):
        mg = self.wait_for("#mgPerKg")
        mg.clear()
        mg.send_keys("0.8")
        self.submit("Preview the plan")
        arithmetic = self.wait_for("#dose-arithmetic").text
        assert "mL/h" in arithmetic and "0.8 mg/kg" in arithmetic, f"arithmetic: {arithmetic!r}"
        svg = self.wait_for("figure.pk-chart svg[role='img']")
        assert len(svg.find_elements(By.CSS_SELECTOR, "g.pk-series path")) == 2, "two PK series"
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#plan-sessions tbody tr")
        assert len(rows) == 6, f"{len(rows)} proposed sessions"
        warnings = self.wait_for("#dose-warnings").text
        assert "soft-limit-dose-high" in warnings, f"warnings: {warnings!r}"
        self.screenshot("plan-preview.png")
        return f"{len(rows)} sessions; first {rows[0].text!r}"

    def soft_limit_needs_reason(self):
        titration = self.wait_for("#titration").text
        assert re.search(r"\+[0-9.]+ mg \(\+60%\) from 36 mg", titration), f"titration: {titration!r}"  # 72 kg: 0.5 → 0.8 mg/kg
        self.submit("Sign plan")
        error = self.wait_for("#limitReason-error").text
        assert "reason" in error.lower(), f"error: {error!r}"
        assert self.wait_for("#titrationReason-error"), "the dose change needs its reason too"
        return error

    def sign(self):
        self.fill("#limitReason", REASON)
        self.fill("#titrationReason", TITRATION)
        self.submit("Sign plan")
        assert self.url_path() == f"{self.patient_path}/plans/2", f"after signing on {self.path()}"
        page = self.wait_for("main").text
        assert "Current plan" in page and REASON in page, "signed plan shows the reason"
        states = [cell.text for cell in self.driver.find_elements(By.CSS_SELECTOR, "#plan-sessions tbody td:last-child")]
        assert states and all(state == "Scheduled" for state in states), f"states {states}"
        self.open(f"{self.patient_path}/plans/1")
        assert "Superseded" in self.wait_for("main").text, "version 1 is superseded"
        return f"{len(states)} sessions scheduled"

    def administrator_saves_protocol_version(self):
        self.sign_out()
        self.sign_in(*self.credentials["administrator"])
        self.open("/dosing/protocols/iv-ketamine-slow")
        self.click_and_wait("//main//a[contains(normalize-space(), 'Edit')]")
        self.submit("Save version 2")
        assert self.wait_for("#reason-error"), "a reason is required"
        self.fill("#reason", "Reviewed by the clinical lead")
        self.submit("Save version 2")
        assert self.url_path() == "/dosing/protocols/iv-ketamine-slow", f"on {self.path()}"
        versions = self.wait_for("#protocol-versions").text
        assert "Reviewed by the clinical lead" in versions, f"versions: {versions!r}"
        return "version 2 saved with its reason"

    def no_console_errors(self):
        return self.console_clean("the planning pages")


CHECKS = [
    Check("the dose calculator reproduces the worked example", PlanFlow.calculator_worked_example,
          required="the other checks need the signed-in prescriber"),
    Check("prescriber opens a demo patient's plan and starts a new course", PlanFlow.open_patient_plan,
          required="the other checks need the planning page"),
    Check("the preview shows the dose arithmetic, the PK chart and six dates", PlanFlow.preview_shows_arithmetic_chart_and_dates),
    Check("a dose past the soft limit and a dose change each need a reason", PlanFlow.soft_limit_needs_reason),
    Check("signing lands on the signed plan; the old one is superseded", PlanFlow.sign),
    Check("an administrator saves a protocol version with a reason", PlanFlow.administrator_saves_protocol_version),
    Check("no browser console errors", PlanFlow.no_console_errors),
]


def main() -> int:
    return run_flow("plan", PlanFlow, CHECKS, demo_patients=3, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
