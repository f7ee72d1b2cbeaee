#!/usr/bin/env python3
"""Browser accounts test: sign-in, two-factor set-up and sign-in, sign-out and session end.

Starts `ketaclinic serve --demo` on a fresh SQLite file and a free loopback port (reading the demo
sign-in details it prints at first start), then, in a real headless Chromium:

  1. signs in as the administrator with a wrong password: the error is shown, the page stays on
     /login, no session cookie is set (and, with urllib, the same POST answers 401);
  2. signs in as the administrator with the right password and lands on / signed in;
  3. sets up two-factor sign-in on /account/two-factor with an RFC 6238 code computed here from the
     key the page shows;
  4. signs out (flash "You have signed out.");
  5. signs in again: password, then /login/two-factor, where the code used at set-up is refused as
     a replay and the code of the next 30-second step is accepted; lands signed in;
  6. signs out again and replays the old kc_session cookie with urllib: GET / must now answer 303
     to /login, because the session ended on the server;
  7. signs in with the password once more and offers the code of the previous sign-in, which
     must be refused as used.

    python3 Tests/Browser/accounts_test.py --binary .build/debug/ketaclinic

Each check prints PASS or FAIL; the last line is `accounts: N passed, M failed`; exits non-zero on
any failure. Screenshots go to a temporary directory whose path is printed. The server is always
stopped. The server, browser and check runner come from browserkit.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.cookiejar
import os
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browserkit import BrowserFlow, Check, NoRedirect, run_flow  # noqa: E402

ROLE = "administrator"
WRONG_PASSWORD = "not-the-password-1234"
SIGN_IN_ERROR = "The email or password is not right"
TWO_FACTOR_ON = "Two-factor sign-in is on."
SIGNED_OUT = "You have signed out."


# --------------------------------------------------------------------------------------------
# RFC 6238 TOTP (SHA-1, 6 digits, 30-second steps)
# --------------------------------------------------------------------------------------------

def key_from_display(text: str) -> bytes:
    """The key as shown in <code id="totp-key">: base32 in groups of 4 separated by spaces."""
    compact = re.sub(r"\s+", "", text).upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def totp(key: bytes, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------

class Accounts(BrowserFlow):
    def __init__(self, *args):
        super().__init__(*args)
        self.email, self.password = self.credentials[ROLE]
        self.totp_key: bytes | None = None
        self.setup_code: str | None = None
        self.setup_time: float | None = None
        self.first_session: str | None = None
        self.old_session: str | None = None
        self.sign_in_code: str | None = None

    # helpers ---------------------------------------------------------------------------------

    def enter_code(self, code: str) -> None:
        """Type a code into /login/two-factor's #code field and press Verify."""
        self.fill("#code", code)
        self.submit("Verify")

    def assert_code_refused(self, code: str, accepted: str, kind: str) -> str:
        """Offer `code` on /login/two-factor and assert it is refused: still on that page, not
        signed in, an error message shown (returned). `accepted` starts the failure message if
        the code got through; `kind` ("replayed", "used") names the code in the others."""
        self.enter_code(code)
        assert self.url_path() == "/login/two-factor", f"{accepted}: landed on {self.path()}"
        assert not self.signed_in_header_shown(), f"signed in with a {kind} code"
        errors = [e.text.strip() for e in self.driver.find_elements(
            By.CSS_SELECTOR, ".error-summary, .field-error, [id$='-error'], .flash") if e.text.strip()]
        assert errors, f"no error message shown for the {kind} code"
        return errors[0]

    # checks ----------------------------------------------------------------------------------

    def wrong_password_refused(self):
        self.driver.delete_all_cookies()
        self.open("/login")
        self.sign_in(self.email, WRONG_PASSWORD)
        assert self.url_path() == "/login", f"after a wrong password the browser is on {self.path()}"
        error = self.wait_for("#sign-in-error")
        assert error.is_displayed(), "#sign-in-error is not visible"
        assert SIGN_IN_ERROR in error.text, f"#sign-in-error says {error.text.strip()!r}"
        assert self.session_cookie() is None, "a kc_session cookie was set after a wrong password"
        assert not self.signed_in_header_shown(), "a .signed-in header after a wrong password"
        self.screenshot("wrong-password.png")
        return f"{error.text.strip()!r}"

    def wrong_password_status(self):
        """The same refusal through urllib, to see the status code (Selenium cannot)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        with opener.open(self.base + "/login", timeout=10) as response:
            page = response.read().decode()
        match = re.search(r'name="_csrf" value="([^"]+)"', page)
        assert match, "no _csrf field on GET /login"
        body = urllib.parse.urlencode({"_csrf": match.group(1), "email": self.email,
                                       "password": WRONG_PASSWORD}).encode()
        try:
            with opener.open(self.base + "/login", body, timeout=10) as response:
                status, page = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, page = error.code, error.read().decode()
        assert status == 401, f"POST /login with a wrong password answered {status}, expected 401"
        assert 'id="sign-in-error"' in page and SIGN_IN_ERROR in page, "the 401 page lacks #sign-in-error"
        assert not any(c.name == "kc_session" for c in jar), "the 401 set a kc_session cookie"
        return "401, no kc_session"

    def password_sign_in(self):
        self.sign_in(self.email, self.password)
        assert self.url_path() == "/", f"after sign-in landed on {self.path()}, expected /"
        name = self.assert_signed_in()
        self.first_session = self.session_cookie()
        assert self.first_session, "no kc_session cookie after sign-in"
        return f"{self.email} as {name!r}"

    def set_up_two_factor(self):
        self.open("/account")
        assert self.url_path() == "/account", f"/account ended on {self.path()}"
        self.open("/account/two-factor")
        assert self.url_path() == "/account/two-factor", f"/account/two-factor ended on {self.path()}"
        shown = self.wait_for("code#totp-key").text.strip()
        assert re.fullmatch(r"[A-Z2-7]{1,4}( [A-Z2-7]{1,4})*", shown), f"#totp-key {shown!r} is not grouped base32"
        self.totp_key = key_from_display(shown)
        hidden = self.driver.find_elements(By.CSS_SELECTOR, "form input[type=hidden][name=secret]")
        assert hidden, "no hidden secret field"
        self.setup_time = time.time()
        self.setup_code = totp(self.totp_key, self.setup_time)
        self.fill("#code", self.setup_code)
        self.screenshot("two-factor-setup.png")
        self.submit("Turn on two-factor sign-in")
        assert self.url_path() == "/account/two-factor", f"after turning on two-factor landed on {self.path()}"
        flashes = self.flash_texts()
        assert any(TWO_FACTOR_ON in text for text in flashes), f"flash {flashes!r} lacks {TWO_FACTOR_ON!r}"
        codes = [e.text.strip() for e in self.driver.find_elements(By.CSS_SELECTOR, "ol.recovery-codes code")]
        assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", c) for c in codes), \
            f"expected ten recovery codes shown once, got {codes!r}"
        self.screenshot("two-factor-recovery-codes.png")
        return f"{len(self.totp_key)}-byte key, code {self.setup_code}, flash {flashes[0]!r}, {len(codes)} recovery codes"

    def first_sign_out(self):
        self.sign_out()
        assert self.url_path() == "/login", f"after sign-out landed on {self.path()}"
        flashes = self.flash_texts()
        assert any(SIGNED_OUT in text for text in flashes), f"flash {flashes!r} lacks {SIGNED_OUT!r}"
        assert not self.signed_in_header_shown(), "still a .signed-in header"
        self.open("/account")
        assert self.url_path() == "/login", f"/account after sign-out is {self.path()}, not the sign-in page"
        return f"flash {flashes[0]!r}"

    def password_then_two_factor_prompt(self):
        self.open("/login")
        self.sign_in(self.email, self.password)
        assert self.url_path() == "/login/two-factor", \
            f"after the password of a two-factor account landed on {self.path()}, expected /login/two-factor"
        self.wait_for("#code")
        self.driver.find_element(By.XPATH, "//form//button[normalize-space()='Verify']")
        assert not self.signed_in_header_shown(), \
            "signed in (header shown) before the second factor"
        status, headers, _ = self.fetch_as("/", self.session_cookie()) \
            if self.session_cookie() else (None, {}, b"")
        assert status in (None, 303), f"GET / with the half-signed-in cookie answered {status}"
        return f"{self.path()}" + (f"; GET / with its cookie: {status} to {headers.get('location')}" if status else "")

    def replayed_code_refused(self):
        assert self.setup_code, "no set-up code (two-factor set-up failed)"
        error = self.assert_code_refused(
            self.setup_code, f"the replayed set-up code {self.setup_code} was accepted", "replayed")
        self.screenshot("two-factor-replay.png")
        return f"code {self.setup_code} refused: {error!r}"

    def two_factor_sign_in(self):
        assert self.totp_key, "no key (two-factor set-up failed)"
        if self.url_path() != "/login/two-factor":
            # The replay check above failed open and signed in: start again from a signed-out state.
            if self.driver.find_elements(By.CSS_SELECTOR, ".signed-in form.sign-out"):
                self.sign_out()
            self.password_then_two_factor_prompt()
        # The set-up code's step is used up; the server accepts +-1 step, so the next step's code is
        # valid now and cannot be a replay.
        code = totp(self.totp_key, time.time() + 30)
        self.sign_in_code = code
        self.enter_code(code)
        assert self.url_path() == "/", f"after the code landed on {self.path()}, expected /"
        name = self.assert_signed_in()
        self.old_session = self.session_cookie()
        assert self.old_session, "no kc_session cookie after the two-factor sign-in"
        assert self.old_session != self.first_session, "the new sign-in reused the first session's cookie value"
        self.screenshot("signed-in-two-factor.png")
        return f"code {code}, {name!r} shown"

    def old_cookie_works_before_sign_out(self):
        assert self.old_session, "no session cookie recorded"
        status, headers, _ = self.fetch_as("/", self.old_session)
        assert status == 200, f"GET / with the live session cookie answered {status} ({headers.get('location')})"
        return "GET / 200"

    def sign_out_ends_session(self):
        assert self.old_session, "no session cookie recorded"
        self.sign_out()
        assert self.url_path() == "/login", f"after sign-out landed on {self.path()}"
        flashes = self.flash_texts()
        assert any(SIGNED_OUT in text for text in flashes), f"flash {flashes!r} lacks {SIGNED_OUT!r}"
        status, headers, _ = self.fetch_as("/", self.old_session)
        location = headers.get("location", "")
        assert status == 303, f"GET / with the signed-out session's cookie answered {status}, expected 303"
        assert urllib.parse.urlsplit(location).path == "/login", f"the 303 goes to {location!r}, not /login"
        return f"replayed kc_session: {status} to {location}"

    def sign_in_code_not_reusable(self):
        """The code of the last sign-in is still inside the +-1 step window, but already used."""
        assert self.sign_in_code, "no sign-in code recorded"
        self.password_then_two_factor_prompt()
        error = self.assert_code_refused(
            self.sign_in_code, f"the code {self.sign_in_code} of the previous sign-in was accepted again", "used")
        return f"code {self.sign_in_code} refused: {error!r}"


CHECKS = [
    Check("wrong password: #sign-in-error shown, still on /login, no kc_session", Accounts.wrong_password_refused),
    Check("wrong password: POST /login answers 401 (urllib)", Accounts.wrong_password_status),
    Check("administrator signs in with the password and lands on / signed in", Accounts.password_sign_in),
    Check("two-factor set-up on /account/two-factor with a TOTP code from the shown key",
          Accounts.set_up_two_factor),
    Check("sign out: on /login with 'You have signed out.'; /account needs sign-in again",
          Accounts.first_sign_out),
    Check("password sign-in now asks for the code on /login/two-factor",
          Accounts.password_then_two_factor_prompt),
    Check("the code used at set-up is refused as a replay", Accounts.replayed_code_refused),
    Check("the next step's TOTP code signs in: .user-name shown, new session", Accounts.two_factor_sign_in),
    Check("the session cookie works with urllib before sign-out", Accounts.old_cookie_works_before_sign_out),
    Check("after sign-out the old kc_session gets 303 to /login (session ended on the server)",
          Accounts.sign_out_ends_session),
    Check("a code used for one sign-in is refused at the next sign-in", Accounts.sign_in_code_not_reusable),
]


def main() -> int:
    return run_flow("accounts", Accounts, CHECKS, demo_patients=5, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
