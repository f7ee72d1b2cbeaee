"""Browser test of booking: the front desk opens the demo clinic's calendar (a week of bookings
across its chairs, one day flagged as over the nurse:chair ratio after two nurses called in sick),
opens a patient's course, books the proposed slots for the sessions not yet booked, moves one
session to another day and chair, and sees a booking in the past refused with its reason.

Run: python3 Tests/Browser/schedule_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import datetime
import re
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browserkit import BrowserFlow, Check, run_flow


class ScheduleFlow(BrowserFlow):
    course_path: str | None = None
    expected_console_reason = "for the intended 409 of a refused booking"

    def expected_console_entry(self, entry: dict) -> bool:
        message = entry.get("message", "")
        return "Failed to load resource" in message and ("status of 409" in message or "status of 422" in message)

    def week_view_shows_bookings_and_the_conflict(self):
        self.sign_in(*self.credentials["front_desk"])
        self.assert_signed_in()
        today = datetime.date.today()
        seen = []
        for week in (today, today + datetime.timedelta(days=7)):
            self.open(f"/schedule?week={week.isoformat()}")
            grid = self.wait_for("#schedule-grid")
            seen.append(grid.text)
            if self.driver.find_elements(By.CSS_SELECTOR, ".booking-conflict"):
                break
        text = "\n".join(seen)
        assert "Appointment · " in text, "bookings are shown as appointments"
        assert "mg" not in text.replace("img", ""), "no dose on the calendar"
        conflicts = self.driver.find_elements(By.CSS_SELECTOR, ".booking-conflict")
        assert conflicts, "the demo's over-ratio day is flagged"
        assert "nurse(s) on shift" in conflicts[0].text, conflicts[0].text
        self.screenshot("schedule-week.png")
        return f"{len(conflicts)} booking(s) flagged: {conflicts[0].text!r}"

    def open_course(self):
        xpath = "//table[@id='schedule-grid']//a[contains(normalize-space(), 'Eligible, Elena')]"
        today = datetime.date.today()
        for week in (today, today + datetime.timedelta(days=7)):
            self.open(f"/schedule?week={week.isoformat()}")
            self.wait_for("#schedule-grid")
            if self.driver.find_elements(By.XPATH, xpath):
                break
        self.click_and_wait(xpath)
        assert re.fullmatch(r"/schedule/patients/[0-9a-f-]{36}", self.url_path()), f"on {self.path()}"
        self.course_path = self.url_path()
        proposals = self.wait_for("#proposal").text
        assert "Session " in proposals, proposals
        return proposals.splitlines()[1] if "\n" in proposals else proposals

    def book_the_proposal(self):
        self.submit("Book these slots")
        assert self.url_path() == self.course_path, f"on {self.path()}"
        flash = " ".join(self.flash_texts())
        assert re.search(r"\d+ session\(s\) booked", flash), f"flash: {flash!r}"
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#course-sessions tbody tr")
        unbooked = [row.text for row in rows if "Not booked" in row.text and "Scheduled" in row.text]
        assert not unbooked, f"still unbooked: {unbooked}"
        assert not self.driver.find_elements(By.CSS_SELECTOR, "#proposal"), "nothing left to propose"
        return flash

    def booked_dates(self) -> set[str]:
        dates = set()
        for row in self.driver.find_elements(By.CSS_SELECTOR, "#course-sessions tbody tr"):
            match = re.search(r"(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}", row.text)
            if match:
                dates.add(match.group(1))
        return dates

    def move_one_session(self):
        used = self.booked_dates()
        day = datetime.date.today() + datetime.timedelta(days=8)
        while day.weekday() >= 5 or day.isoformat() in used:
            day += datetime.timedelta(days=1)
        select = Select(self.wait_for("#session"))
        label = select.options[-1].text
        select.select_by_index(len(select.options) - 1)
        self.set_date("#date", day.isoformat())
        self.fill("#start", "16:00")
        Select(self.wait_for("#chair")).select_by_visible_text("Chair 6")
        self.submit("Book")
        assert self.url_path() == self.course_path, f"on {self.path()}"
        flash = " ".join(self.flash_texts())
        assert f"{label} booked {day.isoformat()} 16:00–18:00" in flash, f"flash: {flash!r}"
        number = label.split()[-1]
        row = self.wait_for(f"#course-sessions tr[data-session='{number}']").text
        assert f"{day.isoformat()} 16:00–18:00, Chair 6" in row, f"row: {row!r}"
        return f"{label} → {day.isoformat()} 16:00, Chair 6"

    def past_booking_refused(self):
        select = Select(self.wait_for("#session"))
        select.select_by_index(1)
        self.set_date("#date", (datetime.date.today() - datetime.timedelta(days=3)).isoformat())
        self.fill("#start", "10:00")
        Select(self.wait_for("#chair")).select_by_visible_text("Chair 1")
        self.submit("Book")
        reasons = self.wait_for("#booking-conflicts").text
        assert "already started" in reasons, f"reasons: {reasons!r}"
        self.fill("#start", "27:00")
        self.submit("Book")
        error = self.wait_for("#start-error").text
        assert "HH:MM" in error, f"error: {error!r}"
        return reasons.splitlines()[-1]

    def no_console_errors(self):
        return self.console_clean("the scheduling pages")


CHECKS = [
    Check("the week view shows appointments and the demo's over-ratio conflict", ScheduleFlow.week_view_shows_bookings_and_the_conflict,
          required="the other checks need the signed-in front desk"),
    Check("the front desk opens a patient's course with proposed slots", ScheduleFlow.open_course,
          required="the other checks need the course page"),
    Check("booking the proposal books every remaining session", ScheduleFlow.book_the_proposal),
    Check("one session moves to another day and chair", ScheduleFlow.move_one_session),
    Check("a booking in the past and a time outside the day are refused with reasons", ScheduleFlow.past_booking_refused),
    Check("no browser console errors", ScheduleFlow.no_console_errors),
]


def main() -> int:
    return run_flow("schedule", ScheduleFlow, CHECKS, demo_patients=24, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
