"""What the browser tests share: urllib requests that do not follow redirects, a headless Chromium,
a `BrowserFlow` base class (the check runner and the page helpers) and `run_flow`, the command line
every browser test has.

A flow test subclasses `BrowserFlow`, writes its checks as methods that raise (normally with
`assert`) on failure and may return a short detail string, and hands them to `run_flow`:

    class Billing(BrowserFlow):
        def invoice_list(self):
            self.sign_in(*self.credentials["front_desk"])
            self.open("/invoices")
            ...
            return "12 invoices"

    def main() -> int:
        return run_flow("billing", Billing, [
            Check("front desk sees the invoice list", Billing.invoice_list),
        ], demo_patients=5, description=__doc__)

`run_flow` starts `ketaclinic serve --demo` (bench/serverkit.py's `Server`) on a fresh SQLite file
and a free loopback port, runs the checks in order in a real headless Chromium, prints each as
`  PASS  name (detail)` or `  FAIL  name: message` (saving a screenshot of the failure), and ends
with `NAME: N passed, M failed`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import traceback
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, NamedTuple, Sequence

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from serverkit import Server  # noqa: E402

WAIT_SECONDS = 15
SESSION_COOKIE = "kc_session"


# --------------------------------------------------------------------------------------------
# urllib
# --------------------------------------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let urllib return a 3xx as it is instead of following it."""
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: (status, lower-cased headers, body)."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


# --------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------

def make_driver() -> webdriver.Chrome:
    """Headless Chromium at 1280x900 that keeps the browser console log."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--disable-gpu", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking"):
        options.add_argument(argument)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if os.path.exists(chromium):
        options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chromedriver = "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") \
        else shutil.which("chromedriver")
    service = Service(chromedriver) if chromedriver else Service()
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


class BrowserFlow:
    """One browser session against one server. Subclasses add the checks (methods that raise on
    failure and may return a detail string) and any state they pass from one check to the next."""

    # Extra words for console_clean's detail when expected_console_entry ignored some entries.
    expected_console_reason = "as expected"

    def __init__(self, driver: webdriver.Chrome, base: str, shots: str,
                 credentials: dict[str, tuple[str, str]]):
        self.driver = driver
        self.base = base
        self.shots = shots
        self.credentials = credentials  # {role: (email, password)} of the demo accounts
        self.passed = 0
        self.failed = 0
        self.console: list[dict] = []

    def check(self, name: str, function: Callable[[], object]) -> bool:
        """Run one check: PASS with its detail, or FAIL with the first line of the error (and a
        traceback unless it is an AssertionError) and a screenshot. Never raises."""
        try:
            detail = function()
        except Exception as error:  # noqa: BLE001 - a failed check must not stop the others
            self.failed += 1
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            print(f"  FAIL  {name}: {message}", flush=True)
            if not isinstance(error, AssertionError):
                traceback.print_exc(limit=3)
            shot = self.screenshot("fail-" + re.sub(r"[^a-z0-9]+", "-", name.lower())[:40] + ".png", quiet=True)
            if shot:
                print(f"  screenshot: {shot}", flush=True)
            return False
        self.passed += 1
        print(f"  PASS  {name}" + (f" ({detail})" if detail else ""), flush=True)
        return True

    # where the browser is --------------------------------------------------------------------

    def path(self) -> str:
        """The current URL without the server's base (path, query and fragment)."""
        return self.driver.current_url.split(self.base, 1)[-1]

    def url_path(self) -> str:
        """The current URL's path alone."""
        return urllib.parse.urlsplit(self.driver.current_url).path

    # loading and finding ---------------------------------------------------------------------

    def wait_ready(self) -> None:
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def open(self, path: str) -> None:
        """Load base + path and wait until the document is complete."""
        self.driver.get(self.base + path)
        self.wait_ready()

    def wait_for(self, css: str):
        """The first element matching `css`, once present."""
        return WebDriverWait(self.driver, WAIT_SECONDS).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def fill(self, css: str, text: str):
        """Wait for the field matching `css`, clear it and type `text` into it."""
        field = self.wait_for(css)
        field.clear()
        field.send_keys(text)
        return field

    def set_date(self, css: str, iso: str):
        """Set a type=date input: send_keys depends on the locale's field order, so set it directly."""
        element = self.wait_for(css)
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            element, iso)
        assert element.get_attribute("value") == iso, f"could not set {css} to {iso}"
        return element

    def click_and_wait(self, xpath: str) -> None:
        """Click the element at `xpath` and wait for the next page to load."""
        button = self.driver.find_element(By.XPATH, xpath)
        old_html = self.driver.find_element(By.TAG_NAME, "html")
        button.click()

        def old_page_gone(_driver) -> bool:
            # While the next page replaces the old one, asking about the old node can fail with a
            # stale reference or, mid-navigation, with an inspector error: both mean it is gone.
            try:
                old_html.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, WAIT_SECONDS).until(old_page_gone)
        self.wait_ready()

    def submit(self, label: str) -> None:
        """Click the form button labelled `label` and wait for the next page."""
        self.click_and_wait(f"//form//button[normalize-space()='{label}']")

    def screenshot(self, name: str, quiet: bool = False) -> str | None:
        """Save a screenshot as shots/name. Loud (the default): assert it was saved and print its
        path. Quiet: return the path, or None if it could not be saved."""
        path = os.path.join(self.shots, name)
        try:
            saved = self.driver.save_screenshot(path)
        except Exception:  # noqa: BLE001
            saved = False
        if not quiet:
            assert saved, f"could not save {path}"
            print(f"  screenshot: {path}", flush=True)
        return path if saved else None

    def flash_texts(self) -> list[str]:
        """The texts of the visible .flash messages."""
        return [e.text.strip() for e in self.driver.find_elements(By.CSS_SELECTOR, ".flash") if e.is_displayed()]

    # session ---------------------------------------------------------------------------------

    def session_cookie(self) -> str | None:
        """The browser's kc_session value, or None."""
        cookie = self.driver.get_cookie(SESSION_COOKIE)
        return cookie.get("value") if cookie else None

    def fetch_as(self, path: str, session: str | None) -> tuple[int, dict[str, str], bytes]:
        """`fetch` base + path with urllib, sending `session` as the kc_session cookie if given."""
        return fetch(self.base + path, f"{SESSION_COOKIE}={session}" if session else None)

    def signed_in_header_shown(self) -> bool:
        """Whether the page has the signed-in header (.signed-in)."""
        return bool(self.driver.find_elements(By.CSS_SELECTOR, ".signed-in"))

    def assert_signed_in(self) -> str:
        """Assert the header shows a visible .signed-in .user-name; return the name."""
        name = self.wait_for(".signed-in .user-name")
        assert name.is_displayed() and name.text.strip(), "no visible .signed-in .user-name"
        return name.text.strip()

    def sign_in(self, email: str, password: str, next_path: str | None = None) -> None:
        """Fill in and submit the /login form (opening /login, with ?next=next_path when given,
        unless the browser is on it already). Asserts nothing about the outcome: the caller
        checks where it landed."""
        if self.url_path() != "/login":
            self.open("/login" + (f"?next={urllib.parse.quote(next_path, safe='')}" if next_path else ""))
        self.fill("#email", email)
        self.fill("#password", password)
        self.submit("Sign in")

    def sign_out(self) -> None:
        """Press the header's Sign out button and wait for the next page."""
        self.click_and_wait("//form[contains(concat(' ', normalize-space(@class), ' '), ' sign-out ')]"
                            "//button[normalize-space()='Sign out']")

    # browser console -------------------------------------------------------------------------

    def drain_console(self) -> list[dict]:
        """The browser console entries since the last drain (all of them are kept in .console)."""
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        return entries

    def expected_console_entry(self, entry: dict) -> bool:
        """Whether a SEVERE console entry is intended (override in a flow); none is by default."""
        return False

    def console_clean(self, where: str) -> str:
        """Check: no SEVERE console entries since the last drain, but the expected ones."""
        entries = self.drain_console()
        severe = [e for e in entries if e.get("level") == "SEVERE"]
        unexpected = [e for e in severe if not self.expected_console_entry(e)]
        assert not unexpected, f"{len(unexpected)} SEVERE console entries {where}: " + \
            "; ".join(e.get("message", "") for e in unexpected[:5])
        expected = len(severe) - len(unexpected)
        return f"{len(entries)} entries, ignoring {expected} {self.expected_console_reason}" if expected else \
            f"{len(entries)} entries"


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

