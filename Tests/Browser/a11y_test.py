"""Accessibility test: axe-core (from the local `axe-playwright-python` package, no CDN) with the
WCAG 2.0/2.1/2.2 A and AA rules on every page each demo role can reach, and on the patient's
self-report pages. Each role signs in and crawls from the home page: every navigation entry and
every link on the pages it reaches (patient charts, intake, screening, plans, scales, sessions in
their different states, the board, register, schedule, billing, outcomes, admin pages), a few of
each kind of page. Every page must have 0 critical and 0 serious violations; the moderate and
minor ones are printed and summed up at the end.

Run: python3 Tests/Browser/a11y_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import os
import re
import sys
import urllib.parse
from collections import Counter, defaultdict

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from axekit import Axe, AxeResult
from browserkit import BrowserFlow, Check, make_driver, run_flow

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")
# Paths that are not pages: files, feeds, machine endpoints, the patient's pages (checked apart).
SKIP = re.compile(r"^/(api/|metrics|readyz|healthz|assets/|r/|r$|logout)|\.(csv|ics|json|txt|pdf|svg|png|x12|837|zip)$"
                  r"|/(export|download|feed|feeds/[^/]+\.ics|print)(/|$)")
PAGES_PER_ROLE = 90
# How many pages of one shape (ids replaced by placeholders) are checked; sessions more, for their states.
PER_SHAPE = {"/sessions/{id}": 8}
PER_SHAPE_DEFAULT = 2


def shape(path: str, query: str) -> str:
    """The page's kind: ids and numbers replaced, query values dropped."""
    kind = NUMBER.sub("{n}", UUID.sub("{id}", path))
    keys = sorted({k for k, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)})
    return kind + ("?" + "&".join(keys) if keys else "")


