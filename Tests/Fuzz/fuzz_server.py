#!/usr/bin/env python3
"""Fuzz a running KetaClinic server with hostile input and fail if it dies or answers 5xx.

Starts ONE `ketaclinic serve --demo` on loopback with a throwaway SQLite database, signs in as each
demo role (API tokens with every scope the role allows, and browser sessions over plain HTTP),
collects real ids from the demo clinic (API and page links), crawls the pages as each role for
their forms, then sends, within a request and time budget chosen deterministically from --seed:

  * the known crashers of issue 22 verbatim;
  * to every JSON route (POST/PUT/PATCH/DELETE under /api/v1): bodies built from the fields the
    docs give for it, each field in turn (and all at once) set to hostile values (1e308, 1e19,
    9223372036854775808, -0.0, 1e-320, 100 kB strings, control characters, NUL, wrong types,
    deep nesting…), plus invalid or truncated JSON and wrong content types;
  * to every GET route: query strings with the same hostile values on every parameter name seen
    in the app's forms and docs, and hostile path ids;
  * to every HTML form found: the form with its empty fields filled in, each field in turn (and
    all at once) replaced by a hostile value, with a valid CSRF token;
  * hostile headers (credentials, cookies, Host, X-Forwarded-For…), then a few hostile sign-ins.

After each request it checks the server process is alive; at the end it checks /healthz. The server
is never restarted: a crash ends the run. Exit 1 when the process died, any answer was 5xx, a
request got no answer within the timeout, or fewer than --min-requests requests were made.

Run: python3 Tests/Fuzz/fuzz_server.py --binary .build/debug/ketaclinic [--requests 4000]
     [--seconds 240] [--seed 1] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))

import fuzz_inputs as fi  # noqa: E402
from serverkit import DEMO_EMAILS, TEST_BCRYPT_COST, Server, bench_token, run_cli  # noqa: E402

ROLES = ["prescriber", "nurse", "administrator", "front_desk"]  # preference order for a route's identity
REQUEST_TIMEOUT = 30.0
MAX_BODY_READ = 8 << 20
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
PROTECT_FIELD = re.compile(r"two.?factor|totp|mfa", re.I)


# --------------------------------------------------------------------------------------------
# Identities and cases
# --------------------------------------------------------------------------------------------

@dataclass
class Identity:
    """Who a request is sent as: an API token, a signed-in browser session, or nobody."""
    label: str
    kind: str  # "token", "session", "anonymous"
    role: str | None = None
    token: str | None = None
    cookie: str | None = None  # Cookie header value
    csrf: str | None = None
    permissions: set[str] = field(default_factory=set)
    user_id: str | None = None

    def headers(self) -> dict[str, str]:
        if self.kind == "token" and self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.cookie:
            return {"Cookie": self.cookie}
        return {}

    def describe(self) -> str:
        if self.kind == "token":
            return (f"API token of the demo {self.role} (Authorization: Bearer …; scopes "
                    f"{','.join(sorted(self.permissions))})")
        if self.kind == "session":
            return (f"browser session of the demo {self.role} (Cookie: kc_session=…, signed in with POST /login; "
                    "the form's _csrf field is the session's token)")
        return "anonymous" + (" (with the kc_form cookie of GET /login)" if self.cookie else "")


@dataclass
class Case:
    """One request and why it is sent."""
    kind: str  # known, crawl, json, query, form, auth
    method: str
    path: str
    template: str
    identity: Identity
    cause: str
    body: bytes | None = None
    content_type: str | None = None
    note: str = ""  # how a body too large to print was made
    headers: dict[str, str] = field(default_factory=dict)  # sent after (and over) the identity's

    def resolve(self) -> "Case":
        """Build the path and body now (cases are planned lazily: their bodies can be 100 kB)."""
        if callable(self.path):
            self.path = self.path()
        if callable(self.body):
            self.body = self.body()
        return self

    def reproduction(self, base: str) -> str:
        lines = [f"  request:  {self.method} {self.path}",
                 f"  route:    {self.method} {self.template}",
                 f"  cause:    {self.cause}",
                 f"  identity: {self.identity.describe()}"]
        if self.content_type is not None or self.body:
            lines.append(f"  content-type: {self.content_type!r}")
        for name, value in self.headers.items():
            shown = value if len(value) <= 200 else value[:100] + f"…[{len(value)} characters]"
            lines.append(f"  header:   {name}: {shown!r}")
        if self.body is not None:
            text = self.body.decode("utf-8", "backslashreplace")
            shown = text if len(text) <= 1500 else text[:700] + f" …[{len(text) - 1400} characters]… " + text[-700:]
            lines.append(f"  body ({len(self.body)} bytes): {shown}")
            if self.note or len(self.body) > 1500:
                lines.append(f"  body made as: {self.note or self.cause}")
        auth = ""
        if self.identity.kind == "token":
            auth = " -H 'Authorization: Bearer $TOKEN'"
        elif self.identity.cookie:
            auth = " -H 'Cookie: kc_session=$SESSION'"
        data = ""
        if self.body is not None and len(self.body) <= 1500 and b"'" not in self.body:
            data = f" -H 'Content-Type: {self.content_type}' --data-binary '{self.body.decode('utf-8', 'backslashreplace')}'" \
                if self.content_type else f" --data-binary '{self.body.decode('utf-8', 'backslashreplace')}'"
        lines.append(f"  curl:     curl -i -X {self.method}{auth}{data} '{base}{self.path}'")
        return "\n".join(lines)


@dataclass
class Outcome:
    status: int | None  # None: no answer
    error: str = ""
    seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------

def send(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None,
         timeout: float = REQUEST_TIMEOUT) -> Outcome:
    """One request on a fresh connection; never follows redirects; does not read event streams."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        all_headers = {"Host": f"127.0.0.1:{port}", "User-Agent": "ketaclinic-fuzz", "Connection": "close", **headers}
        if body is not None:
            all_headers["Content-Length"] = str(len(body))
        for name, value in all_headers.items():
            connection.putheader(name, value.encode("utf-8"))
        connection.endheaders(body)
        response = connection.getresponse()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        if "text/event-stream" in response_headers.get("content-type", ""):
            data = b""
        else:
            data = response.read(MAX_BODY_READ)
        return Outcome(response.status, "", time.monotonic() - started, response_headers, data)
    except socket.timeout:
        return Outcome(None, f"no answer within {timeout:.0f} s", time.monotonic() - started)
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, f"{type(error).__name__}: {error}", time.monotonic() - started)
    finally:
        connection.close()


