"""Browser test of the chair board as a nurses' station: a nurse runs an IV session from the board.

The administrator sets a 60-minute minimum observation after IV ketamine (clinic policy). The nurse
signs in, checks a scheduled IV patient in and seats them in Chair 5 (the day list and session page:
a session is on the board once checked in), opens the board and filters it to her chair (kept in the
query and, on reopening /board, restored from the browser), records the pre-dose reading from the
card (a typo first: the error shows in the card), goes to the session page through the card's link for
the steps that need it (checklist, administration, start dosing) and comes back; records a high blood
pressure from the card, sees the alert in the card and acknowledges it there (keyboard: select and
Enter), the board never reloading; ends the dose on the session page and sees, back on the board, the
observation countdown and the earliest discharge time. Then, on a second server seated with 24
load-test chairs, the board shows 12 filtered chairs on one 1280×800 screen and 24 on a 1920×1080
wall screen without scrolling.

Run: python3 Tests/Browser/station_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from browserkit import BrowserFlow, Check, run_flow

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from serverkit import Server, parse_demo_credentials, run_cli  # noqa: E402

CHAIR = "Chair 5"


class StationFlow(BrowserFlow):
    session_path: str | None = None
    session_id: str | None = None
    expected_console_reason = "for the intended 422/409 answers of a refused form"

    def expected_console_entry(self, entry: dict) -> bool:
        """Chromium logs each 4xx answer as SEVERE; the 422 of the card's typo is intended."""
        message = entry.get("message", "")
        return "Failed to load resource" in message and ("status of 422" in message or "status of 409" in message)

    # Helpers

    def card(self):
        return self.wait_for(f".chair-card[data-session-id='{self.session_id}']")

    def in_card(self, css: str) -> list:
        """Elements of the card found afresh (the board swaps cards in place while it refreshes)."""
        return self.driver.find_elements(By.CSS_SELECTOR, f".chair-card[data-session-id='{self.session_id}'] {css}")

    def until(self, condition, timeout: float = 5) -> None:
        WebDriverWait(self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(lambda _d: condition())

    def state(self) -> str:
        return self.wait_for("#session-state").text.strip()

    def press(self, command: str) -> None:
        self.click_and_wait(f"//form[@id='command-{command}']//button")

    def mark_page(self) -> None:
        self.driver.execute_script("window.__stillHere = 'yes';")

    def page_kept(self) -> bool:
        return self.driver.execute_script("return window.__stillHere === 'yes';")

    def card_reading(self, systolic: str, diastolic: str, heart_rate: str = "74", saturation: str = "98", rate: str = "14") -> None:
        card = self.card()
        details = card.find_element(By.CSS_SELECTOR, "details.card-reading")
        if not details.get_attribute("open"):
            details.find_element(By.CSS_SELECTOR, "summary").click()
        for name, value in [("systolic", systolic), ("diastolic", diastolic), ("heartRate", heart_rate),
                            ("oxygenSaturation", saturation), ("respiratoryRate", rate)]:
            field = self.card().find_element(By.CSS_SELECTOR, f".card-reading-form input[name='{name}']")
            field.clear()
            field.send_keys(value)
        self.card().find_element(By.CSS_SELECTOR, ".card-reading-form button[type='submit']").click()

    # Checks

    def administrator_sets_observation_minimum(self):
        self.sign_in(*self.credentials["administrator"])
        self.open("/admin/clinic/sessions")
        self.fill("#racemicMinimumObservationMinutes", "60")
        self.submit("Save")
        assert self.wait_for("#racemicMinimumObservationMinutes").get_attribute("value") == "60"
        self.sign_out()
        return "IV/IM minimum observation: 60 min (clinic policy)"

    def nurse_checks_in_and_seats(self):
        self.sign_in(*self.credentials["nurse"])
        self.assert_signed_in()
        self.open("/sessions")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#session-day tbody tr")
        target = next((row for row in rows if "Scheduled" in row.text and " IV" in row.text), None)
        assert target is not None, "a scheduled IV session today: " + " | ".join(row.text for row in rows)
        target.find_element(By.LINK_TEXT, "Open").click()
        self.wait_ready()
        self.session_path = self.url_path()
        assert re.fullmatch(r"/sessions/[0-9a-f-]{36}", self.session_path), self.session_path
        self.session_id = self.session_path.rsplit("/", 1)[1]
        self.press("check-in")
        Select(self.wait_for("#chair")).select_by_visible_text(CHAIR)
        self.submit("Seat patient")
        assert CHAIR in self.wait_for("#session-header").text
        return f"{self.state()} in {CHAIR}"

    def board_filtered_to_her_chair(self):
        self.open("/board")
        self.wait_for("#board-filter > summary").click()
        for box in self.driver.find_elements(By.CSS_SELECTOR, "#board-filter-form input[name='chair']"):
            if (box.get_attribute("value") == CHAIR) != box.is_selected():
                box.click()
        self.click_and_wait("//form[@id='board-filter-form']//button[@type='submit']")
        assert "chair=Chair+5" in self.driver.current_url or "chair=Chair%205" in self.driver.current_url, self.driver.current_url
        chairs = [c.get_attribute("data-chair") for c in self.driver.find_elements(By.CSS_SELECTOR, ".chair-card")]
        assert chairs == [CHAIR], chairs
        # Reopening /board restores her chairs from the browser.
        self.open("/board")
        WebDriverWait(self.driver, 5).until(lambda d: "chair=" in d.current_url)
        chairs = [c.get_attribute("data-chair") for c in self.driver.find_elements(By.CSS_SELECTOR, ".chair-card")]
        assert chairs == [CHAIR], chairs
        WebDriverWait(self.driver, 10).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#board-connection").get_attribute("data-state") == "live")
        return f"board shows {chairs} ({self.url_path()}?{self.driver.current_url.split('?', 1)[1]})"

    def pre_dose_reading_from_the_card(self):
        self.mark_page()
        self.card_reading("12x", "80")
        WebDriverWait(self.driver, 5).until(lambda d: self.card().find_elements(By.CSS_SELECTOR, ".card-field.has-error"))
        field = self.card().find_element(By.CSS_SELECTOR, "input[name='systolic']")
        assert field.get_attribute("aria-invalid") == "true", "the systolic field is marked invalid"
        error = self.card().find_element(By.CSS_SELECTOR, ".card-field.has-error .error-message").text
        assert error, "a field-level error in the card"
        assert self.driver.switch_to.active_element == field, "focus moved to the field in error"
        self.card_reading("126", "80")
        WebDriverWait(self.driver, 5).until(lambda d: "Reading saved" in self.card().find_element(By.CSS_SELECTOR, ".card-status").text)
        assert self.page_kept(), "the board stayed where it was"
        bp = self.card().find_element(By.CSS_SELECTOR, "[data-vital='bp']").text
        assert bp == "126/80", bp
        return f"error first ({error!r}), then saved in place: BP {bp}"

    def dosing_started_on_the_session_page(self):
        self.card().find_element(By.CSS_SELECTOR, "a.card-link").click()
        self.wait_ready()
        assert self.url_path() == self.session_path, self.url_path()
        for box in ["identityConfirmed", "consentOnFile", "escortAndTransportArranged"]:
            element = self.wait_for(f"#{box}")
            if not element.is_selected():
                element.click()
        if self.driver.find_elements(By.CSS_SELECTOR, "#pregnancy"):
            Select(self.wait_for("#pregnancy")).select_by_value("not-pregnant-confirmed")
        self.submit("Save checklist")
        if "fail" in self.wait_for("#check-scales").get_attribute("class"):
            chart = self.wait_for("#session-header h1 a").get_attribute("href").replace(self.base, "")
            self.open(chart + "/scales/new?instrument=phq9")
            for item in range(1, 10):
                self.wait_for(f"#item{item}-1").click()
            self.submit("Save")
            self.open(self.session_path)
        self.fill("#lotNumber", "KX-3307")
        self.set_date("#expiry", "2027-06-30")
        self.fill("#concentrationMgPerMl", "50")
        self.fill("#pumpRateMlPerHour", "150")
        # Given by: the signed-in nurse; checked by: a second person with their own credentials.
        email, password = self.credentials["prescriber"]
        self.fill("#checkerEmail", email)
        self.fill("#checkerPassword", password)
        self.submit("Record administration")
        self.press("start-dosing")
        assert self.state() == "Dosing", self.state()
        self.open("/board")
        WebDriverWait(self.driver, 5).until(lambda d: "chair=" in d.current_url)
        phase = self.card().find_element(By.CSS_SELECTOR, ".phase").text
        assert phase.lower() == "dosing", phase
        timers = self.card().find_element(By.CSS_SELECTOR, ".timers").text
        assert "Since dose start" in timers, timers
        return f"back on the board: {phase}, {timers.splitlines()[0:2]}"

    def alert_acknowledged_in_place(self):
        WebDriverWait(self.driver, 10).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#board-connection").get_attribute("data-state") == "live")
        self.mark_page()
        self.card_reading("192", "104", heart_rate="96")
        # The live board may redraw the card between finding it and reading it: read it again then.
        WebDriverWait(self.driver, 5, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: "192" in self.card().find_element(By.CSS_SELECTOR, ".card-alerts").text)
        self.screenshot("station-alert.png")
        # The role=alert sits in a div inside the list item, never directly in the <ul>.
        assert not self.driver.find_elements(By.CSS_SELECTOR, "ul > [role='alert']"), "role=alert directly in a list"
        acknowledged = 0
        while self.in_card(".card-alert form.acknowledge-form"):
            before = len(self.in_card(".card-alert"))
            try:
                alert = self.in_card(".card-alert")[0]
                Select(alert.find_element(By.CSS_SELECTOR, "select[name='action']")).select_by_value(
                    "slowed-infusion" if acknowledged == 0 else "informed-physician")
                note = alert.find_element(By.CSS_SELECTOR, "input[name='note']")
                note.send_keys("Rate halved; BP rechecked")
                note.send_keys(Keys.ENTER)   # the keyboard path: Enter submits the card's form in place
            except StaleElementReferenceException:
                continue   # the card was redrawn under the cursor: take it again
            self.until(lambda: len(self.in_card(".card-alert")) < before
                       and "Alert acknowledged" in " ".join(e.text for e in self.in_card(".card-status")))
            acknowledged += 1
            assert acknowledged < 5, "alerts keep coming back"
        assert self.page_kept(), "the board stayed where it was"
        assert "alerting" not in self.card().get_attribute("class"), "the card no longer alerts"
        return f"{acknowledged} alert(s) acknowledged on the card; URL still {self.url_path()}"

    def countdown_after_the_dose(self):
        self.card().find_element(By.CSS_SELECTOR, "a.card-link").click()
        self.wait_ready()
        self.press("end-dosing")
        assert self.state() == "Observation", self.state()
        self.open("/board")
        WebDriverWait(self.driver, 5).until(lambda d: "chair=" in d.current_url)
        timers = self.card().find_element(By.CSS_SELECTOR, ".timers").text
        assert "Dose finished" in timers and "Dose lasted" not in timers, timers
        countdown = self.card().find_element(By.CSS_SELECTOR, ".countdown")
        first = countdown.text
        assert re.fullmatch(r"1:00:00|59:\d\d", first), first
        earliest = self.card().find_element(By.CSS_SELECTOR, ".earliest-discharge").text
        assert re.fullmatch(r"\d\d:\d\d", earliest), earliest
        time.sleep(2.2)
        assert countdown.text != first, "the countdown runs"
        self.screenshot("station-observation.png")
        return f"observation left {countdown.text}, earliest discharge {earliest}"

    def fits_the_screens(self):
        """A second server seated with 24 load-test chairs: 12 fit 1280×800, 24 fit 1920×1080."""
        binary = os.path.abspath(os.environ.get("STATION_BINARY", ".build/debug/ketaclinic"))
        workdir = tempfile.mkdtemp(prefix="kc-station-wall-")
        server = None
        try:
            database = f"sqlite:{workdir}/wall.sqlite"
            prepared = run_cli(binary, ["demo", "--database", database, "--patients", "8", "--bcrypt-cost", "4",
                                        "--load-test-chairs", "24"], cwd=workdir, timeout=300)
            if prepared.returncode != 0:
                raise RuntimeError(f"demo failed: {prepared.stderr.strip() or prepared.stdout.strip()}")
            credentials = parse_demo_credentials(prepared.stdout.splitlines())
            server = Server(binary, workdir, database, announce=lambda *_: None).start(30)
            base, self.base = self.base, server.base
            try:
                self.sign_in(*credentials["nurse"])
                results = []
                for (width, height, chairs) in [(1280, 800, 12), (1920, 1080, 24)]:
                    self.driver.set_window_size(width, height)
                    inner = self.driver.execute_script("return [window.innerWidth, window.innerHeight];")
                    # The window's frame takes some of the size: grow it until the viewport is what we test.
                    self.driver.set_window_size(width + (width - inner[0]), height + (height - inner[1]))
                    query = "&".join(f"chair=Bay+{n}" for n in range(1, chairs + 1))
                    self.open(f"/board?{query}")
                    shown = len(self.driver.find_elements(By.CSS_SELECTOR, ".chair-card"))
                    assert shown == chairs, f"{shown} cards for {chairs} chairs"
                    viewport, document = self.driver.execute_script(
                        "return [window.innerHeight, document.documentElement.scrollHeight];")
                    view_width = self.driver.execute_script("return window.innerWidth;")
                    self.screenshot(f"station-{width}x{height}.png")
                    assert view_width == width and viewport == height, f"viewport {view_width}×{viewport}"
                    assert document <= viewport, f"{chairs} chairs at {width}×{height}: page {document} px tall"
                    results.append(f"{chairs} chairs at {width}×{height}: page {document} px ≤ {viewport}")
                self.open("/board?all=1")   # forget the wall screen's filter in this browser
                return "; ".join(results)
            finally:
                self.base = base
                self.driver.set_window_size(1280, 800)
        finally:
            if server is not None:
                server.stop()
            shutil.rmtree(workdir, ignore_errors=True)

    def no_console_errors(self):
        return self.console_clean("the board and the session page")


CHECKS = [
    Check("the administrator sets a minimum observation after IV ketamine", StationFlow.administrator_sets_observation_minimum),
    Check("the nurse checks a scheduled IV patient in and seats them", StationFlow.nurse_checks_in_and_seats,
          required="the session is needed"),
    Check("the board filtered to her chair, restored on reopening", StationFlow.board_filtered_to_her_chair,
          required="the card is needed"),
    Check("the pre-dose reading from the card: field error, then saved in place", StationFlow.pre_dose_reading_from_the_card),
    Check("checklist, administration and dosing on the session page, back to the board", StationFlow.dosing_started_on_the_session_page,
          required="the alert needs dosing"),
    Check("a high BP from the card raises an alert, acknowledged in place by keyboard", StationFlow.alert_acknowledged_in_place),
    Check("after the dose: the observation countdown and the earliest discharge", StationFlow.countdown_after_the_dose),
    Check("12 chairs fit 1280×800 and 24 fit 1920×1080 without scrolling", StationFlow.fits_the_screens),
    Check("no browser console errors", StationFlow.no_console_errors),
]


def main() -> int:
    argv = sys.argv[1:]
    if "--binary" in argv:
        os.environ["STATION_BINARY"] = argv[argv.index("--binary") + 1]
    return run_flow("station", StationFlow, CHECKS, demo_patients=24, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
