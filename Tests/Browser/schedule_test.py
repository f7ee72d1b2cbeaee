"""Browser test of booking: the front desk opens the demo clinic's calendar (a week of bookings
across its chairs, one day flagged as over the nurse:chair ratio after two nurses called in sick),
opens the course booking of a patient whose signed plan has no bookings yet (Walter Waiting),
accepts the proposed slots, moves one session with no warning and another to the day after the
session before it with the minimum-interval warning, sees the bookings on the day and week
views, and sees a booking in the past refused with its reason.

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
    moved: tuple[int, datetime.date] | None = None
    warned: tuple[int, datetime.date] | None = None
    expected_console_reason = "for the intended 409 of a refused booking"

    def expected_console_entry(self, entry: dict) -> bool:
        message = entry.get("message", "")
        return "Failed to load resource" in message and ("status of 409" in message or "status of 422" in message)

    def week_view_shows_bookings_and_the_conflict(self):
        self.sign_in(*self.credentials["front_desk"])
        self.assert_signed_in()
        # The front desk reaches the calendar from the day's sessions.
        self.open("/sessions")
        self.click_and_wait("//a[@id='calendar-link']")
        assert self.url_path() == "/schedule", f"on {self.path()}"
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
        """Walter Waiting's plan is signed and the rest of his course has no chair yet (the demo leaves
        it for the front desk): from his page (the front desk's view of the chart, listing the plan's
        sessions), the course booking proposes a slot for each."""
        self.open("/patients?q=Waiting")
        self.click_and_wait("//main//a[contains(normalize-space(), 'Waiting, Walter')]")
        assert re.fullmatch(r"/patients/[0-9a-f-]{36}", self.url_path()), f"not on a chart: {self.path()}"
        planned = self.wait_for("#bookings").text
        assert "Session 2: " in planned and "scheduled" in planned, f"the signed plan's sessions: {planned!r}"
        self.click_and_wait("//a[@id='book-sessions-link']")
        assert re.fullmatch(r"/schedule/patients/[0-9a-f-]{36}", self.url_path()), f"on {self.path()}"
        self.course_path = self.url_path()
        assert "Bookings: Waiting, Walter" in self.wait_for("h1").text
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#course-sessions tbody tr")
        unbooked = [row for row in rows if "Not booked" in row.text and "Scheduled" in row.text]
        assert len(unbooked) >= 4, f"the course is not booked yet: {[row.text for row in rows]}"
        proposals = self.wait_for("#proposal").text
        proposed = [line for line in proposals.splitlines() if line.startswith("Session ")]
        assert len(proposed) == len(unbooked), f"one proposal per unbooked session: {proposed}"
        for line in proposed:
            assert re.search(r": \d{4}-\d{2}-\d{2} \d{2}:\d{2}–\d{2}:\d{2}, Chair \d", line), f"a concrete slot: {line!r}"
        return f"{len(proposed)} slots proposed, e.g. {proposed[0]!r}"

    def book_the_proposal(self):
        expected = len([line for line in self.wait_for("#proposal").text.splitlines() if line.startswith("Session ")])
        self.submit("Book these slots")
        assert self.url_path() == self.course_path, f"on {self.path()}"
        flash = " ".join(self.flash_texts())
        assert f"{expected} session(s) booked." in flash, f"flash: {flash!r}"
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#course-sessions tbody tr")
        unbooked = [row.text for row in rows if "Not booked" in row.text and "Scheduled" in row.text]
        assert not unbooked, f"still unbooked: {unbooked}"
        assert not self.driver.find_elements(By.CSS_SELECTOR, "#proposal"), "nothing left to propose"
        assert not self.driver.find_elements(By.CSS_SELECTOR, "#booking-warnings"), "the proposal keeps the protocol's intervals"
        return flash

    def bookings(self) -> dict[int, datetime.date]:
        """Session number → booked day, from the course table."""
        found = {}
        for row in self.driver.find_elements(By.CSS_SELECTOR, "#course-sessions tbody tr"):
            match = re.search(r"(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}–", row.text)
            if match and "Scheduled" in row.text:
                found[int(row.get_attribute("data-session"))] = datetime.date.fromisoformat(match.group(1))
        return found

    def move(self, number: int, day: datetime.date, chair: str) -> str:
        """Books session `number` at 16:00 on `day` in `chair`; returns the flash (back on the course page)."""
        Select(self.wait_for("#session")).select_by_visible_text(f"Session {number}")
        self.set_date("#date", day.isoformat())
        self.fill("#start", "16:00")
        Select(self.wait_for("#chair")).select_by_visible_text(chair)
        self.submit("Book")
        # The flash's leading icon (✓, !) is decoration: compare its words.
        flash = re.sub(r"^[^\w]+", "", " ".join(self.flash_texts()))
        if self.url_path() != self.course_path:
            # The freed slot suits someone on the waitlist: the front desk is shown them first.
            assert self.url_path().startswith("/schedule/waitlist"), f"on {self.path()}"
            self.open(self.course_path)
        return flash

    @staticmethod
    def weekday_on_or_after(day: datetime.date) -> datetime.date:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day

    def move_one_session(self):
        booked = self.bookings()
        last = max(booked, key=lambda n: booked[n])
        others = [booked[n] for n in booked if n != last]
        # Later than every other session by at least the protocol's 2 days: no interval warning at all.
        day = self.weekday_on_or_after(max(others) + datetime.timedelta(days=3))
        flash = self.move(last, day, "Chair 6")
        assert flash == f"Session {last} booked {day.isoformat()} 16:00–18:00.", f"no warning expected: {flash!r}"
        assert not self.driver.find_elements(By.CSS_SELECTOR, "#booking-warnings"), "no interval warning on the course page"
        row = self.wait_for(f"#course-sessions tr[data-session='{last}']").text
        assert f"{day.isoformat()} 16:00–18:00, Chair 6" in row, f"row: {row!r}"
        self.moved = (last, day)
        return f"Session {last} → {day.isoformat()} 16:00, Chair 6, no warning"

    def move_too_close_warns(self):
        booked = self.bookings()
        order = sorted(booked, key=lambda n: booked[n])
        tried = []
        # Move a session to the day after the one before it (1 day < the protocol's minimum of 2).
        for earlier, later in zip(order, order[1:]):
            day = booked[earlier] + datetime.timedelta(days=1)
            if day.weekday() >= 5 or day >= booked[later]:
                continue
            flash = self.move(later, day, "Chair 5")
            tried.append(flash)
            if f"Session {later} booked" not in flash:
                continue   # refused (that chair or the nurses are taken then): try the next pair
            warning = (f"Sessions {earlier} and {later} would be 1 day(s) apart; "
                       "the protocol asks for at least 2.")
            assert flash == f"Session {later} booked {day.isoformat()} 16:00–18:00. {warning}", f"flash: {flash!r}"
            warnings = self.wait_for("#booking-warnings").text
            assert warning in warnings, f"the course page keeps the warning: {warnings!r}"
            self.screenshot("schedule-interval-warning.png")
            self.warned = (later, day)
            return warning
        raise AssertionError(f"no session could be moved next to another: {tried}")

    def bookings_on_the_calendar(self):
        week_text = []
        for number, day in (self.moved, self.warned):
            self.open(f"/schedule/day?date={day.isoformat()}")
            grid = self.wait_for("#schedule-grid").text
            assert "Waiting, Walter" in grid and "16:00–18:00" in grid, f"day view of {day}: {grid!r}"
            self.open(f"/schedule?week={day.isoformat()}")
            rows = [row.text for row in self.driver.find_elements(By.CSS_SELECTOR, "#schedule-grid tr")]
            chair = "Chair 6" if (number, day) == self.moved else "Chair 5"
            assert any(row.startswith(chair) and "Waiting, Walter" in row for row in rows), f"week of {day}: {rows}"
            week_text.append(f"{day.isoformat()} {chair}")
        return "on the day and week views: " + ", ".join(week_text)

    def past_booking_refused(self):
        self.open(self.course_path)
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
    Check("from a signed plan's chart, the front desk opens the course booking with a slot proposed for each session",
          ScheduleFlow.open_course, required="the other checks need the course page"),
    Check("accepting the proposal books every session, keeping the protocol's intervals", ScheduleFlow.book_the_proposal,
          required="the moves need booked sessions"),
    Check("the last session moves to a later day and chair with no interval warning", ScheduleFlow.move_one_session),
    Check("a session moved the day after the one before it is booked with the minimum-interval warning", ScheduleFlow.move_too_close_warns),
    Check("the moved bookings show on the day and week views", ScheduleFlow.bookings_on_the_calendar),
    Check("a booking in the past and a time outside the day are refused with reasons", ScheduleFlow.past_booking_refused),
    Check("no browser console errors", ScheduleFlow.no_console_errors),
]


def main() -> int:
    return run_flow("schedule", ScheduleFlow, CHECKS, demo_patients=24, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