class Check(NamedTuple):
    """One check of a flow: `run(flow)` raises on failure and may return a detail string (an
    unbound method such as `Smoke.home_page` will do). With `required` set, a failure stops the
    flow there, counting one more failure with `required` as the reason."""
    name: str
    run: Callable[[BrowserFlow], object]
    required: str | None = None


def run_flow(name: str, flow_factory: Callable[..., BrowserFlow], checks: Sequence[Check], *,
             demo_patients: int, description: str | None = None, argv: list[str] | None = None) -> int:
    """The whole command line of a browser test; returns its exit status.

    Parses --binary (default .build/debug/ketaclinic) and --keep (keep the server's temp dir),
    starts the demo server with `demo_patients` patients on <tmp>/kc-NAME-*/NAME.sqlite and a
    headless Chromium, builds `flow_factory(driver, base, shots, credentials)` and runs `checks` in
    order. SIGTERM unwinds through the clean-up. Prints the server log's tail if anything failed,
    the screenshot directory, and last `NAME: N passed, M failed`. Exits 0 only when every check
    passed (and at least one ran). `description` is the test's docstring: its first paragraph is
    the --help text."""
    parser = argparse.ArgumentParser(description=(description or "").split("\n\n")[0] or None)
    parser.add_argument("--binary", default=".build/debug/ketaclinic", help="ketaclinic executable")
    parser.add_argument("--keep", action="store_true", help="keep the server's temp dir (database, log)")
    options = parser.parse_args(argv)

    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        print(f"{name}: {binary} is not an executable", file=sys.stderr)
        print(f"{name}: 0 passed, 1 failed")
        return 1

    # SIGTERM (e.g. from `timeout`) unwinds through the finally blocks, so the server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = tempfile.mkdtemp(prefix=f"kc-{name}-")
    shots = tempfile.mkdtemp(prefix=f"kc-{name}-screenshots-")
    server = None
    driver = None
    flow = None
    passed = failed = 0
    try:
        server = Server(binary, workdir, f"sqlite:{workdir}/{name}.sqlite", demo=True,
                        demo_patients=demo_patients)
        server.start(30, expect_credentials=True)
        print(f"server up at {server.base}", flush=True)
        driver = make_driver()
        print(f"browser: {driver.capabilities.get('browserName')} "
              f"{driver.capabilities.get('browserVersion')}", flush=True)
        flow = flow_factory(driver, server.base, shots, server.credentials)
        for check in checks:
            if not flow.check(check.name, lambda: check.run(flow)) and check.required:
                raise RuntimeError(check.required)
        passed, failed = flow.passed, flow.failed
        if failed:
            print(server.log_tail(), flush=True)
    except Exception as error:  # noqa: BLE001
        if flow is not None:
            passed, failed = flow.passed, flow.failed
        failed += 1
        print(f"  FAIL  setup: {error}", flush=True)
        if flow is not None:  # before that, the error itself carries the server log's tail
            print(server.log_tail(), flush=True)
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
    print(f"{name}: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1
