"""Browser test of the pharmacokinetic preview: the demo prescriber opens Dosing → PK preview (or
/dosing/pk directly while /dosing does not exist), sees the inline SVG chart with the 40 and 100
minute series and the band associated with dissociation, changes the weight and sees the peak
change, gets a field error for an impossible weight, sees the APPROXIMATE banner on the
esketamine view, and finds the chart fitting a phone screen.

Run: python3 Tests/Browser/pk_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browserkit import BrowserFlow, Check, run_flow


class PKPreviewFlow(BrowserFlow):
    first_cmax: str | None = None
    expected_console_reason = "for the intended 422"

    def expected_console_entry(self, entry: dict) -> bool:
        """Chromium logs any 4xx document as a SEVERE "Failed to load resource". The 422 that
        re-renders the preview form with the weight error is intended; nothing else is."""
        message = entry.get("message", "")
        return message.startswith(f"{self.base}/dosing/pk?") and "Failed to load resource" in message and \
            "status of 422" in message

    def cmax_cells(self) -> list[str]:
        return [cell.text.strip() for cell in self.driver.find_elements(By.CSS_SELECTOR, "table.pk-summary td.pk-cmax")]

    def open_preview(self):
        self.sign_in(*self.credentials["prescriber"])
        self.assert_signed_in()
        status, _, _ = self.fetch_as("/dosing", self.session_cookie())
        if status == 200:
            self.open("/dosing")
            self.click_and_wait("//main//a[@href='/dosing/pk']")
        else:
            self.open("/dosing/pk")
        assert self.url_path() == "/dosing/pk", f"not on the preview: {self.path()}"
        return "via /dosing" if status == 200 else f"/dosing answered {status}; opened /dosing/pk directly"

    def chart_shows_two_series_and_band(self):
        svg = self.wait_for("figure.pk-chart svg[role='img']")
        paths = svg.find_elements(By.CSS_SELECTOR, "g.pk-series path")
        assert len(paths) == 2, f"expected 2 series, found {len(paths)}"
        assert svg.find_elements(By.CSS_SELECTOR, "g.pk-band rect"), "no band"
        band = svg.find_element(By.CSS_SELECTOR, "g.pk-band text").text
        assert "dissociation" in band, f"band label: {band!r}"
        legend = svg.find_element(By.CSS_SELECTOR, "g.pk-legend").text
        assert "40 min infusion" in legend and "100 min infusion" in legend, f"legend: {legend!r}"
        size = svg.size
        assert size["width"] > 300 and size["height"] > 150, f"chart too small: {size}"
        self.first_cmax = self.cmax_cells()[0]
        self.screenshot("pk-default.png")
        return f"Cmax {self.first_cmax} ng/mL for 40 min"

    def change_weight(self):
        self.fill("#weightKg", "90")
        self.submit("Show preview")
        assert "weightKg=90" in self.path(), f"the query is not in the URL: {self.path()}"
        self.wait_for("figure.pk-chart svg")
        cmax = self.cmax_cells()[0]
        assert cmax != self.first_cmax, f"Cmax did not change: {cmax}"
        assert float(cmax) < float(self.first_cmax), f"a heavier patient should have a lower peak: {cmax} vs {self.first_cmax}"
        return f"Cmax {self.first_cmax} → {cmax} ng/mL"

    def impossible_weight(self):
        self.fill("#weightKg", "7")
        self.submit("Show preview")
        error = self.wait_for("#weightKg-error").text
        assert "25 and 350 kg" in error, f"error: {error!r}"
        assert not self.driver.find_elements(By.CSS_SELECTOR, "figure.pk-chart"), "a chart was drawn for invalid input"
        return error.splitlines()[-1]

    def esketamine_banner(self):
        self.open("/dosing/pk")
        Select(self.wait_for("select[name='treatment']")).select_by_value("esketamine")
        Select(self.wait_for("select[name='devices']")).select_by_value("3")
        self.submit("Show preview")
        banner = self.wait_for(".pk-approximate").text
        assert "Approximate" in banner and "not weight-scaled" in banner, f"banner: {banner!r}"
        paths = self.driver.find_elements(By.CSS_SELECTOR, "figure.pk-chart g.pk-series path")
        assert len(paths) == 1, f"expected 1 series, found {len(paths)}"
        assert "84 mg" in self.driver.find_element(By.TAG_NAME, "main").text
        return "banner shown for 84 mg"

    def phone_width(self):
        self.driver.set_window_size(390, 844)
        try:
            self.open("/dosing/pk")
            self.wait_for("figure.pk-chart svg")
            inner, scroll = self.driver.execute_script(
                "return [window.innerWidth, document.documentElement.scrollWidth]")
            assert scroll <= inner, f"horizontal scroll on a phone: scrollWidth {scroll} > innerWidth {inner}"
            width = self.driver.find_element(By.CSS_SELECTOR, "figure.pk-chart svg").size["width"]
            assert width > 250, f"chart only {width}px wide"
            return f"innerWidth {inner}, scrollWidth {scroll}, chart {width}px"
        finally:
            self.driver.set_window_size(1280, 900)

    def no_console_errors(self):
        return self.console_clean("the preview pages")


CHECKS = [
    Check("prescriber opens the PK preview", PKPreviewFlow.open_preview, required="the other checks need the page"),
    Check("the chart shows two series and the dissociation band", PKPreviewFlow.chart_shows_two_series_and_band),
    Check("changing the weight updates Cmax", PKPreviewFlow.change_weight),
    Check("an impossible weight gets a field error", PKPreviewFlow.impossible_weight),
    Check("the esketamine view shows the approximate banner", PKPreviewFlow.esketamine_banner),
    Check("phone width: the chart fits without horizontal scroll", PKPreviewFlow.phone_width),
    Check("no browser console errors", PKPreviewFlow.no_console_errors),
]


def main() -> int:
    return run_flow("pk", PKPreviewFlow, CHECKS, demo_patients=1, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
