"""Browser test of billing: the front desk opens a demo patient's account, captures the charges
of a discharged (signed) session that was not billed yet, sees its superbill with provider NPI,
tax id, place of service, diagnosis pointer, codes, units and charges, downloads nothing but
checks the CSV link, then records a payment: first refused (more than the balance, a card number
as reference) with the errors beside the fields, then recorded, and the statement's balance falls
by the amount. The account keeps the demo's Good Faith Estimate, the reports page shows A/R ageing,
and the 835 import form is there. A nurse is refused the billing pages.

Run: python3 Tests/Browser/billing_test.py [--binary .build/debug/ketaclinic] [--keep]
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browserkit import BrowserFlow, Check, run_flow


def dollars(text: str) -> Decimal:
    """'$1,234.50' (or '$12.00 credit') as a Decimal; a credit is negative."""
    value = Decimal(re.sub(r"[^0-9.]", "", text.split()[0]))
    return -value if "credit" in text else value


class BillingFlow(BrowserFlow):
    account: str | None = None
    superbill: str | None = None
    balance_before: Decimal | None = None
    expected_console_reason = "for the intended 422 of a refused payment and the nurse's 403"

    def expected_console_entry(self, entry: dict) -> bool:
        message = entry.get("message", "")
        return "Failed to load resource" in message and ("status of 422" in message or "status of 403" in message)

    def open_account(self):
        self.sign_in(*self.credentials["front_desk"])
        self.assert_signed_in()
        self.open("/billing")
        link = self.driver.find_element(By.XPATH, "//table[contains(@class,'billing-accounts')]//a[contains(., 'Relapse')]")
        link.click()
        self.wait_ready()
        assert re.fullmatch(r"/billing/patients/[0-9a-f-]{36}", self.url_path()), self.url_path()
        self.account = self.url_path()
        self.balance_before = dollars(self.wait_for("#summary-balance").text)
        return f"balance {self.balance_before}"

    def capture_signed_session(self):
        rows = self.driver.find_elements(By.CSS_SELECTOR, "table.billing-sessions tbody tr")
        target = next((row for row in rows if "Discharged" in row.text and "Capture charges" in row.text), None)
        assert target is not None, "a discharged session not billed yet: " + " | ".join(row.text for row in rows)
        target.find_element(By.LINK_TEXT, "Capture charges").click()
        self.wait_ready()
        self.superbill = self.url_path()
        Select(self.wait_for("#payer")).select_by_value("self-pay")
        self.submit("Capture charges")
        assert any("captured" in text for text in self.flash_texts()), self.flash_texts()
        return self.flash_texts()[0]

    def superbill_shows_what_an_insurer_needs(self):
        text = self.wait_for(".superbill").text
        for expected in ["1234567893", "12-3456789", "1993999998", "Place of service 11", "F33.2", "96365", "J3490"]:
            assert expected in text, f"{expected} missing from the superbill"
        row = self.wait_for("table.superbill-lines tbody tr").text
        assert " A " in f" {row} ", f"diagnosis pointer A on the line: {row}"
        total = dollars(self.wait_for("#superbill-total").text)
        assert total > 0, total
        csv = self.driver.find_element(By.LINK_TEXT, "Download CSV").get_attribute("href")
        assert csv.endswith("/superbill.csv"), csv
        assert self.driver.find_elements(By.CSS_SELECTOR, "button[data-print]"), "a print button"
        self.screenshot("billing-superbill.png")
        return f"total {total}"

    def payment_refused_then_recorded(self):
        self.open(self.account)
        balance = dollars(self.wait_for("#summary-balance").text)
        assert balance > self.balance_before, "the captured charges raised the balance"
        Select(self.wait_for("#kind")).select_by_value("payment")
        self.fill("#amount", str(balance + 1000))
        Select(self.wait_for("#method")).select_by_value("card")
        self.fill("#reference", "4111 1111 1111 1111")
        self.submit("Record")
        assert "more than the balance" in self.wait_for("#amount-error").text
        assert "card number" in self.wait_for("#reference-error").text
        self.fill("#amount", "125.00")
        self.fill("#reference", "TERM-7781-0099")
        self.submit("Record")
        assert any("Payment of $125.00 recorded" in text for text in self.flash_texts()), self.flash_texts()
        after = dollars(self.wait_for("#summary-balance").text)
        assert after == balance - Decimal("125.00"), (balance, after)
        assert "TERM-7781-0099" in self.wait_for("table.ledger").text
        self.screenshot("billing-statement.png")
        return f"balance {balance} → {after}"

    def estimate_reports_and_remittances(self):
        self.open(self.account)
        estimates = self.wait_for("table.estimates").text
        assert "$2,700.00" in estimates, f"the demo's Good Faith Estimate on the account: {estimates}"
        self.open("/billing/reports")
        ageing = self.wait_for("#report-ageing").text
        assert "Relapse" in ageing and "Over 90" in ageing, ageing
        csv = self.driver.find_element(By.LINK_TEXT, "Download CSV").get_attribute("href")
        assert "/billing/reports.csv?" in csv, csv
        self.open("/billing/remittances")
        assert self.wait_for("#remittance-form textarea#x12"), "the 835 import form"
        return "estimate, A/R ageing, remittance form"

    def nurse_sees_no_money(self):
        self.sign_out()
        self.sign_in(*self.credentials["nurse"])
        self.assert_signed_in()
        links = [a.get_attribute("href") for a in self.driver.find_elements(By.CSS_SELECTOR, "header nav a")]
        assert not any(link and link.endswith("/billing") for link in links), f"no Billing entry for a nurse: {links}"
        self.open("/billing")
        assert "Fee schedule" not in self.wait_for("body").text, "the nurse is refused"
        return "refused"

    def no_console_errors(self):
        return self.console_clean("the billing pages")


CHECKS = [
    Check("the front desk opens a demo patient's account", BillingFlow.open_account, required="the account is needed"),
    Check("a discharged session's charges are captured by rule", BillingFlow.capture_signed_session, required="the superbill needs charges"),
    Check("the superbill shows provider, NPI, tax id, place of service, diagnosis pointer, codes and charges",
          BillingFlow.superbill_shows_what_an_insurer_needs),
    Check("a payment is refused with field errors, then recorded; the balance falls by it", BillingFlow.payment_refused_then_recorded),
    Check("the account keeps the Good Faith Estimate; the reports show A/R ageing; the 835 import form is there",
          BillingFlow.estimate_reports_and_remittances),
    Check("a nurse sees no money", BillingFlow.nurse_sees_no_money),
    Check("no browser console errors", BillingFlow.no_console_errors),
]


def main() -> int:
    return run_flow("billing", BillingFlow, CHECKS, demo_patients=24, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
