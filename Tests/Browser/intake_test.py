"""Browser test of intake and screening: a prescriber registers a patient, enters the medical and
psychiatric history, vital signs and a medication, opens the screening, reads the reasoning,
overrides one contraindication with a reason, acknowledges the cautions and signs; then the
chart shows the signed screening, and an administrator finds every step in the patient's access
log.

Run: python3 Tests/Browser/intake_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import re
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browserkit import BrowserFlow, Check, run_flow

GIVEN, FAMILY = "Iris", "Intaketest"
OVERRIDE_REASON = "Aneurysm repaired in 2019; vascular surgeon cleared treatment"


class Intake(BrowserFlow):
    patient_path: str | None = None

    def choose(self, name: str, value: str) -> None:
        Select(self.wait_for(f"select[name='{name}']")).select_by_value(value)

    def tick(self, name: str) -> None:
        box = self.wait_for(f"input[type='checkbox'][name='{name}']")
        if not box.is_selected():
            box.click()

    def on_chart(self) -> None:
        assert self.url_path() == self.patient_path, f"expected the chart {self.patient_path}, on {self.path()}"

    # checks ------------------------------------------------------------------------------------

    def register_patient(self):
        self.sign_in(*self.credentials["prescriber"])
        self.assert_signed_in()
        self.open("/patients/new")
        self.fill("#givenName", GIVEN)
        self.fill("#familyName", FAMILY)
        self.set_date("#dateOfBirth", "1979-04-02")
        self.choose("sexAtBirth", "female")
        self.submit("Register patient")
        assert re.fullmatch(r"/patients/[0-9a-f-]{36}", self.url_path()), f"not on a chart: {self.path()}"
        self.patient_path = self.url_path()
        return self.patient_path

    def enter_medical_history(self):
        self.open(self.patient_path)
        self.click_and_wait("//a[@id='add-medical-history']")
        for name, value in [("hypertension", "none"), ("arrhythmia", "none"), ("hepaticImpairment", "none"),
                            ("thyroid", "none"), ("pregnancy", "not_pregnant"), ("pulmonaryDisease", "none")]:
            self.choose(name, value)
        self.tick("aneurysmalVascularDisease")
        self.submit("Save")
        self.on_chart()
        text = self.wait_for("#medical-history").text
        assert "Aneurysmal vascular disease" in text, f"medical history shows {text!r}"
        return "aneurysm recorded"

    def impossible_vital_signs_refused(self):
        self.open(self.patient_path)
        self.click_and_wait("//a[@id='add-vital-signs']")
        self.fill("#systolic", "80")
        self.fill("#diastolic", "120")
        self.fill("#heartRate", "70")
        self.submit("Save")
        error = self.wait_for("#diastolic-error").text
        assert "lower than systolic" in error, f"diastolic error reads {error!r}"
        assert self.driver.find_elements(By.CSS_SELECTOR, "#error-summary"), "no error summary"
        return error.strip()

    def enter_vitals_psychiatric_and_medication(self):
        self.fill("#systolic", "124")
        self.fill("#diastolic", "78")
        self.fill("#heartRate", "72")
        self.fill("#oxygenSaturation", "98")
        self.fill("#respiratoryRate", "14")
        self.submit("Save")
        self.on_chart()
        self.click_and_wait("//a[@id='add-psychiatric-history']")
        self.submit("Save")
        self.on_chart()
        self.click_and_wait("//a[@id='add-medication']")
        self.fill("#name", "phenelzine")
        self.fill("#dose", "15 mg three times daily")
        self.tick("classes.maoi")
        self.submit("Save")
        self.on_chart()
        medications = self.wait_for("#medication").text
        assert "phenelzine" in medications and "MAOI" in medications, f"medications show {medications!r}"
        vitals = self.wait_for("#vital-signs").text
        assert "124/78" in vitals, f"vital signs show {vitals!r}"
        return "vital signs, psychiatric history and an MAOI entered"

    def screening_shows_reasoning(self):
        self.click_and_wait("//a[@id='screening-link']")
        decision = self.wait_for("#decision-esketamine").text
        assert decision == "Not eligible", f"esketamine decision is {decision!r}"
        findings = self.driver.find_elements(By.CSS_SELECTOR, "#treatment-esketamine .finding-contraindication")
        assert findings, "no contraindication listed for esketamine"
        text = findings[0].text
        assert "[R" in text, f"the finding cites no source: {text!r}"
        cautions = self.driver.find_elements(By.CSS_SELECTOR, ".finding-caution")
        assert cautions, "the MAOI gives no caution"
        self.screenshot("screening.png")
        return f"{len(findings)} contraindication(s), {len(cautions)} caution(s)"

    def override_and_sign(self):
        field = self.wait_for("#treatment-esketamine input[name^='override.esketamine.']")
        field.clear()
        field.send_keys(OVERRIDE_REASON)
        for box in self.driver.find_elements(By.CSS_SELECTOR, "input[type='checkbox'][name^='acknowledgement.']"):
            if not box.is_selected():
                box.click()
        self.submit("Sign screening")
        assert re.fullmatch(r"/patients/[0-9a-f-]{36}/screenings/1", self.url_path()), f"after signing on {self.path()}"
        page = self.driver.find_element(By.TAG_NAME, "main").text
        assert f"Overridden: {OVERRIDE_REASON}" in page, "the override reason is not shown"
        status = self.wait_for("#signed-status").text
        assert "Matches the current record" in status, f"status reads {status!r}"
        decision = self.wait_for("#decision-esketamine").text
        assert decision == "Eligible with cautions", f"signed esketamine decision is {decision!r}"
        return status

    def chart_shows_signature(self):
        self.open(self.patient_path)
        status = self.wait_for("#header-screening").text
        assert "Version 1 signed" in status, f"chart header reads {status!r}"
        contraindications = self.wait_for("#header-contraindications").text
        assert "none" != contraindications, "the header lists no contraindication"
        return status

    def access_log_shows_each_step(self):
        self.sign_out()
        self.sign_in(*self.credentials["administrator"])
        self.open(self.patient_path + "/access-log")
        log = self.driver.find_element(By.TAG_NAME, "main").text
        expected = ["registered as", "added medical history", "added vital signs", "added psychiatric history",
                    "added medication", "signed screening version 1", "overrode"]
        missing = [step for step in expected if step not in log]
        assert not missing, f"the access log lacks {missing}"
        return "registration, history, vital signs, medication, signature and override all logged"


CHECKS = [
    Check("prescriber registers a patient and lands on the chart", Intake.register_patient,
          required="the other checks need the patient"),
    Check("medical history with an aneurysm is saved and shown", Intake.enter_medical_history),
    Check("impossible vital signs get a field error", Intake.impossible_vital_signs_refused),
    Check("vital signs, psychiatric history and an MAOI are entered", Intake.enter_vitals_psychiatric_and_medication),
    Check("screening shows esketamine not eligible with the reasoning and sources", Intake.screening_shows_reasoning),
    Check("override with a reason, acknowledge cautions, sign: version 1 is read-only", Intake.override_and_sign),
    Check("the chart header shows the signed screening", Intake.chart_shows_signature),
    Check("the access log shows each step", Intake.access_log_shows_each_step),
]


def main() -> int:
    return run_flow("intake", Intake, CHECKS, demo_patients=3, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
