"""Browser test of the clinic outcome report: a prescriber opens Outcomes from the navigation, sees
the cohort with its exclusions, the measures with their sources and published figures, and the SVG
charts (waterfall, response per cohort, Kaplan–Meier curves with numbers at risk); narrows the
cohort to esketamine; an inverted date range re-renders the form with the error beside the field and
no chart; a filter that matches nothing says so instead of drawing an empty plot; the CSV export
downloads with small cells suppressed; an administrator sets the network's clinics side by side with the
network total (one clinic on SQLite); a front-desk user is refused.

Run: python3 Tests/Browser/outcomes_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browserkit import BrowserFlow, Check, run_flow


class OutcomesFlow(BrowserFlow):
    expected_console_reason = "for the intended 422 of an invalid filter"

    def expected_console_entry(self, entry: dict) -> bool:
        """Chromium logs each 4xx document as SEVERE; the 422 of an invalid filter and the 403 are intended."""
        message = entry.get("message", "")
        return "Failed to load resource" in message and ("status of 422" in message or "status of 403" in message)

    def svg_count(self, css: str) -> int:
        return len(self.driver.find_elements(By.CSS_SELECTOR, css))

    def open_from_navigation(self):
        self.sign_in(*self.credentials["prescriber"])
        self.assert_signed_in()
        self.open("/")
        self.driver.find_element(By.LINK_TEXT, "Outcomes").click()
        self.wait_ready()
        assert self.url_path() == "/outcomes", self.path()
        cohort = self.wait_for("#outcome-cohort").text
        assert "counted" in cohort and "course" in cohort, cohort
        return cohort.splitlines()[1]

    def measures_with_sources_and_benchmarks(self):
        table = self.wait_for("#outcome-measures").text
        for needed in ["Response", "Remission", "Relapse after response", "Duration of effect", "Dropout", "R55-ELEKT", "R55-T2"]:
            assert needed in table, f"{needed} missing from the measures table"
        return table.splitlines()[2][:120]

    def charts_drawn(self):
        assert self.svg_count("#outcome-waterfall svg[role='img']") == 1, "waterfall"
        assert self.svg_count("#outcome-rates svg[role='img']") >= 2, "rates per cohort"
        km = self.driver.find_elements(By.CSS_SELECTOR, "#outcome-survival figure.oc-km")
        assert len(km) >= 3, "Kaplan–Meier figures"
        svg = km[0].find_element(By.CSS_SELECTOR, "svg")
        assert "At risk" in svg.get_attribute("innerHTML"), "numbers at risk under the curve"
        assert svg.find_elements(By.CSS_SELECTOR, "path.oc-band"), "the 95% band"
        logrank = self.wait_for("#logrank-result").text
        assert "Log-rank" in logrank or "No log-rank" in logrank, logrank
        self.screenshot("outcomes-report", quiet=True)
        return logrank

    def narrow_to_esketamine(self):
        Select(self.wait_for("#treatment")).select_by_value("esketamine")
        self.submit("Show outcomes")
        assert "treatment=esketamine" in self.driver.current_url, self.driver.current_url
        rates = self.wait_for("#outcome-rates").text
        assert "IV ketamine" not in rates, "the IV cohort is filtered out"
        return self.wait_for("#outcome-cohort").text.splitlines()[1]

    def inverted_range_is_refused(self):
        self.open("/outcomes?from=2026-06-30&to=2026-01-01")
        error = self.wait_for(".field.has-error").text
        assert "starts after it ends" in error, error
        assert self.svg_count("svg.outcome-svg") == 0, "no chart drawn for a refused filter"
        return error.splitlines()[-1]

    def empty_cohort_says_so(self):
        self.open("/outcomes?from=2001-01-01&to=2001-01-31")
        notice = self.wait_for("#outcome-empty").text
        assert "No course" in notice, notice
        assert self.svg_count("svg.outcome-svg") == 0, "no empty plot"
        return notice.splitlines()[0]

    def csv_export_suppressed(self):
        status, headers, body = self.fetch_as("/outcomes/export.csv?from=2025-01-01", self.session_cookie())
        assert status == 200, status
        text = body.decode()
        assert text.startswith("section,dimension,value,label,measure"), text[:80]
        assert "Counts from 1 to 10 are suppressed" in text
        for line in text.splitlines()[1:]:
            cells = line.split(",")
            if cells[0] in ("cohort-rate",) and cells[5].isdigit():
                assert int(cells[5]) == 0 or int(cells[5]) >= 11, line
        return f"{len(text.splitlines())} lines"

    def administrator_compares_network(self):
        self.sign_out()
        self.sign_in(*self.credentials["administrator"])
        self.open("/outcomes/network?from=2025-01-01")
        table = self.wait_for("#network-figures").text
        for needed in ["Demo Ketamine Clinic", "Network total", "Response", "Remission", "R55-ELEKT"]:
            assert needed in table, f"{needed} missing from the network table"
        assert self.svg_count("#network-rates svg[role='img']") == 2, "response and remission by clinic"
        Select(self.wait_for("#treatment")).select_by_value("iv-ketamine")
        self.submit("Compare clinics")
        assert "treatment=iv-ketamine" in self.driver.current_url, self.driver.current_url
        rates = self.wait_for("#network-rates").text
        assert "Choose one treatment" not in rates, "published figures are drawn for one treatment"
        self.screenshot("outcomes-network.png", quiet=True)
        self.open("/outcomes/network?from=2026-06-30&to=2026-01-01")
        error = self.wait_for(".field.has-error").text
        assert "starts after it ends" in error, error
        return table.splitlines()[0][:120]

    def front_desk_refused(self):
        self.sign_out()
        self.sign_in(*self.credentials["front_desk"])
        status, _, _ = self.fetch_as("/outcomes", self.session_cookie())
        assert status == 403, status
        assert not self.driver.find_elements(By.LINK_TEXT, "Outcomes"), "no Outcomes entry for the front desk"
        return "403"

    def no_console_errors(self):
        return self.console_clean("the outcomes pages")


CHECKS = [
    Check("a prescriber opens Outcomes from the navigation", OutcomesFlow.open_from_navigation, required="the page is needed"),
    Check("measures carry definitions, sources and published figures", OutcomesFlow.measures_with_sources_and_benchmarks),
    Check("waterfall, rates per cohort and Kaplan–Meier charts with bands and numbers at risk", OutcomesFlow.charts_drawn),
    Check("the cohort narrows to esketamine", OutcomesFlow.narrow_to_esketamine),
    Check("an inverted date range is refused beside the field, with no chart", OutcomesFlow.inverted_range_is_refused),
    Check("an empty cohort says so instead of drawing an empty plot", OutcomesFlow.empty_cohort_says_so),
    Check("the CSV export suppresses small cells", OutcomesFlow.csv_export_suppressed),
    Check("an administrator sets the network's clinics side by side with the total", OutcomesFlow.administrator_compares_network),
    Check("the front desk is refused", OutcomesFlow.front_desk_refused),
    Check("no browser console errors", OutcomesFlow.no_console_errors),
]


def main() -> int:
    return run_flow("outcomes", OutcomesFlow, CHECKS, demo_patients=600, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