def json_of(outcome: Outcome):
    try:
        return json.loads(outcome.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def set_cookies(outcome: Outcome) -> dict[str, str]:
    """Cookie name → value from the Set-Cookie headers (http.client joins repeated headers with ', ')."""
    found: dict[str, str] = {}
    raw = outcome.headers.get("set-cookie", "")
    for match in re.finditer(r"(?:^|,\s*)(kc_[a-z_]+)=([^;,]*)", raw):
        found[match.group(1)] = match.group(2)
    return found


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

class Fuzzer:
    def __init__(self, args, server: Server, workdir: str, binary: str):
        self.args = args
        self.server = server
        self.port = server.port
        self.base = server.base
        self.workdir = workdir
        self.binary = binary
        self.rng = random.Random(args.seed)
        self.started = time.monotonic()
        self.deadline = self.started + args.seconds
        self.sent = 0
        self.status_classes: dict[str, int] = {}
        self.server_errors: list[tuple[Case, Outcome]] = []
        self.no_answer: list[tuple[Case, Outcome]] = []
        self.timeouts: list[tuple[Case, Outcome]] = []
        self.crash: tuple[Case, Outcome] | None = None
        self.per_kind: dict[str, int] = {}
        self.warnings: list[str] = []
        self.routes = fi.read_routes()
        self.matrix = fi.read_matrix()
        self.api_routes = [r for r in self.routes if r.is_api]
        self.docs = fi.read_doc_fields(self.api_routes)
        self.tokens: dict[str, Identity] = {}
        self.sessions: dict[str, Identity] = {}
        self.anonymous = Identity("anonymous", "anonymous")
        self.login_identity = Identity("anonymous at sign-in", "anonymous")
        self.instances: dict[tuple[str, str], list[dict[str, str]]] = {}  # (method, template) → bindings
        self.pools: dict[str, list[str]] = {}
        self.forms: dict[tuple, tuple[fi.Form, Identity]] = {}
        self.protected_users: set[str] = set()
        self.sacrificial_users: list[str] = []
        self.sacrificial_tokens: dict[str, list[str]] = {}  # user id → token ids
        self.spare_tokens: dict[str, str] = {}  # role → a token id of that demo user nobody uses
        self.own_patient: str | None = None
        self.record_items: dict[tuple[str, str], list[tuple[str, object]]] = {}  # (patient, section) → [(key, value)]
        self.live_bodies: dict[str, object] = {}
        self.stop_reason = ""
        self.reached: set[tuple[str, str]] = set()
        self.session_states: dict[str, str] = {}
        self.session_names: dict[str, str] = {}  # a stable sort key (patient name, session number)
        self.patient_order: dict[str, int] = {}
        self.planned_patients: list[str] = []  # patients with a signed plan (weight, screening): plan routes go deeper

    # ---- bookkeeping ------------------------------------------------------------------------

    def budget_left(self) -> bool:
        return self.crash is None and self.sent < self.args.requests and time.monotonic() < self.deadline

    def run_case(self, case: Case) -> Outcome:
        headers = dict(case.identity.headers())
        if case.content_type is not None:
            headers["Content-Type"] = case.content_type
        headers.update(case.headers)
        case.resolve()
        outcome = send(self.port, case.method, case.path, headers, case.body)
        self.sent += 1
        self.per_kind[case.kind] = self.per_kind.get(case.kind, 0) + 1
        self.reached.add((case.method, case.template))
        if self.server.process.poll() is not None:
            self.crash = (case, outcome)
            self.note_finding(case, outcome, crash=True)
            return outcome
        if outcome.status is None:
            klass = "no answer"
            (self.timeouts if "no answer within" in outcome.error else self.no_answer).append((case, outcome))
        else:
            klass = f"{outcome.status // 100}xx"
            if outcome.status >= 500:
                self.server_errors.append((case, outcome))
                self.note_finding(case, outcome, crash=False)
        self.status_classes[klass] = self.status_classes.get(klass, 0) + 1
        if self.args.verbose:
            print(f"  {outcome.status or '---'} {outcome.seconds * 1000:6.0f} ms {case.method} {case.path[:120]} [{case.cause[:60]}]",
                  flush=True)
            if case.cause in ("plausible body", "plausible query", "the form, empty fields filled in") and (outcome.status or 0) >= 400:
                text = outcome.body.decode("utf-8", "replace")
                errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{3,200})', text) if "<html" in text[:200].lower() else []
                print(f"      answer: {(' | '.join(errors) if errors else text)[:400]}", flush=True)
        return outcome

    def get(self, path: str, identity: Identity, kind: str = "crawl", cause: str = "harvest") -> Outcome:
        template = self.template_of("GET", path) or path.split("?", 1)[0]
        return self.run_case(Case(kind, "GET", path, template, identity, cause))

    def api_json(self, method: str, path: str, identity: Identity, body: dict, kind: str = "crawl",
                 cause: str = "harvest") -> Outcome:
        template = self.template_of(method, path) or path
        data = json.dumps(body).encode()
        return self.run_case(Case(kind, method, path, template, identity, cause, data, "application/json"))

    def template_of(self, method: str, path: str) -> str | None:
        best = None
        for route in self.routes:
            if route.method == method and fi.match_path(route.template, path) is not None:
                # Prefer the template with the most literal segments (/patients/new over /patients/:id).
                score = sum(1 for part in route.template.split("/") if part and not part.startswith(":"))
                if best is None or score > best[0]:
                    best = (score, route.template)
        return best[1] if best else None

    def note_finding(self, case: Case, outcome: Outcome, crash: bool) -> None:
        what = "CRASH (process exited with status %s)" % self.server.process.returncode if crash else f"HTTP {outcome.status}"
        time.sleep(0.3)  # let the server's log line about it reach the file
        print(f"\nFAIL {what}\n{case.reproduction(self.base)}", flush=True)
        if crash and outcome.status is not None:
            print(f"  (this request was answered {outcome.status} before the process was found dead: the cause may be "
                  "this request's after-effects, a background task, or a signal from outside)", flush=True)
        if outcome.status is not None and outcome.body:
            print("  answer: " + outcome.body[:600].decode("utf-8", "replace").replace("\n", " "), flush=True)
        print("  server log tail:\n" + self.server.tail(25 if crash else 12), flush=True)
        if self.args.findings:
            self.append_finding(case, outcome, what)

    def append_finding(self, case: Case, outcome: Outcome, what: str) -> None:
        cause_kind = re.sub(r"=.*", "", case.cause)
        key = f"{case.method} {case.template} :: {cause_kind} :: {what.split(' (')[0]}"
        try:
            existing = open(self.args.findings, encoding="utf-8").read() if os.path.exists(self.args.findings) else ""
        except OSError:
            existing = ""
        if f"<!-- {key} -->" in existing:
            return
        with open(self.args.findings, "a", encoding="utf-8") as f:
            f.write(f"\n<!-- {key} -->\n### {what}: {case.method} {case.template} ({case.cause[:80]})\n"
                    f"Found {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC by "
                    f"`python3 Tests/Fuzz/fuzz_server.py --seed {self.args.seed}`\n\n```\n{case.reproduction(self.base)}\n"
                    f"server log tail:\n{self.server.tail(12)}\n```\n")

    # ---- identities -------------------------------------------------------------------------

    def make_tokens(self) -> None:
        database = self.server.database
        for role in ROLES:
            scopes = sorted(self.matrix.get(role, set()))
            token = None
            while scopes:
                try:
                    token = bench_token(self.binary, database, role, scopes, name=f"fuzz {role}", cwd=self.workdir)
                    break
                except RuntimeError as error:
                    bad = re.search(r"scope: (?:'([a-z_.]+)' is not|the .* role does not have ([a-z_.]+))", str(error))
                    if not bad:
                        raise
                    missing = bad.group(1) or bad.group(2)
                    self.warnings.append(f"token for {role}: scope {missing} refused; left out")
                    scopes.remove(missing)
            self.tokens[role] = Identity(f"{role} token", "token", role, token=token, permissions=set(scopes))
            # A second token of the same user, for the routes that revoke one of their own tokens.
            spare = self.cli_token(fi_email(role), scopes[:1] or ["patients.read"], f"fuzz spare {role}")
            if spare:
                self.spare_tokens[role] = spare
        # Users the administrator routes may deactivate, reset and edit without touching the
        # accounts this run signs in as.
        for index, role in enumerate(("nurse", "front_desk")):
            email = f"fuzz-target-{index + 1}@fuzz.ketaclinic.test"
            result = run_cli(self.binary, ["user", "add", "--database", database, "--email", email, "--role", role,
                                           "--password-stdin", "--bcrypt-cost", TEST_BCRYPT_COST],
                             cwd=self.workdir, stdin_text="Fuzz-target-password-Quill-42\n", timeout=60)
            if result.returncode != 0:
                self.warnings.append(f"could not add {email}: {result.stderr.strip()}")
                continue
            token_id = self.cli_token(email, ["patients.read"], "fuzz target")
            self.sacrificial_users.append(email)
            if token_id:
                self.sacrificial_tokens[email] = [token_id]

    def cli_token(self, email: str, scopes: list[str], name: str) -> str | None:
        result = run_cli(self.binary, ["token", "create", "--database", self.server.database, "--email", email,
                                       "--name", name, "--scope", ",".join(scopes)], cwd=self.workdir, timeout=60)
        match = UUID.search(result.stderr)
        return match.group(0).lower() if result.returncode == 0 and match else None

    def sign_in(self, role: str) -> Identity | None:
        email, password = self.server.credentials[role]
        page = send(self.port, "GET", "/login", {}, None)
        form_cookie = set_cookies(page).get("kc_form")
        match = re.search(r'name="_csrf" value="([^"]+)"', page.body.decode("utf-8", "replace"))
        if not form_cookie or not match:
            self.warnings.append(f"sign-in as {role}: no _csrf/kc_form on GET /login (status {page.status})")
            return None
        if self.login_identity.cookie is None:
            self.login_identity.cookie = f"kc_form={form_cookie}"
            self.login_identity.csrf = match.group(1)
        body = urllib.parse.urlencode({"_csrf": match.group(1), "email": email, "password": password}).encode()
        answer = send(self.port, "POST", "/login", {"Cookie": f"kc_form={form_cookie}",
                                                    "Content-Type": "application/x-www-form-urlencoded"}, body)
        session = set_cookies(answer).get("kc_session")
        location = answer.headers.get("location", "")
        if answer.status != 303 or not session:
            self.warnings.append(f"sign-in as {role}: POST /login answered {answer.status}, no session")
            return None
        if location.startswith("/login/two-factor"):
            self.warnings.append(f"sign-in as {role}: the server asks for two-factor; no browser session for this role")
            return None
        identity = Identity(f"{role} session", "session", role, cookie=f"kc_session={session}",
                            permissions=set(self.matrix.get(role, set())))
        home = send(self.port, "GET", "/", identity.headers(), None)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', home.body.decode("utf-8", "replace"))
        identity.csrf = csrf.group(1) if csrf else None
        if location.startswith(("/account/password", "/account/two-factor")):
            self.warnings.append(f"sign-in as {role}: sent to {location} first (set-up required)")
        return identity

    def identity_for(self, route: fi.Route, api: bool) -> Identity | None:
        if route.access == "open":
            return self.login_identity if route.template.startswith("/login") else self.anonymous
        pool = self.tokens if api else self.sessions
        for role in ROLES:
            identity = pool.get(role)
            if identity is None:
                continue
            if route.access == "signed-in" or route.access in identity.permissions:
                return identity
        return None

    def refused_identity(self, route: fi.Route, api: bool) -> Identity | None:
        """A signed-in role without the route's permission (for one check that it is refused)."""
        if route.access in ("open", "signed-in"):
            return None
        pool = self.tokens if api else self.sessions
        for role in reversed(ROLES):
            identity = pool.get(role)
            if identity is not None and route.access not in identity.permissions:
                return identity
        return None

    # ---- harvesting ids ---------------------------------------------------------------------

    def bind(self, method: str, path: str) -> None:
        """Record the concrete path as an instance of its route template."""
        template = self.template_of(method, path)
        if template is None:
            return
        values = fi.match_path(template, path)
        if values is None or not self.allowed_binding(template, values):
            return
        instances = self.instances.setdefault((method, template), [])
        if values not in instances and len(instances) < 40:
            instances.append(values)
        for name, value in values.items():
            pool = self.pools.setdefault(self.pool_name(template, name), [])
            if value not in pool and len(pool) < 60:
                pool.append(value)

    @staticmethod
    def pool_name(template: str, name: str) -> str:
        if name == "id" and template.startswith("/admin/users/"):
            return "user"
        if name == "id" and template.startswith("/account/tokens/"):
            return "own-token"
        if name == "section":
            return "contact-section" if "/contact/" in template else "record-section"
        if name == "version":
            return "plan-version" if "/plans/" in template else "screening-version"
        if name == "key":
            return "contact-key" if "/contact/" in template else "record-key"
        return name

    def harvest(self) -> None:
        api = self.tokens.get("prescriber") or next(iter(self.tokens.values()))
        admin = self.tokens.get("administrator")
        today = time.strftime("%Y-%m-%d", time.gmtime())
        # A patient of this run's own, whose single sections (height, episode) are still empty.
        created = self.api_json("POST", "/api/v1/patients", api,
                                {"givenName": "Fuzz", "familyName": "Harness", "dateOfBirth": "1980-05-17", "sexAtBirth": "female"})
        patient = (json_of(created) or {}).get("id")
        if patient:
            self.own_patient = patient
        listing = json_of(self.get("/api/v1/patients?limit=500", api)) or {}
        patients = [item.get("id") for item in listing.get("items", []) if isinstance(item, dict) and item.get("id")]
        # The API lists patients in family-name order: the demo clinic's order is the same every run
        # (its ids are not), so the choice of patients does not depend on random ids.
        self.patient_order = {p.lower(): i for i, p in enumerate(patients)}
        if self.own_patient:
            patients = [self.own_patient] + [p for p in patients if p != self.own_patient]
        for p in patients:
            self.pools.setdefault("id", [])
            if p not in self.pools["id"]:
                self.pools["id"].append(p)
        # Enough patients to find each kind of record item, screening, plan, response and session.
        for p in patients[:6]:
            self.bind("GET", f"/api/v1/patients/{p}")
            record = json_of(self.get(f"/api/v1/patients/{p}/record", api)) or {}
            for section_key, items in record.items():
                if isinstance(items, dict):
                    items = [items]
                if not isinstance(items, list):
                    continue
                section = self.section_for(section_key)
                for item in items:
                    if isinstance(item, dict) and item.get("key") and section:
                        kind = "contact" if section in fi_contact_sections(self.docs) else "record"
                        self.bind("GET", f"/api/v1/patients/{p}/{kind}/{section}/{item['key']}/history")
                        self.record_items.setdefault((p, section), []).append((str(item["key"]), item.get("value")))
            screening = json_of(self.get(f"/api/v1/patients/{p}/screening", api)) or {}
            if isinstance(screening.get("recordRevision"), int):
                self.live_bodies[f"revision:{p}"] = screening["recordRevision"]
            for item in items_of(json_of(self.get(f"/api/v1/patients/{p}/screenings", api))):
                if isinstance(item, dict) and item.get("version") is not None:
                    self.bind("GET", f"/api/v1/patients/{p}/screenings/{item['version']}")
            plans = json_of(self.get(f"/api/v1/patients/{p}/plans", api))
            for item in items_of(plans):
                if isinstance(item, dict) and item.get("version") is not None:
                    self.bind("GET", f"/api/v1/patients/{p}/plans/{item['version']}")
                    if p not in self.planned_patients:
                        self.planned_patients.append(p)
            scales = json_of(self.get(f"/api/v1/patients/{p}/scales", api))
            for item in items_of(scales):
                if isinstance(item, dict) and item.get("id"):
                    self.bind("POST", f"/api/v1/patients/{p}/scales/{item['id']}/amend")
            sessions = json_of(self.get(f"/api/v1/patients/{p}/sessions", api))
            for item in items_of(sessions):
                if isinstance(item, dict) and item.get("id"):
                    self.bind("GET", f"/api/v1/sessions/{item['id']}")
                    if isinstance(item.get("state"), str):
                        self.session_states[str(item["id"]).lower()] = item["state"]
                        self.session_names[str(item["id"]).lower()] = f"{item.get('patientName', '')}#{item.get('number', '')}"
        for day_offset in (0, -1, 1):
            day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + day_offset * 86400))
            sessions = json_of(self.get(f"/api/v1/sessions?date={day}", api)) or {}
            for item in items_of(sessions):
                if isinstance(item, dict) and item.get("id"):
                    self.bind("GET", f"/api/v1/sessions/{item['id']}")
                    if isinstance(item.get("state"), str):
                        self.session_states[str(item["id"]).lower()] = item["state"]
                        self.session_names[str(item["id"]).lower()] = f"{item.get('patientName', '')}#{item.get('number', '')}"
        for item in items_of(json_of(self.get("/api/v1/rems/forms", api))):
            form = item.get("form") if isinstance(item, dict) else None
            if isinstance(form, dict):
                for key in ("sessionID", "sessionId", "session"):
                    if isinstance(form.get(key), str):
                        self.bind("GET", f"/api/v1/sessions/{form[key]}/rems-form")
        for session_id in list(self.pools.get("session", []))[:12]:
            detail = json_of(self.get(f"/api/v1/sessions/{session_id}", api)) or {}
            for alert in walk_dicts(detail.get("alerts")):
                if alert.get("id"):
                    self.bind("POST", f"/api/v1/sessions/{session_id}/alerts/{alert['id']}/acknowledge")
            for reading in walk_dicts(detail.get("readings")):
                if reading.get("id"):
                    self.bind("POST", f"/api/v1/sessions/{session_id}/vitals/{reading['id']}/amend")
            chair = detail.get("chair")
            if isinstance(chair, str) and chair:
                self.bind("POST", f"/api/v1/chairs/{urllib.parse.quote(chair, safe='')}/vitals")
        alerts = json_of(self.get("/api/v1/alerts", api))
        for alert in walk_dicts(alerts.get("items") if isinstance(alerts, dict) else alerts):
            if alert.get("id"):
                self.bind("POST", f"/api/v1/alerts/{alert['id']}/acknowledge")
        protocols = json_of(self.get("/api/v1/protocols", api))
        for item in walk_dicts(protocols.get("items") if isinstance(protocols, dict) else protocols):
            pid = item.get("id") or (item.get("protocol") or {}).get("id") if isinstance(item.get("protocol"), dict) else item.get("id")
            if isinstance(pid, str):
                self.bind("GET", f"/api/v1/protocols/{pid}")
        protocol_ids = self.pools.get("protocol", [])
        if protocol_ids:
            # Plan bodies name a protocol of this clinic's library (an IV one when there is one).
            fi.PLAUSIBLE["protocol"] = next((p for p in protocol_ids if "iv" in p.lower()), protocol_ids[0])
        for pid in list(protocol_ids)[:3]:
            detail = json_of(self.get(f"/api/v1/protocols/{urllib.parse.quote(pid, safe='')}", api))
            if isinstance(detail, dict) and pid not in self.live_bodies:
                self.live_bodies[f"protocol:{pid}"] = detail
        session_policy = json_of(self.get("/api/v1/clinic/session-policy", api))
        if isinstance(session_policy, dict):
            self.live_bodies["/api/v1/clinic/session-policy"] = session_policy
            for chair in session_policy.get("chairs", []) or []:
                name = chair if isinstance(chair, str) else (chair.get("name") if isinstance(chair, dict) else None)
                if name:
                    self.bind("POST", f"/api/v1/chairs/{urllib.parse.quote(name, safe='')}/vitals")
        policy = json_of(self.get("/api/v1/clinic/policy", api))
        if isinstance(policy, dict):
            self.live_bodies["/api/v1/clinic/policy"] = policy
        self.get("/api/v1/me", api)
        if patient:
            link = json_of(self.api_json("POST", f"/api/v1/patients/{patient}/self-report-links", api,
                                         {"instruments": ["phq9"]})) or {}
            if link.get("id"):
                self.bind("POST", f"/api/v1/patients/{patient}/self-report-links/{link['id']}/revoke".replace("/api/v1", ""))
            if link.get("code"):
                self.bind("GET", f"/r/{urllib.parse.quote(str(link['code']), safe='')}")
        if admin:
            users = json_of(self.get("/api/v1/users", admin))
            for user in walk_dicts(users.get("items") if isinstance(users, dict) else users):
                email, uid = user.get("email"), user.get("id")
                if not (email and uid):
                    continue
                if email in self.sacrificial_users:
                    self.bind("GET", f"/admin/users/{uid}")
                    for token_id in self.sacrificial_tokens.get(email, []):
                        self.bind("POST", f"/admin/users/{uid}/tokens/{token_id}/revoke")
                else:
                    self.protected_users.add(uid.lower())
        for role, token_id in self.spare_tokens.items():
            self.pools.setdefault("own-token:" + role, []).append(token_id)
        self.pools.setdefault("record-section", [])
        for section in self.docs.sections or ["height", "weight"]:
            if section not in self.pools["record-section"]:
                self.pools["record-section"].append(section)
        for section in fi_contact_sections(self.docs):
            self.pools.setdefault("contact-section", [])
            if section not in self.pools["contact-section"]:
                self.pools["contact-section"].append(section)
        self.pools.setdefault("code", []).append("ABCDE-FGHJK")
        self.pools.setdefault("date", []).append(today)

    def sessions_in_distinct_states(self, count: int) -> list[str]:
        """Session ids, one per state (checked in, dosing, observation… before scheduled ones)."""
        chosen: list[str] = []
        states: set[str] = set()
        ordered = sorted(self.session_states.items(),
                         key=lambda item: (item[1] in ("scheduled", "closed"), item[1], self.session_names.get(item[0], item[0])))
        for session_id, state in ordered:
            if state not in states:
                states.add(state)
                chosen.append(session_id)
        return chosen[:count]

    def section_for(self, record_key: str) -> str | None:
        """The URL section of a GET …/record key (`weights` → `weight`, `currentEpisode` → `episode`)."""
        wanted = re.sub(r"([A-Z])", r"-\1", record_key).lower()
        candidates = [wanted, wanted[:-1] if wanted.endswith("s") else wanted, re.sub(r"ies$", "y", wanted),
                      wanted.replace("current-", ""), re.sub(r"ses$", "sis", wanted)]
        known = list(self.docs.sections) + fi_contact_sections(self.docs)
        for candidate in candidates:
            if candidate in known:
                return candidate
        return None

    # ---- crawling ---------------------------------------------------------------------------

    def crawl(self, limit: int) -> None:
        """Visit pages as each role (breadth first from / and the GET page routes filled with real
        ids), collecting links (as route instances) and forms."""
        page_routes = [r for r in self.routes if r.method == "GET" and not r.is_api]
        per_role = max(10, limit // max(1, len(self.sessions) + 1))
        order = [(role, self.sessions[role]) for role in ROLES if role in self.sessions]
        order.append(("anonymous", self.login_identity))
        for role, identity in order:
            seeds = ["/"] if role != "anonymous" else ["/login", "/r"]
            for route in page_routes:
                if role != "anonymous" and self.identity_for(route, api=False) is None:
                    continue
                if role != "anonymous" and (route.access == "open" or
                                            (route.access != "signed-in" and route.access not in identity.permissions)):
                    continue
                if role == "anonymous" and route.access != "open":
                    continue
                if route.params == ["session"]:
                    bindings = [{"session": s} for s in self.sessions_in_distinct_states(4)]
                else:
                    bindings = self.concrete_bindings(route)[:2]
                for values in bindings:
                    seeds.append(fi.fill(route.template, values))
            queue = list(dict.fromkeys(seeds))
            seen: set[str] = set()
            per_template: dict[str, int] = {}
            visited = 0
            while queue and visited < per_role and self.budget_left():
                path = queue.pop(0)
                if path in seen:
                    continue
                seen.add(path)
                template = self.template_of("GET", path)
                if template is None or template in ("/board/events",) or template.endswith("/events"):
                    continue
                key = template + ("?" + "&".join(sorted(urllib.parse.parse_qs(urllib.parse.urlsplit(path).query))) if "?" in path else "")
                if per_template.get(key, 0) >= (4 if template == "/sessions/:session" else 2):
                    continue
                per_template[key] = per_template.get(key, 0) + 1
                visited += 1
                outcome = self.get(path, identity)
                if outcome.status == 303 and outcome.headers.get("location", "").startswith("/login") and role != "anonymous" \
                        and not path.startswith("/login"):
                    self.warnings.append(f"crawl as {role}: {path} sent the session to sign-in")
                if not outcome.body or "text/html" not in outcome.headers.get("content-type", ""):
                    continue
                parsed = fi.parse_page(path.split("?", 1)[0], outcome.body.decode("utf-8", "replace"))
                for href in parsed.links:
                    target = fi.same_origin_path(path, href)
                    if not target:
                        continue
                    self.bind("GET", target.split("?", 1)[0])
                    if target not in seen and not target.startswith("/assets/"):
                        queue.append(target)
                    elif target.startswith("/assets/"):
                        self.bind("GET", target.split("?", 1)[0])
                for form in parsed.forms:
                    self.add_form(form, identity)

    def add_form(self, form: fi.Form, identity: Identity) -> None:
        action = fi.same_origin_path(form.page, form.action)
        if not action:
            return
        path = action.split("?", 1)[0]
        template = self.template_of(form.method, path)
        if template is None:
            return
        values = fi.match_path(template, path) or {}
        if not self.allowed_binding(template, values):
            # A form that would deactivate, reset or revoke what this run signs in with: aim it at
            # a fuzz target user or a spare token instead.
            if template.startswith("/admin/users/:id"):
                targets = [u for u in self.pools.get("user", []) if u.lower() not in self.protected_users]
                if targets:
                    values["id"] = targets[0]
                if "token" in values:
                    values.update(token=(self.pools.get("token") or ["x"])[0])
            elif template.startswith("/account/tokens/:id") and identity.role in self.spare_tokens:
                values.update(id=self.spare_tokens[identity.role])
            if not self.allowed_binding(template, values):
                return
            path = fi.fill(template, values)
            action = path
        form.action = action
        self.bind(form.method, path)
        route = next((r for r in self.routes if r.method == form.method and r.template == template), None)
        if route is not None and route.access == "open":
            # Open forms (/r, /login) carry the kc_form double-submit token, not a session's.
            identity = self.login_identity
            form.fields = [(n, (identity.csrf or v) if n == "_csrf" else v) for n, v in form.fields]
        buttons = form.buttons or [("", "")]
        session = (fi.match_path(template, path) or {}).get("session", "").lower()
        for button in buttons[:4]:
            key = (form.method, template, tuple(sorted(form.names())), button, identity.role, session)
            if key in self.forms:
                continue
            # The same form for another role adds nothing but the role; keep it only for the first.
            # On a session page the same form in another phase of a session is worth sending too.
            same = [k for k in self.forms if k[:4] == key[:4]]
            if same and (not session or len(same) >= 3 or session in {k[5] for k in same}
                         or self.session_states.get(session) in {self.session_states.get(k[5]) for k in same}):
                continue
            copy = fi.Form(form.method, form.action, list(form.fields), [button] if button[0] else [], dict(form.kinds), form.page,
                           dict(form.options))
            self.forms[key] = (copy, identity)

    # ---- paths ------------------------------------------------------------------------------

    def concrete_bindings(self, route: fi.Route) -> list[dict[str, str]]:
        """Real parameter values for a route: instances seen for it, else values from the pools."""
        found = list(self.instances.get((route.method, route.template), []))
        for method in ("GET", "POST", "PUT"):
            if method != route.method:
                found += [b for b in self.instances.get((method, route.template), []) if b not in found]
        # The same path shape under /api/v1 and on the pages share ids.
        twin = route.template[len("/api/v1"):] if route.is_api else "/api/v1" + route.template
        for (method, template), bindings in self.instances.items():
            if template == twin:
                found += [b for b in bindings if b not in found]
        found = [b for b in found if self.allowed_binding(route.template, b)]
        if "/plans" in route.template and self.planned_patients:
            # Plans go deeper for a patient who already has one (weight, signed screening).
            planned = {p.lower() for p in self.planned_patients}
            if route.params == ["id"] and not any(b.get("id", "").lower() in planned for b in found):
                found.insert(0, {"id": self.planned_patients[0]})
            found.sort(key=lambda b: b.get("id", "").lower() not in planned)
        if found or not route.params:
            return found or [{}]
        values: dict[str, str] = {}
        for name in route.params:
            pool = [v for v in self.pools.get(self.pool_name(route.template, name), [])
                    if self.allowed_binding(route.template, {name: v})]
            if name == "id" and "/plans" in route.template and self.planned_patients:
                pool = self.planned_patients + pool
            if self.pool_name(route.template, name) == "own-token":
                owner = self.identity_for(route, api=False)
                pool = self.pools.get(f"own-token:{owner.role}", []) if owner else []
            if not pool and name == "version":
                pool = ["1"]  # none signed yet in the demo clinic: version 1 is what the first would be
            if not pool:
                return []
            values[name] = pool[0]
        if self.pool_name(route.template, "section") == "record-section" and "section" in values and "key" in values:
            # A key must belong to the section: pick one recorded item.
            for (patient, section), items in sorted(self.record_items.items(), key=lambda kv: (self.patient_order.get(kv[0][0].lower(), 0), kv[0][1])):
                if section in self.pools.get("record-section", []) and items:
                    values.update(id=patient, section=section, key=items[0][0])
                    break
        return [values]

    def allowed_binding(self, template: str, values: dict[str, str]) -> bool:
        """Never aim a destructive administrator route at an account this run uses."""
        if template.startswith("/admin/users/:id") and values.get("id", "").lower() in self.protected_users:
            return False
        if template.startswith("/account/tokens/:id"):
            return values.get("id") in self.spare_tokens.values()
        return True

    def hostile_bindings(self, route: fi.Route, real: dict[str, str], count: int) -> list[tuple[dict[str, str], str]]:
        out = []
        for name in route.params:
            for hostile in fi.HOSTILE_IDS:
                values = dict(real) if real else {p: "x" for p in route.params}
                values[name] = hostile
                out.append((values, f"path :{name}={hostile[:40]}"))
        self.rng.shuffle(out)
        return out[:count]

    # ---- building cases ---------------------------------------------------------------------

    def json_base(self, route: fi.Route, values: dict[str, str]) -> dict:
        """A plausible body for the route: live data for PUTs that have a GET, the section's
        example for record and contact items, the docs' example, or plausible values for the
        documented field names."""
        template = route.template
        if template in self.live_bodies and route.method == "PUT":
            return json.loads(json.dumps(self.live_bodies[template]))
        section = values.get("section")
        if template.endswith("/:section") and section:
            return section_example(section)
        if template.endswith("/:section/:key") and section:
            current = next((v for k, v in self.record_items.get((values.get("id", ""), section), [])
                            if k == values.get("key")), None)
            return {"value": current if isinstance(current, dict) else section_example(section),
                    "reason": "Corrected after checking the chart"}
        if template.endswith("/protocols/:protocol") or template == "/api/v1/protocols":
            detail = self.live_bodies.get(f"protocol:{values.get('protocol')}") or next(
                (v for k, v in self.live_bodies.items() if k.startswith("protocol:")), None)
            current = detail.get("current") if isinstance(detail, dict) else None
            body = {"protocol": json.loads(json.dumps(current)) if current else {}, "reason": "Fuzz protocol change"}
            if route.method == "PUT":
                versions = detail.get("versions") if isinstance(detail, dict) else None
                body["basedOnVersion"] = (versions[-1].get("version") if versions and isinstance(versions[-1], dict) else 1) or 1
            elif isinstance(body["protocol"], dict):
                body["protocol"]["id"] = "fuzz-protocol"
            return body
        if template.endswith("/screenings"):
            return {"review": {"overrides": [], "acknowledgements": []},
                    "recordRevision": self.live_bodies.get(f"revision:{values.get('id')}", 1)}
        if (route.method, template) in fi.ROUTE_BASES:
            body = json.loads(json.dumps(fi.ROUTE_BASES[(route.method, template)]))
            if "protocol" in body:
                body["protocol"] = fi.PLAUSIBLE["protocol"]
            revision = self.live_bodies.get(f"revision:{values.get('id')}")
            if template.endswith("/plans") and isinstance(revision, int):
                body["recordRevision"] = revision  # the revision the prescriber reviewed
            return body
        example = self.docs.examples.get((route.method, template))
        if example and not template.endswith(":section"):
            return json.loads(json.dumps(example))
        names = self.docs.by_route.get((route.method, template), [])
        body = {name: fi.PLAUSIBLE[name] for name in names if name in fi.PLAUSIBLE}
        if template.endswith("/pk/esketamine"):
            body = {"devices": 2}
        if template.endswith("/amend") and "scales" in template:
            body = {"answers": fi.PLAUSIBLE["answers"], "reason": "Corrected the answers"}
        if template.endswith("/identity"):
            body = {k: fi.PLAUSIBLE[k] for k in ("givenName", "familyName", "dateOfBirth", "sexAtBirth")}
            body["reason"] = "Corrected a typo in the name"
        return body

    def stream_rng(self, *key: object) -> None:
        """Each route's or form's choices come from its own generator (seeded by --seed and its
        name), so what one stream sends does not shift when another finds more ids or forms."""
        self.rng = random.Random(f"{self.args.seed}|" + "|".join(map(str, key)))

    def json_cases(self, route: fi.Route) -> list[list[Case]]:
        """Cases for one JSON route in priority tiers."""
        self.stream_rng("json", route.method, route.template)
        identity = self.identity_for(route, api=True)
        bindings = self.concrete_bindings(route)
        if identity is None or not bindings:
            self.warnings.append(f"{route.method} {route.template}: no identity or ids; only hostile ids sent")
        real = bindings[0] if bindings else {}
        # Record routes: fuzz several sections (each has its own fields).
        sectioned: list[dict[str, str]] = [real]
        if route.template.endswith("/record/:section") or route.template.endswith("/contact/:section"):
            pool = self.pools.get("contact-section" if "/contact/" in route.template else "record-section", [])
            patient = self.own_patient or real.get("id") or (self.pools.get("id") or ["x"])[0]
            sectioned = [{"id": patient, "section": s} for s in pool]
        elif route.template.endswith("/:section/:key") or route.template.endswith("/:key/retraction"):
            kind = "/contact/" in route.template
            sectioned = []
            for (patient, section), items in sorted(self.record_items.items(), key=lambda kv: (self.patient_order.get(kv[0][0].lower(), 0), kv[0][1])):
                if (section in fi_contact_sections(self.docs)) == kind and items:
                    sectioned.append({"id": patient, "section": section, "key": items[0][0]})
            sectioned = sectioned[:8] or [real]
        elif route.params == ["session"]:
            # Session steps are judged by the session's phase: send them to sessions in different phases.
            sectioned = [{"session": s} for s in self.sessions_in_distinct_states(3)] or [real]
        tiers: list[list[Case]] = [[], [], [], [], []]
        if identity is None:
            identity = self.anonymous
        for values in sectioned:
            if any(f":{p}" in route.template and p not in values for p in route.params):
                continue
            path = fi.fill(route.template, values)
            base = self.json_base(route, values)
            leaves = leaf_paths(base)
            names = [n for n in self.docs.by_route.get((route.method, route.template), []) if n not in base]
            tiers[0].append(self.json_case(route, path, identity, base, "plausible body"))
            for hostile in fi.JSON_VALUES:
                for leaf in leaves:
                    body = set_path(base, leaf, hostile)
                    tiers[fi.rank(hostile, is_number(value_at(base, leaf)), str(leaf[-1]))].append(self.json_case(route, path, identity, body,
                                                              f"{'.'.join(map(str, leaf))}={hostile.label}"))
                for name in names:
                    body = set_path(base, (name,), hostile)
                    tiers[2 + hostile.tier].append(self.json_case(route, path, identity, body,
                                                                  f"{name}={hostile.label} (documented, not in the base body)"))
                if leaves and len(hostile.json) < 10000:
                    body = base
                    for leaf in leaves:
                        body = set_path(body, leaf, hostile)
                    tiers[1 + hostile.tier].append(self.json_case(route, path, identity, body,
                                                                  f"every field={hostile.label}"))
            for name in self.rng.sample(self.docs.all_fields, min(6, len(self.docs.all_fields))):
                if name not in base:
                    hostile = self.rng.choice(fi.NUMBERS[:8])
                    tiers[3].append(self.json_case(route, path, identity, set_path(base, (name,), hostile),
                                                   f"{name}={hostile.label} (a field of another route)"))
            for label_raw, raw in fi.RAW_BODIES:
                tiers[2].append(Case("json", route.method, path, route.template, identity, f"body: {label_raw}",
                                     raw, "application/json"))
            plain = render_json(base)
            for content_type in fi.WRONG_CONTENT_TYPES:
                tiers[3].append(Case("json", route.method, path, route.template, identity,
                                     f"content type {content_type!r}", plain.encode(), content_type))
            truncated = plain[: max(1, len(plain) // 2)]
            tiers[2].append(Case("json", route.method, path, route.template, identity, "truncated body",
                                 truncated.encode(), "application/json"))
        for values, why in self.hostile_bindings(route, real, 12):
            path = fi.fill(route.template, values)
            tiers[3].append(self.json_case(route, path, identity, self.json_base(route, real), why))
        refused = self.refused_identity(route, api=True)
        path = fi.fill(route.template, real) if real or not route.params else None
        if path:
            tiers[4].append(self.json_case(route, path, self.anonymous, {}, "no token"))
            if refused:
                tiers[4].append(self.json_case(route, path, refused, self.json_base(route, real), f"role {refused.role} lacks {route.access}"))
            session = self.sessions.get(identity.role or "") if identity else None
            if session:
                tiers[4].append(self.json_case(route, path, session, self.json_base(route, real), "session cookie instead of a token"))
        return self.first_plausible([self.shuffled(t) for t in tiers])

    def json_case(self, route: fi.Route, path: str, identity: Identity, body, cause: str) -> Case:
        return Case("json", route.method, path, route.template, identity, cause, lambda: render_json(body).encode(),
                    "application/json")

    def query_cases(self, route: fi.Route) -> list[list[Case]]:
        self.stream_rng("query", route.method, route.template)
        identity = self.identity_for(route, api=route.is_api) or self.anonymous
        bindings = self.concrete_bindings(route)
        if not bindings:
            bindings = [{}] if not route.params else []
        real = bindings[0] if bindings else None
        tiers: list[list[Case]] = [[], [], [], [], []]
        if real is not None:
            base_path = fi.fill(route.template, real)
            # The route's own GET forms first: their defaults with one field hostile.
            forms = [f for (method, template, *_), (f, _) in self.forms.items() if method == "GET" and template == route.template]
            bases: list[list[tuple[str, str]]] = [f.fields for f in forms[:2]]
            kinds: dict[str, str] = {n: k for f in forms[:2] for n, k in f.kinds.items()}
            doc_names = [n for n in self.docs.query_names]
            form_names = [n for f, _ in self.forms.values() for n in f.names() if n != "_csrf"]
            every_name = list(dict.fromkeys(doc_names + form_names + list(fi.PLAUSIBLE)))
            if not bases:
                # No form for it: the parameters the docs give for the route, with plausible values.
                names = list(dict.fromkeys(self.docs.query_by_route.get(route.template, []) +
                                           (self.docs.by_route.get(("GET", route.template), []) if route.is_api else [])))
                bases = [[(n, fi.plausible_text(n, "text", time.time())) for n in names]]
            for fields in bases:
                names = list(dict.fromkeys(n for n, _ in fields)) or []
                tiers[0].append(self.query_case(route, base_path, identity, list(fields), "plausible query"))
                for hostile in fi.TEXT_VALUES:
                    for name in names:
                        query = [(n, hostile.text if n == name else v) for n, v in fields]
                        tiers[fi.rank(hostile, looks_numeric(name, dict(fields).get(name, ''), kinds), name)].append(self.query_case(route, base_path, identity, query,
                                                                   f"{name}={hostile.label}"))
                    for name in self.rng.sample(every_name, min(3, len(every_name))):
                        if name in names:
                            continue
                        query = list(fields) + [(name, hostile.text)]
                        tiers[2 + hostile.tier].append(self.query_case(route, base_path, identity, query,
                                                                       f"{name}={hostile.label}"))
                    shotgun = [(n, hostile.text) for n in (every_name if len(hostile.text) < 1000 else every_name[:2])]
                    tiers[1 + hostile.tier].append(self.query_case(route, base_path, identity, shotgun,
                                                                   f"every parameter name={hostile.label}"))
            tiers[3].append(self.query_case(route, base_path, identity, [("a", "1")] * 2000, "2000 parameters"))
            tiers[3].append(Case("query", "GET", base_path + "?%zz=%&&=&" + "%ff%fe=%00", route.template, identity,
                                 "malformed percent-encoding"))
        for values, why in self.hostile_bindings(route, real or {}, 10):
            tiers[3].append(Case("query", "GET", fi.fill(route.template, values), route.template, identity, why))
        if real is not None:
            refused = self.refused_identity(route, api=route.is_api)
            if refused:
                tiers[4].append(Case("auth", "GET", fi.fill(route.template, real), route.template, refused,
                                     f"role {refused.role} lacks {route.access}"))
        return self.first_plausible([self.shuffled(t) for t in tiers])

    def query_case(self, route: fi.Route, path: str, identity: Identity, query: list[tuple[str, str]], cause: str) -> Case:
        def build() -> str:
            encoded = urlencode(query)
            return path + ("?" + encoded if encoded else "")
        return Case("query", "GET", build, route.template, identity, cause)

    def form_cases(self, form: fi.Form, identity: Identity) -> list[list[Case]]:
        self.stream_rng("form", form.method, self.template_of(form.method, form.action.split("?", 1)[0]),
                        sorted(form.names()), form.buttons[:1])
        tiers: list[list[Case]] = [[], [], [], [], []]
        path = form.action.split("?", 1)[0]
        template = self.template_of(form.method, path) or path
        if form.method == "GET":
            return tiers  # GET forms are sent by query_cases
        values = fi.match_path(template, path) or {}
        if not self.allowed_binding(template, values):
            return tiers
        fields = list(form.fields) + list(form.buttons[:1])
        names = [n for n in dict.fromkeys(n for n, _ in fields) if n != "_csrf"]
        fuzzable = [n for n in names if not PROTECT_FIELD.search(n)]

        def body_of(pairs: list[tuple[str, str]]) -> bytes:
            return urlencode(pairs).encode()

        def case(pairs, cause, content_type="application/x-www-form-urlencoded", who=identity):
            return Case("form", form.method, form.action, template, who, cause, lambda: body_of(pairs), content_type)

        # The form as a person would fill it: empty fields given plausible values, so that one
        # hostile field is judged with the others valid.
        now = time.time()
        def filled(name: str, value: str) -> str:
            if value or name == "_csrf" or PROTECT_FIELD.search(name):
                return value
            choices = [o for o in form.options.get(name, []) if o]
            return choices[0] if choices else fi.plausible_text(name, form.kinds.get(name, "text"), now)
        fields = [(n, filled(n, v)) for n, v in fields]
        tiers[0].append(case(fields, "the form, empty fields filled in"))
        for hostile in fi.TEXT_VALUES:
            for name in fuzzable:
                pairs = [(n, hostile.text if n == name else v) for n, v in fields]
                tiers[fi.rank(hostile, looks_numeric(name, dict(fields).get(name, ''), form.kinds), name)].append(case(pairs, f"{name}={hostile.label}"))
            if len(hostile.text) < 10000:
                pairs = [(n, hostile.text if n in fuzzable else v) for n, v in fields]
                tiers[1 + hostile.tier].append(case(pairs, f"every field={hostile.label}"))
        for name in fuzzable[:6]:
            tiers[3].append(case([(n, v) for n, v in fields if n != name], f"{name} missing"))
            tiers[3].append(case(fields + [(name, "1e308")], f"{name} given twice (second 1e308)"))
        tiers[3].append(case([(n, v) for n, v in fields if n == "_csrf"], "only the CSRF field"))
        tiers[3].append(case([(n, "x" if n == "_csrf" else v) for n, v in fields], "wrong CSRF token"))
        tiers[3].append(case(fields, "wrong content type text/plain", "text/plain"))
        tiers[3].append(Case("form", form.method, form.action, template, identity, "malformed percent-encoding",
                             b"_csrf=" + urllib.parse.quote(identity.csrf or "").encode() + b"&%zz=%&&=&%ff%fe=%00&a=%",
                             "application/x-www-form-urlencoded"))
        return self.first_plausible([self.shuffled(t) for t in tiers])

    @staticmethod
    def first_plausible(tiers: list[list[Case]]) -> list[list[Case]]:
        """The unmodified request goes first: it shows whether the base body reaches the handler."""
        first = [c for c in tiers[0] if c.cause in ("plausible body", "plausible query", "the form, empty fields filled in")]
        tiers[0] = first + [c for c in tiers[0] if c not in first]
        return tiers

    def shuffled(self, cases: list[Case]) -> list[Case]:
        self.rng.shuffle(cases)
        return cases

    # ---- the known crashers -------------------------------------------------------------------

    def known_crashers(self) -> list[Case]:
        cases: list[Case] = []
        api = self.tokens.get("prescriber")
        nurse = self.sessions.get("nurse") or self.sessions.get("prescriber")
        prescriber_session = self.sessions.get("prescriber") or nurse
        patient = self.own_patient or (self.pools.get("id") or [None])[0]
        if api:
            cases.append(Case("known", "POST", "/api/v1/pk", "/api/v1/pk", api, "issue 22: doseMg=1e308",
                              b'{"model":"domino","weightKg":70,"doseMg":1e308,"minutes":40}', "application/json"))
            if patient:
                path = f"/api/v1/patients/{patient}/record/weight"
                cases.append(Case("known", "POST", path, "/api/v1/patients/:id/record/:section", api,
                                  "issue 22: kilograms=1e308", b'{"kilograms":1e308,"measuredOn":"2026-11-20"}', "application/json"))
                path = f"/api/v1/patients/{patient}/record/height"
                cases.append(Case("known", "POST", path, "/api/v1/patients/:id/record/:section", api,
                                  "issue 22: a height of 1e300", b'{"centimetres":1e300,"measuredOn":"2026-11-20"}', "application/json"))
        if patient and nurse and nurse.csrf:
            form = self.find_form("POST", f"/patients/{patient}/record/weight")
            fields = list(form.fields) if form else [("_csrf", nurse.csrf), ("kilograms", ""), ("measuredOn", "2026-11-20")]
            name = next((n for n, _ in fields if "kilo" in n.lower() or "weight" in n.lower()), "kilograms")
            pairs = [(n, "1e308" if n == name else (nurse.csrf if n == "_csrf" else (v or "2026-11-20" if "date" in n.lower() or "On" in n else v)))
                     for n, v in fields]
            cases.append(Case("known", "POST", f"/patients/{patient}/record/weight", "/patients/:id/record/:section", nurse,
                              f"issue 22: the HTML weight form with {name}=1e308",
                              urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded"))
        if prescriber_session:
            form = self.find_form("GET", "/dosing/pk")
            base = [(n, v) for n, v in form.fields] if form else [("weightKg", "70"), ("doseMg", "35"), ("minutes", "40")]
            for name, value in (("thresholdNgPerMl", "1e308"), ("doseMg", "1e19"), ("mgPerKg", "1e19")):
                query = [(n, v) for n, v in base if n != name] + [(name, value)]
                cases.append(Case("known", "GET", "/dosing/pk?" + urllib.parse.urlencode(query), "/dosing/pk", prescriber_session,
                                  f"issue 22: {name}={value}"))
        return cases

    def find_form(self, method: str, action_path: str) -> fi.Form | None:
        for (m, template, *_), (form, _) in self.forms.items():
            if m == method and form.action.split("?", 1)[0] == action_path:
                return form
        template = self.template_of(method, action_path)
        for (m, t, *_), (form, _) in self.forms.items():
            if m == method and t == template:
                return form
        return None

    # ---- the plan ---------------------------------------------------------------------------

    def plan(self) -> list[Case]:
        """Choose the requests: each category gets a share of what is left of the budget, and
        within it every route (or form) gets its turn before any gets a second (tier by tier)."""
        # Hostile headers go first (few, cheap); sign-in and sign-out go last (failed sign-ins
        # count towards the throttle).
        first: list[Case] = self.header_cases()
        last: list[Case] = self.login_cases()
        left = max(0, self.args.requests - self.sent - len(first) - len(last))
        streams: dict[str, list[list[list[Case]]]] = {"json": [], "query": [], "form": []}
        for route in self.routes:
            if route.template in ("/logout",) or route.template.startswith("/login"):
                continue
            if route.is_api and route.method != "GET":
                streams["json"].append(self.json_cases(route))
            elif route.method == "GET":
                streams["query"].append(self.query_cases(route))
        for key in sorted(self.forms, key=lambda k: (k[1], k[0], str(k[3]), str(k[4]), self.session_names.get(k[5], k[5]))):
            form, identity = self.forms[key]
            if key[1] in ("/logout",) or key[1].startswith("/login"):
                continue
            streams["form"].append(self.form_cases(form, identity))
        # Routes with no form found on any page still get posted: the route's params filled, the
        # field names of forms elsewhere.
        posted = {k[1] for k in self.forms if k[0] == "POST"}
        for route in self.routes:
            if route.is_api or route.method != "POST" or route.template in posted or route.template in ("/logout",) \
                    or route.template.startswith("/login"):
                continue
            identity = self.identity_for(route, api=False)
            bindings = self.concrete_bindings(route)
            if identity is None or not bindings:
                continue
            path = fi.fill(route.template, bindings[0])
            fields = [("_csrf", identity.csrf or "")] + [(n, "1") for n in ("reason", "note", "value")]
            streams["form"].append(self.form_cases(fi.Form("POST", path, fields, [], {}, path), identity))
        shares = {"json": 0.45, "form": 0.32, "query": 0.23}
        chosen: dict[str, list[Case]] = {}
        spare = 0
        for name in ("json", "form", "query"):
            quota = int(left * shares[name]) + spare
            chosen[name] = round_robin(streams[name], quota)
            spare = quota - len(chosen[name])
        if spare > 0:
            for name in ("json", "form", "query"):
                more = round_robin(streams[name], len(chosen[name]) + spare)
                spare -= len(more) - len(chosen[name])
                chosen[name] = more
        # Interleave the categories so that a run cut short by time still touches each.
        ordered: list[Case] = []
        lists = [chosen["json"], chosen["form"], chosen["query"]]
        index = [0, 0, 0]
        while any(index[i] < len(lists[i]) for i in range(3)):
            for i in range(3):
                total = sum(len(x) for x in lists)
                step = max(1, round(3 * len(lists[i]) / max(1, total)))
                for _ in range(step):
                    if index[i] < len(lists[i]):
                        ordered.append(lists[i][index[i]])
                        index[i] += 1
        return first + ordered + last

    def header_cases(self) -> list[Case]:
        """Hostile headers: credentials, cookies, host, forwarding and caching headers."""
        cases: list[Case] = []
        token = self.tokens.get("nurse") or next(iter(self.tokens.values()), None)
        session = self.sessions.get("nurse") or next(iter(self.sessions.values()), None)
        asset = next(iter(self.pools.get("name", [])), "app.css")
        for value in ("Bearer ", "Bearer " + "A" * 8000, "Bearer kc_\x00\x01", "Bearer kc_é漢字", "Basic Zm9vOmJhcg==",
                      "bearer " + (token.token if token and token.token else "x"), "Bearer 1e308", "Bearer " + "kc_" * 3,
                      "Bearer a Bearer b"):
            cases.append(Case("header", "GET", "/api/v1/me", "/api/v1/me", self.anonymous, "Authorization header",
                              headers={"Authorization": value}))
        for value in ("kc_session=" + "A" * 8000, "kc_session=%00%ff", "kc_session=1e308; kc_session=2", "kc_session=",
                      "=;;;==", "kc_session=\"quoted\"", "kc_form=" + "B" * 3000):
            cases.append(Case("header", "GET", "/", "/", self.anonymous, "Cookie header", headers={"Cookie": value}))
        for name, value in (("Host", "evil.example"), ("Host", ""), ("Host", "A" * 3000), ("Host", "127.0.0.1:99999999999"),
                            ("X-Forwarded-For", "1e308, 999.999.999.999, ::ffff:zz"), ("X-Forwarded-For", "A" * 5000),
                            ("X-Request-Id", "\u00e9" * 100), ("Accept", "application/json;q=1e308"),
                            ("Accept-Language", "zz-ZZ;q=NaN, *;q=-1"), ("If-None-Match", "*" * 5000),
                            ("If-Modified-Since", "Sat, 99 Foo 1e308 25:61:61 GMT"), ("Range", "bytes=1e308-9223372036854775808")):
            who = session or self.anonymous
            cases.append(Case("header", "GET", "/patients" if session else "/login", "/patients" if session else "/login",
                              who, f"{name} header", headers={name: value}))
            cases.append(Case("header", "GET", f"/assets/{urllib.parse.quote(asset, safe='')}", "/assets/:name", self.anonymous,
                              f"{name} header on an asset", headers={name: value}))
        if token:
            cases.append(Case("header", "POST", "/api/v1/pk", "/api/v1/pk", token, "Content-Type with NUL parameters",
                              b'{"model":"domino","weightKg":70,"doseMg":35,"minutes":40}', "application/json; charset=\x00x"))
            cases.append(Case("header", "POST", "/api/v1/score", "/api/v1/score", token, "Content-Encoding gzip on plain JSON",
                              b'{"instrument":"phq9","answers":[1,2,3,0,1,2,1,0,1]}', "application/json",
                              headers={"Content-Encoding": "gzip"}))
        return cases

    def login_cases(self) -> list[Case]:
        cases: list[Case] = []
        who = self.login_identity
        if who.csrf:
            for cause, pairs in (("email=1e308", [("email", "1e308"), ("password", "x")]),
                                 (f"email of {fi.HUGE} 'A'", [("email", "A" * fi.HUGE), ("password", "x")]),
                                 ("password with NUL and controls", [("email", "nobody@fuzz.invalid"), ("password", "a\x00\x01\x7f")]),
                                 ("next=//evil and unicode", [("email", "Zoë@漢字.test"), ("password", "😀"), ("next", "/\t/evil.example")])):
                body = urllib.parse.urlencode([("_csrf", who.csrf)] + pairs).encode()
                cases.append(Case("form", "POST", "/login", "/login", who, cause, body, "application/x-www-form-urlencoded",
                                  cause if len(body) > 1500 else ""))
            cases.append(Case("form", "POST", "/login/two-factor", "/login/two-factor", who, "code=1e308 with no pending sign-in",
                              urllib.parse.urlencode([("_csrf", who.csrf), ("code", "1e308")]).encode(), "application/x-www-form-urlencoded"))
        for query in ("next=%2F%09%2Fevil.example", "next=" + "A" * 5000, "next=%00"):
            cases.append(Case("query", "GET", "/login?" + query, "/login", self.anonymous, query[:40]))
            cases.append(Case("query", "GET", "/login/two-factor?" + query, "/login/two-factor", self.anonymous, query[:40]))
        for role, identity in sorted(self.sessions.items()):
            cases.append(Case("form", "POST", "/logout", "/logout", identity, "sign-out with a wrong CSRF token",
                              b"_csrf=1e308", "application/x-www-form-urlencoded"))
        return cases

    # ---- main -------------------------------------------------------------------------------

    def execute(self) -> None:
        print(f"fuzz: {len(self.routes)} routes in docs/permissions.md; {len(self.docs.all_fields)} field names from the docs",
              flush=True)
        self.make_tokens()
        for role in ROLES:
            if role in self.server.credentials:
                identity = self.sign_in(role)
                if identity:
                    self.sessions[role] = identity
        print(f"fuzz: tokens for {', '.join(sorted(self.tokens))}; browser sessions for {', '.join(sorted(self.sessions))}",
              flush=True)
        fi.set_times(time.time())
        self.harvest()
        crawl_limit = max(40, int(self.args.requests * 0.12))
        self.crawl(crawl_limit)
        ids = {name: len(values) for name, values in sorted(self.pools.items())}
        print(f"fuzz: after harvest and crawl ({self.sent} requests): {len(self.forms)} forms; ids {ids}", flush=True)
        for case in self.known_crashers():
            if not self.budget_left():
                break
            if self.excluded(case):
                continue
            self.run_case(case)
        plan = self.plan()
        print(f"fuzz: {len(plan)} planned requests after {self.sent}; budget {self.args.requests} requests, "
              f"{self.args.seconds:.0f} s ({time.monotonic() - self.started:.0f} s used)", flush=True)
        last_report = time.monotonic()
        for case in plan:
            if not self.budget_left():
                break
            if self.excluded(case):
                continue
            self.run_case(case)
            if time.monotonic() - last_report > 30:
                last_report = time.monotonic()
                print(f"fuzz: {self.sent} requests, {time.monotonic() - self.started:.0f} s, "
                      f"{len(self.server_errors)} 5xx", flush=True)
        if self.crash is None and time.monotonic() >= self.deadline:
            self.stop_reason = f"time budget of {self.args.seconds:.0f} s reached"
        elif self.crash is None and self.sent >= self.args.requests:
            self.stop_reason = f"request budget of {self.args.requests} reached"
        elif self.crash is None:
            self.stop_reason = "every planned request sent"
        else:
            self.stop_reason = "the server died"

    def excluded(self, case: Case) -> bool:
        return bool(self.args.exclude and re.search(self.args.exclude, f"{case.method} {case.template} {case.cause}"))


def urlencode(pairs) -> str:
    """Form/query encoding that also carries lone surrogates (as the invalid UTF-8 they would be)."""
    return urllib.parse.urlencode(pairs, encoding="utf-8", errors="surrogatepass", quote_via=urllib.parse.quote)


def fi_email(role: str) -> str:
    return DEMO_EMAILS[role]


def fi_contact_sections(docs: fi.DocFields) -> list[str]:
    return docs.contact_sections or ["contact", "emergency-contact"]


def value_at(value, path: tuple):
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def looks_numeric(name: str, value: str, kinds: dict[str, str]) -> bool:
    """A form or query field that holds a number (its type, its value, or its name says so)."""
    if kinds.get(name) == "number":
        return True
    try:
        float(value)
        return value.strip() != ""
    except ValueError:
        return bool(re.search(r"(Kg|Mg|Ml|Cm|Minutes|Min|Rate|Score|Total|Per|Hours|Days|Count|Limit|Age|systolic|diastolic|heart|oxygen|respiratory|temperature)",
                              name, re.I))


def items_of(value) -> list[dict]:
    """The objects of a list answer, or of its "items"."""
    if isinstance(value, dict):
        value = value.get("items", [])
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def walk_dicts(value) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def section_example(section: str) -> dict:
    """The value of a record or contact section as docs/examples/screening-patient.json shows it."""
    try:
        with open(os.path.join(fi.DOCS, "examples", "screening-patient.json"), encoding="utf-8") as f:
            example = json.load(f)
    except (OSError, ValueError):
        example = {}
    camel = re.sub(r"-([a-z])", lambda m: m.group(1).upper(), section)
    for key in (camel, camel + "s", re.sub(r"y$", "ies", camel), "current" + camel[:1].upper() + camel[1:],
                re.sub(r"is$", "es", camel), "registration" if section == "identity" else ""):
        value = example.get(key)
        if isinstance(value, list) and value:
            value = value[-1]
        if isinstance(value, dict):
            return json.loads(json.dumps(value))
    return {"kilograms": 72.5, "measuredOn": "2026-11-20"}


def leaf_paths(value, prefix: tuple = (), limit: int = 40) -> list[tuple]:
    """Paths to every leaf (and every empty container) of a JSON value, at most `limit`."""
    out: list[tuple] = []
    if isinstance(value, dict) and value:
        for key, child in value.items():
            out += leaf_paths(child, prefix + (key,), limit)
    elif isinstance(value, list) and value:
        for index, child in enumerate(value[:3]):
            out += leaf_paths(child, prefix + (index,), limit)
    elif prefix:
        out.append(prefix)
    return out[:limit]


class Raw:
    """A JSON value written as given (hostile numbers keep their exact spelling)."""
    def __init__(self, text: str):
        self.text = text


def set_path(value, path: tuple, hostile: fi.Hostile):
    """A copy of value with the leaf at path replaced by the hostile value."""
    if not path:
        return Raw(hostile.json)
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        copy[head] = set_path(value.get(head), rest, hostile)
        return copy
    if isinstance(value, list) and isinstance(head, int) and head < len(value):
        copy = list(value)
        copy[head] = set_path(value[head], rest, hostile)
        return copy
    return {head: set_path(None, rest, hostile)}


def render_json(value) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {render_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render_json(v) for v in value) + "]"
    return json.dumps(value)


def round_robin(streams: list[list[list[Case]]], count: int) -> list[Case]:
    """Take cases tier by tier; within a tier one from each stream in turn, until `count`."""
    out: list[Case] = []
    tiers = max((len(s) for s in streams), default=0)
    for tier in range(tiers):
        lists = [s[tier] for s in streams if tier < len(s) and s[tier]]
        index = 0
        while len(out) < count and lists:
            progressed = False
            for cases in lists:
                if index < len(cases):
                    out.append(cases[index])
                    progressed = True
                    if len(out) >= count:
                        break
            if not progressed:
                break
            index += 1
        if len(out) >= count:
            break
    return out


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(fi.ROOT, ".build", "debug", "ketaclinic"))
    parser.add_argument("--requests", type=int, default=4000, help="most requests to send (default 4000)")
    parser.add_argument("--seconds", type=float, default=240, help="most seconds of fuzzing (default 240)")
    parser.add_argument("--seed", type=int, default=1, help="chooses and orders the requests (default 1)")
    parser.add_argument("--min-requests", type=int, default=None,
                        help="fail if fewer requests were made (default: a quarter of --requests, at most 1000)")
    parser.add_argument("--demo-patients", type=int, default=None, help="demo clinic size (server default if absent)")
    parser.add_argument("--exclude", default=None,
                        help="skip cases whose 'METHOD template cause' matches this regex (to look past a known crash)")
    parser.add_argument("--findings", default=None, help="append each new 5xx or crash to this Markdown file")
    parser.add_argument("--json", action="store_true", help="also print the summary as one JSON object (last line)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server log)")
    parser.add_argument("--verbose", action="store_true", help="print every request")
    args = parser.parse_args()
    minimum = args.min_requests if args.min_requests is not None else min(1000, args.requests // 4)

    # A SIGTERM (CI's step timeout) stops the server on the way out, like Ctrl-C does.
    def interrupted(number, frame):
        raise KeyboardInterrupt(f"signal {number}")
    signal.signal(signal.SIGTERM, interrupted)
    if not os.path.exists(args.binary):
        print(f"fuzz: no binary at {args.binary} (build it with `swift build`)", flush=True)
        print("fuzz: 0 passed, 1 failed")
        return 1
    workdir = tempfile.mkdtemp(prefix="kc-fuzz-")
    binary = os.path.join(workdir, "ketaclinic")
    shutil.copy2(args.binary, binary)
    database = f"sqlite:{os.path.join(workdir, 'fuzz.sqlite')}"
    try:
        server = Server(binary, workdir, database, demo=True, demo_patients=args.demo_patients, log_level="notice")
    except OSError as error:  # e.g. a binary copied while it was being rebuilt
        print(f"fuzz: cannot start {args.binary}: {error}")
        print("fuzz: 0 passed, 1 failed")
        shutil.rmtree(workdir, ignore_errors=True)
        return 1
    fuzzer: Fuzzer | None = None
    healthy = False
    try:
        server.start(timeout=120, expect_credentials=True)
        fuzzer = Fuzzer(args, server, workdir, binary)
        try:
            fuzzer.execute()
        except KeyboardInterrupt as error:
            fuzzer.warnings.append(f"interrupted ({error or 'Ctrl-C'}): the run is incomplete")
            fuzzer.stop_reason = "interrupted"
            fuzzer.harness_error = True
        except Exception as error:  # noqa: BLE001 - report with the server's state, then fail
            traceback.print_exc()
            fuzzer.warnings.append(f"the harness stopped early: {type(error).__name__}: {error}")
            fuzzer.stop_reason = fuzzer.stop_reason or "harness error"
            fuzzer.harness_error = True
        if server.process.poll() is None:
            health = send(server.port, "GET", "/healthz", {}, None, timeout=10)
            healthy = health.status == 200 and (json_of(health) or {}).get("status") == "ok"
            if not healthy:
                print(f"fuzz: GET /healthz at the end answered {health.status} {health.error}", flush=True)
        elif fuzzer.crash is None:
            fuzzer.crash = (Case("unknown", "?", "?", "?", fuzzer.anonymous, "the process exited between requests"),
                            Outcome(None))
    finally:
        exit_status = server.process.poll()
        server.stop()
    return report(args, fuzzer, server, workdir, healthy, exit_status, minimum)


def report(args, fuzzer: Fuzzer | None, server: Server, workdir: str, healthy: bool, exit_status, minimum: int) -> int:
    if fuzzer is None:
        print("fuzz: the server did not start\n" + server.tail(40))
        print("fuzz: 0 passed, 1 failed")
        return 1
    crashes = 1 if fuzzer.crash else 0
    five = len(fuzzer.server_errors)
    timeouts = len(fuzzer.timeouts)
    answered_ok = sum(count for klass, count in fuzzer.status_classes.items() if klass not in ("5xx", "no answer"))
    failed = five + crashes + timeouts
    too_few = fuzzer.sent < minimum
    harness_error = getattr(fuzzer, "harness_error", False)
    elapsed = time.monotonic() - fuzzer.started
    for warning in fuzzer.warnings:
        print(f"fuzz: note: {warning}")
    if fuzzer.no_answer:
        print(f"fuzz: {len(fuzzer.no_answer)} requests had their connection closed without an answer (server alive), e.g.:")
        for case, outcome in fuzzer.no_answer[:3]:
            print(f"  {case.method} {case.path[:100]} ({case.cause[:60]}): {outcome.error}")
    for case, outcome in fuzzer.timeouts:
        print(f"\nFAIL no answer within {REQUEST_TIMEOUT:.0f} s\n{case.reproduction(fuzzer.base)}")
    if fuzzer.crash or fuzzer.server_errors or fuzzer.timeouts:
        print("\nfuzz: reproductions of every failure:")
        if fuzzer.crash:
            case, _ = fuzzer.crash
            print(f"CRASH (exit status {exit_status})\n{case.reproduction(fuzzer.base)}")
        seen = set()
        for case, outcome in fuzzer.server_errors:
            key = (case.method, case.template, re.sub(r"=.*", "", case.cause))
            if key in seen:
                continue
            seen.add(key)
            print(f"HTTP {outcome.status}\n{case.reproduction(fuzzer.base)}")
        print("server log tail:\n" + server.tail(40))
        args.keep = True
    if too_few:
        print(f"fuzz: only {fuzzer.sent} requests were made; at least {minimum} are required")
    documented = {(r.method, r.template) for r in fuzzer.routes}
    unreached = sorted(documented - fuzzer.reached)
    print(f"fuzz: routes requested: {len(documented) - len(unreached)} of {len(documented)} in docs/permissions.md"
          + (f"; not requested: {', '.join(m + ' ' + t for m, t in unreached)}" if unreached else ""))
    classes = ", ".join(f"{k} {v}" for k, v in sorted(fuzzer.status_classes.items()))
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(fuzzer.per_kind.items()))
    print(f"fuzz: {fuzzer.sent} requests in {elapsed:.0f} s ({fuzzer.stop_reason}); crashes {crashes}; 5xx {five}; "
          f"timeouts {timeouts}; by status: {classes}; by kind: {kinds}; /healthz at the end: "
          f"{'ok' if healthy else 'FAILED'}")
    if args.keep:
        print(f"fuzz: kept {workdir} (server log {server.log_path})")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    ok = not failed and healthy and not too_few and not harness_error
    if not healthy and not crashes:
        print("fuzz: FAIL: GET /healthz did not answer 200 {\"status\":\"ok\"} at the end")
    if harness_error:
        print("fuzz: FAIL: the run stopped early (interrupted, or the harness failed: see above)")
    print(f"fuzz: {answered_ok} passed, {failed} failed")
    if args.json:
        print(json.dumps({"requests": fuzzer.sent, "seconds": round(elapsed, 1), "seed": args.seed, "crashes": crashes,
                          "server_errors": five, "timeouts": timeouts, "no_answer": len(fuzzer.no_answer),
                          "status_classes": fuzzer.status_classes, "kinds": fuzzer.per_kind, "healthz_ok": healthy,
                          "minimum_requests": minimum, "passed": answered_ok, "failed": failed, "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
