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
stopped.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.cookiejar
import os
import re
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from serverkit import Server  # noqa: E402
from smoke_test import NoRedirect, fetch, make_driver  # noqa: E402

WAIT_SECONDS = 15
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

class Accounts:
    def __init__(self, driver, base: str, shots: str, credentials: dict[str, tuple[str, str]]):
        self.driver = driver
        self.base = base
        self.shots = shots
        self.email, self.password = credentials[ROLE]
        self.passed = 0
        self.failed = 0
        self.totp_key: bytes | None = None
        self.setup_code: str | None = None
        self.setup_time: float | None = None
        self.first_session: str | None = None
        self.old_session: str | None = None
        self.sign_in_code: str | None = None

    def check(self, name: str, function) -> bool:
        try:
            detail = function()
        except Exception as error:  # noqa: BLE001 - a failed check must not stop the others
            self.failed += 1
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            print(f"  FAIL  {name}: {message}", flush=True)
            if not isinstance(error, AssertionError):
                traceback.print_exc(limit=3)
            self.screenshot("fail-" + re.sub(r"[^a-z0-9]+", "-", name.lower())[:40] + ".png", quiet=True)
            return False
        self.passed += 1
        print(f"  PASS  {name}" + (f" ({detail})" if detail else ""), flush=True)
        return True

    # helpers ---------------------------------------------------------------------------------

    def path(self) -> str:
        return self.driver.current_url.split(self.base, 1)[-1]

    def url_path(self) -> str:
        return urllib.parse.urlsplit(self.driver.current_url).path

    def wait_ready(self) -> None:
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.wait_ready()

    def wait_for(self, css: str):
        return WebDriverWait(self.driver, WAIT_SECONDS).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def click_and_wait(self, xpath: str) -> None:
        """Click a button and wait for the next page to load."""
        button = self.driver.find_element(By.XPATH, xpath)
        old_html = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.driver, WAIT_SECONDS).until(EC.staleness_of(old_html))
        self.wait_ready()

    def screenshot(self, name: str, quiet: bool = False) -> str | None:
        path = os.path.join(self.shots, name)
        try:
            saved = self.driver.save_screenshot(path)
        except Exception:  # noqa: BLE001
            saved = False
        if not quiet:
            assert saved, f"could not save {path}"
            print(f"  screenshot: {path}", flush=True)
        return path if saved else None

    def session_cookie(self) -> str | None:
        cookie = self.driver.get_cookie("kc_session")
        return cookie.get("value") if cookie else None

    def flash_texts(self) -> list[str]:
        return [e.text.strip() for e in self.driver.find_elements(By.CSS_SELECTOR, ".flash") if e.is_displayed()]

    def submit_password(self, email: str, password: str) -> None:
        if self.url_path() != "/login":
            self.open("/login")
        field = self.wait_for("#email")
        field.clear()
        field.send_keys(email)
        secret = self.driver.find_element(By.ID, "password")
        secret.clear()
        secret.send_keys(password)
        self.click_and_wait("//form//button[normalize-space()='Sign in']")

    def sign_out(self) -> None:
        self.click_and_wait("//form[contains(concat(' ', normalize-space(@class), ' '), ' sign-out ')]"
                            "//button[normalize-space()='Sign out']")

    def assert_signed_in(self) -> str:
        name = self.wait_for(".signed-in .user-name")
        assert name.is_displayed() and name.text.strip(), "no visible .signed-in .user-name"
        return name.text.strip()

    # checks ----------------------------------------------------------------------------------

    def wrong_password_refused(self):
        self.driver.delete_all_cookies()
        self.open("/login")
        self.submit_password(self.email, WRONG_PASSWORD)
        assert self.url_path() == "/login", f"after a wrong password the browser is on {self.path()}"
        error = self.wait_for("#sign-in-error")
        assert error.is_displayed(), "#sign-in-error is not visible"
        assert SIGN_IN_ERROR in error.text, f"#sign-in-error says {error.text.strip()!r}"
        assert self.session_cookie() is None, "a kc_session cookie was set after a wrong password"
        assert not self.driver.find_elements(By.CSS_SELECTOR, ".signed-in"), "a .signed-in header after a wrong password"
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
        self.submit_password(self.email, self.password)
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
        field = self.driver.find_element(By.ID, "code")
        field.clear()
        field.send_keys(self.setup_code)
        self.screenshot("two-factor-setup.png")
        self.click_and_wait("//form//button[normalize-space()='Turn on two-factor sign-in']")
        assert self.url_path() == "/account", f"after turning on two-factor landed on {self.path()}"
        flashes = self.flash_texts()
        assert any(TWO_FACTOR_ON in text for text in flashes), f"flash {flashes!r} lacks {TWO_FACTOR_ON!r}"
        return f"{len(self.totp_key)}-byte key, code {self.setup_code}, flash {flashes[0]!r}"

    def first_sign_out(self):
        self.sign_out()
        assert self.url_path() == "/login", f"after sign-out landed on {self.path()}"
        flashes = self.flash_texts()
        assert any(SIGNED_OUT in text for text in flashes), f"flash {flashes!r} lacks {SIGNED_OUT!r}"
        assert not self.driver.find_elements(By.CSS_SELECTOR, ".signed-in"), "still a .signed-in header"
        self.open("/account")
        assert self.url_path() == "/login", f"/account after sign-out is {self.path()}, not the sign-in page"
        return f"flash {flashes[0]!r}"

    def password_then_two_factor_prompt(self):
        self.open("/login")
        self.submit_password(self.email, self.password)
        assert self.url_path() == "/login/two-factor", \
            f"after the password of a two-factor account landed on {self.path()}, expected /login/two-factor"
        self.wait_for("#code")
        self.driver.find_element(By.XPATH, "//form//button[normalize-space()='Verify']")
        assert not self.driver.find_elements(By.CSS_SELECTOR, ".signed-in"), \
            "signed in (header shown) before the second factor"
        status, headers, _ = fetch(self.base + "/", "kc_session=" + self.session_cookie()) \
            if self.session_cookie() else (None, {}, b"")
        assert status in (None, 303), f"GET / with the half-signed-in cookie answered {status}"
        return f"{self.path()}" + (f"; GET / with its cookie: {status} to {headers.get('location')}" if status else "")

    def replayed_code_refused(self):
        assert self.setup_code, "no set-up code (two-factor set-up failed)"
        field = self.wait_for("#code")
        field.clear()
        field.send_keys(self.setup_code)
        self.click_and_wait("//form//button[normalize-space()='Verify']")
        assert self.url_path() == "/login/two-factor", \
            f"the replayed set-up code {self.setup_code} was accepted: landed on {self.path()}"
        assert not self.driver.find_elements(By.CSS_SELECTOR, ".signed-in"), "signed in with a replayed code"
        errors = [e.text.strip() for e in self.driver.find_elements(
            By.CSS_SELECTOR, ".error-summary, .field-error, [id$='-error'], .flash") if e.text.strip()]
        assert errors, "no error message shown for the replayed code"
        self.screenshot("two-factor-replay.png")
        return f"code {self.setup_code} refused: {errors[0]!r}"

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
        field = self.wait_for("#code")
        field.clear()
        field.send_keys(code)
        self.click_and_wait("//form//button[normalize-space()='Verify']")
        assert self.url_path() == "/", f"after the code landed on {self.path()}, expected /"
        name = self.assert_signed_in()
        self.old_session = self.session_cookie()
        assert self.old_session, "no kc_session cookie after the two-factor sign-in"
        assert self.old_session != self.first_session, "the new sign-in reused the first session's cookie value"
        self.screenshot("signed-in-two-factor.png")
        return f"code {code}, {name!r} shown"

    def old_cookie_works_before_sign_out(self):
        assert self.old_session, "no session cookie recorded"
        status, headers, _ = fetch(self.base + "/", "kc_session=" + self.old_session)
        assert status == 200, f"GET / with the live session cookie answered {status} ({headers.get('location')})"
        return "GET / 200"

    def sign_out_ends_session(self):
        assert self.old_session, "no session cookie recorded"
        self.sign_out()
        assert self.url_path() == "/login", f"after sign-out landed on {self.path()}"
        flashes = self.flash_texts()
        assert any(SIGNED_OUT in text for text in flashes), f"flash {flashes!r} lacks {SIGNED_OUT!r}"
        status, headers, _ = fetch(self.base + "/", "kc_session=" + self.old_session)
        location = headers.get("location", "")
        assert status == 303, f"GET / with the signed-out session's cookie answered {status}, expected 303"
        assert urllib.parse.urlsplit(location).path == "/login", f"the 303 goes to {location!r}, not /login"
        return f"replayed kc_session: {status} to {location}"

    def sign_in_code_not_reusable(self):
        """The code of the last sign-in is still inside the +-1 step window, but already used."""
        assert self.sign_in_code, "no sign-in code recorded"
        self.password_then_two_factor_prompt()
        field = self.wait_for("#code")
        field.clear()
        field.send_keys(self.sign_in_code)
        self.click_and_wait("//form//button[normalize-space()='Verify']")
        assert self.url_path() == "/login/two-factor", \
            f"the code {self.sign_in_code} of the previous sign-in was accepted again: landed on {self.path()}"
        assert not self.driver.find_elements(By.CSS_SELECTOR, ".signed-in"), "signed in with a used code"
        errors = [e.text.strip() for e in self.driver.find_elements(
            By.CSS_SELECTOR, ".error-summary, .field-error, [id$='-error'], .flash") if e.text.strip()]
        assert errors, "no error message shown for the used code"
        return f"code {self.sign_in_code} refused: {errors[0]!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic", help="ketaclinic executable")
    parser.add_argument("--keep", action="store_true", help="keep the server's temp dir (database, log)")
    options = parser.parse_args()

    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        print(f"accounts: {binary} is not an executable", file=sys.stderr)
        print("accounts: 0 passed, 1 failed")
        return 1

    # SIGTERM (e.g. from `timeout`) unwinds through the finally blocks, so the server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = tempfile.mkdtemp(prefix="kc-accounts-")
    shots = tempfile.mkdtemp(prefix="kc-accounts-screenshots-")
    server = None
    driver = None
    accounts = None
    passed = failed = 0
    try:
        server = Server(binary, workdir, f"sqlite:{workdir}/accounts.sqlite", demo=True, demo_patients=5)
        server.start(30, expect_credentials=True)
        print(f"server up at {server.base}", flush=True)
        driver = make_driver()
        print(f"browser: {driver.capabilities.get('browserName')} "
              f"{driver.capabilities.get('browserVersion')}", flush=True)
        accounts = Accounts(driver, server.base, shots, server.credentials)
        a = accounts
        a.check("wrong password: #sign-in-error shown, still on /login, no kc_session", a.wrong_password_refused)
        a.check("wrong password: POST /login answers 401 (urllib)", a.wrong_password_status)
        a.check("administrator signs in with the password and lands on / signed in", a.password_sign_in)
        a.check("two-factor set-up on /account/two-factor with a TOTP code from the shown key",
                a.set_up_two_factor)
        a.check("sign out: on /login with 'You have signed out.'; /account needs sign-in again",
                a.first_sign_out)
        a.check("password sign-in now asks for the code on /login/two-factor", a.password_then_two_factor_prompt)
        a.check("the code used at set-up is refused as a replay", a.replayed_code_refused)
        a.check("the next step's TOTP code signs in: .user-name shown, new session", a.two_factor_sign_in)
        a.check("the session cookie works with urllib before sign-out", a.old_cookie_works_before_sign_out)
        a.check("after sign-out the old kc_session gets 303 to /login (session ended on the server)",
                a.sign_out_ends_session)
        a.check("a code used for one sign-in is refused at the next sign-in", a.sign_in_code_not_reusable)
        passed, failed = a.passed, a.failed
        if failed:
            print(server.log_tail(), flush=True)
    except Exception as error:  # noqa: BLE001
        if accounts is not None:
            passed, failed = accounts.passed, accounts.failed
        failed += 1
        print(f"  FAIL  setup: {error}", flush=True)
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        if server is not None:
            server.stop()
        if options.keep:
            print(f"server files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"screenshots in {shots}")
    print(f"accounts: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