class A11yFlow(BrowserFlow):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.axe = Axe()
        self.results: dict[str, list[AxeResult]] = defaultdict(list)  # role → pages
        self.moderate: Counter[str] = Counter()
        self.born: str | None = None
        self.address: str | None = None

    # ----------------------------------------------------------------------------------------

    def check_page(self, role: str, label: str | None = None) -> AxeResult:
        result = self.axe.run(self.driver)
        result.url = label or self.path()
        self.results[role].append(result)
        for violation in result.violations:
            if violation.impact not in ("critical", "serious"):
                self.moderate[f"{violation.impact} {violation.rule}: {violation.help}"] += 1
        counts = result.counts
        print(f"    {role:13} {result.url[:90]:90} critical {counts['critical']} serious {counts['serious']} "
              f"moderate {counts['moderate']} minor {counts['minor']}", flush=True)
        for violation in result.blocking:
            print("      " + violation.describe(), flush=True)
        return result

    def crawl(self, role: str) -> str:
        self.sign_in(*self.credentials[role])
        self.assert_signed_in()
        # The home page as the README shows it: tall enough for the role's work lists.
        self.driver.set_window_size(1280, 1400)
        self.screenshot(f"home-{role.replace('_', '-')}.png", quiet=True)
        self.driver.set_window_size(1280, 900)
        # Breadth first from the home page: depth 1 is the navigation, 2 the lists' entries (a
        # chart, a session, a plan), 3 their own sub-pages (checked, not followed further).
        queue: list[tuple[str, int]] = [("/", 0)]
        seen_paths: set[str] = set()
        per_shape: Counter[str] = Counter()
        checked = 0
        blocking: list[str] = []
        while queue and checked < PAGES_PER_ROLE:
            target, depth = queue.pop(0)
            parts = urllib.parse.urlsplit(target)
            kind = shape(parts.path, parts.query)
            if target in seen_paths or per_shape[kind] >= PER_SHAPE.get(kind, PER_SHAPE_DEFAULT):
                continue
            seen_paths.add(target)
            per_shape[kind] += 1
            self.open(target)
            if self.url_path() == "/login":
                raise AssertionError(f"signed out while crawling at {target}")
            result = self.check_page(role, target)
            checked += 1
            blocking += [f"{target}: {v.describe()}" for v in result.blocking]
            if depth >= 3:
                continue
            links = self.driver.execute_script(
                "return Array.from(document.querySelectorAll('main a[href], nav a[href]'))"
                ".filter(a => !a.hasAttribute('download')).map(a => a.href);")
            queued = {path for path, _ in queue}
            for link in links:
                split = urllib.parse.urlsplit(link)
                if not link.startswith(self.base) or SKIP.search(split.path):
                    continue
                local = split.path + (f"?{split.query}" if split.query else "")
                if local in seen_paths or local in queued:
                    continue
                queued.add(local)
                # Session pages go first: their states (scheduled to discharged) are what differ most.
                if shape(split.path, "") == "/sessions/{id}":
                    queue.insert(0, (local, depth + 1))
                else:
                    queue.append((local, depth + 1))
        self.sign_out()
        assert not blocking, f"{len(blocking)} critical/serious: " + " | ".join(blocking[:6])
        return f"{checked} pages, {len(per_shape)} kinds of page, 0 critical, 0 serious"

    def prescriber(self):
        return self.crawl("prescriber")

    def nurse(self):
        return self.crawl("nurse")

    def front_desk(self):
        return self.crawl("front_desk")

    def administrator(self):
        return self.crawl("administrator")

    # the patient's phone ---------------------------------------------------------------------

    def patient_pages(self):
        self.sign_in(*self.credentials["nurse"])
        self.open("/patients?q=Relapse")
        self.click_and_wait("//main//a[contains(normalize-space(), 'Relapse, Rita')]")
        chart = self.url_path()
        born = re.search(r"Born (\d{4}-\d{2}-\d{2})", self.wait_for("main").text)
        assert born, "the chart shows the date of birth"
        self.born = born.group(1)
        self.open(f"{chart}/scales")
        self.submit("Create link")
        self.address = self.wait_for("#self-report-url").get_attribute("href")
        self.check_page("nurse", f"{chart}/scales (a link just made)")
        self.sign_out()
        blocking: list[str] = []
        for width, height in ((360, 640), (390, 844)):
            self.set_viewport(width, height)
            try:
                self.open("/r")
                blocking += [v.describe() for v in self.check_page("patient", f"/r at {width}px").blocking]
                self.assert_phone_layout(width, ["#code"], f"phone-{width}-code.png")
                self.driver.get(self.address)
                self.wait_ready()
                blocking += [v.describe() for v in self.check_page("patient", f"date of birth at {width}px").blocking]
                self.assert_phone_layout(width, ["#birth-day", "#birth-month", "#birth-year"], f"phone-{width}-birth.png")
                for css, autocomplete in (("#birth-day", "bday-day"), ("#birth-month", "bday-month"), ("#birth-year", "bday-year")):
                    field = self.driver.find_element(By.CSS_SELECTOR, css)
                    assert field.get_attribute("inputmode") == "numeric", f"{css} inputmode"
                    assert field.get_attribute("autocomplete") == autocomplete, f"{css} autocomplete"
                    label = self.driver.find_elements(By.CSS_SELECTOR, f"label[for='{css[1:]}']")
                    assert label and label[0].text.strip(), f"{css} has a label"
                assert not self.driver.find_elements(By.CSS_SELECTOR, ".site-footer, nav"), "no staff footer or navigation"
            finally:
                self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.set_viewport(390, 844)
        try:
            self.driver.get(self.address)
            self.wait_ready()
            self.enter_birth_date(self.born)
            WebDriverWait(self.driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "form fieldset"))
            blocking += [v.describe() for v in self.check_page("patient", "questions").blocking]
            progress = self.driver.find_element(By.ID, "answer-progress")
            assert progress.tag_name == "progress" and progress.get_attribute("value") == "0", "progress starts at 0"
            self.assert_phone_layout(390, [], "phone-390-questions.png")
            # Answer two, then send: the other seven are marked and the first of them has the focus.
            for item in (1, 2):
                self.driver.find_element(By.CSS_SELECTOR, f"label[for='phq9-item{item}-1']").click()
            self.click_and_wait("//form//button[normalize-space()='Send my answers']")
            blocking += [v.describe() for v in self.check_page("patient", "questions with errors").blocking]
            invalid = self.driver.find_elements(By.CSS_SELECTOR, "fieldset.has-error")
            assert len(invalid) == 7, f"{len(invalid)} questions marked, expected 7"
            radio = self.driver.find_element(By.ID, "phq9-item3-0")
            assert radio.get_attribute("aria-invalid") == "true", "unanswered answers carry aria-invalid"
            described = self.driver.find_element(By.ID, "phq9-item3-question").get_attribute("aria-describedby")
            assert described and self.driver.find_element(By.ID, described).text.strip(), "the message is linked"
            focused = self.driver.execute_script("return document.activeElement && document.activeElement.id")
            assert focused == "phq9-item3-0", f"focus on {focused!r}, expected the first unanswered question"
            assert self.driver.find_element(By.ID, "answer-progress").get_attribute("value") == "2", "2 answered"
            self.screenshot("phone-390-errors.png")
            for item in range(3, 10):
                self.driver.find_element(By.CSS_SELECTOR, f"label[for='phq9-item{item}-{2 if item == 9 else 1}']").click()
            self.click_and_wait("//form//button[normalize-space()='Send my answers']")
            self.wait_for("#crisis-resources")
            blocking += [v.describe() for v in self.check_page("patient", "thanks, with crisis resources").blocking]
            calls = [a.get_attribute("href") for a in self.driver.find_elements(By.CSS_SELECTOR, "#crisis-call a.call-link")]
            assert {"tel:911", "tel:988", "tel:+12125550147"} <= set(calls), f"tap-to-call links {calls}"
            self.assert_phone_layout(390, [], "phone-390-thanks.png")
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        assert not blocking, " | ".join(blocking[:6])
        return ("code entry and date of birth at 360 and 390 px (fields >= 48 px, no sideways scroll), questions, "
                "7 unanswered marked and focused, thanks with tel: links: 0 critical, 0 serious")

    def set_viewport(self, width: int, height: int) -> None:
        """Make the page's viewport (not the window) `width` x `height` CSS px, as on a phone."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})

    def assert_phone_layout(self, width: int, fields: list[str], shot: str) -> None:
        """No sideways scrolling at `width`; each field at least 48 px tall with text of 16 px or more."""
        scroll_width = self.driver.execute_script("return document.documentElement.scrollWidth")
        viewport = self.driver.execute_script("return window.innerWidth")
        assert viewport == width, f"viewport {viewport}, expected {width}"
        assert scroll_width <= viewport, f"page {scroll_width} px wide on a {viewport} px screen"
        for css in fields:
            box = self.driver.execute_script(
                "const e = document.querySelector(arguments[0]); const r = e.getBoundingClientRect();"
                "return [r.height, parseFloat(getComputedStyle(e).fontSize)];", css)
            assert box[0] >= 48, f"{css} is {box[0]} px tall"
            assert box[1] >= 16, f"{css} text is {box[1]} px"
        self.screenshot(shot, quiet=True)

    def enter_birth_date(self, iso: str) -> None:
        year, month, day = iso.split("-")
        if self.driver.find_elements(By.ID, "dateOfBirth"):
            field = self.driver.find_element(By.ID, "dateOfBirth")
            self.driver.execute_script("arguments[0].value = arguments[1];", field, iso)
        else:
            self.fill("#birth-day", day)
            self.fill("#birth-month", month)
            self.fill("#birth-year", year)
        self.click_and_wait("//form//button[normalize-space()='Continue']")

    # summary ---------------------------------------------------------------------------------

    def summary(self):
        pages = sum(len(r) for r in self.results.values())
        print(f"    axe-core {self.axe.version}, WCAG tags: wcag2a wcag2aa wcag21a wcag21aa wcag22a wcag22aa")
        for role, results in self.results.items():
            totals = Counter()
            for result in results:
                totals.update(result.counts)
            print(f"    {role:13} {len(results):3} pages: critical {totals['critical']}, serious {totals['serious']}, "
                  f"moderate {totals['moderate']}, minor {totals['minor']}")
        for text, count in self.moderate.most_common():
            print(f"    on {count:3} pages: {text}")
        assert pages > 0, "no page checked"
        return f"{pages} pages checked; {sum(self.moderate.values())} moderate/minor findings"


def main() -> int:
    return run_flow("a11y", A11yFlow, [
        Check("prescriber: every page reachable, 0 critical/serious", A11yFlow.prescriber),
        Check("nurse: every page reachable, 0 critical/serious", A11yFlow.nurse),
        Check("front desk: every page reachable, 0 critical/serious", A11yFlow.front_desk),
        Check("administrator: every page reachable, 0 critical/serious", A11yFlow.administrator),
        Check("patient: self-report pages on a phone, 0 critical/serious", A11yFlow.patient_pages),
        Check("summary of the findings left", A11yFlow.summary),
    ], demo_patients=24, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
