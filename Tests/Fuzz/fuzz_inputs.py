"""What the fuzz harness sends: the hostile values, the routes and field names read from the docs,
the HTML forms and links found on the pages, and the route templates matched against concrete paths.

Everything here is pure (no network), so the harness's choice of requests depends only on the docs,
the pages the server shows and the seed."""

from __future__ import annotations

import base64
import html.parser
import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOCS = os.path.join(ROOT, "docs")

# --------------------------------------------------------------------------------------------
# Hostile values
# --------------------------------------------------------------------------------------------

HUGE = 100_000  # characters in a "huge" string (100 kB, well under the 1 MiB body limit)


@dataclass(frozen=True)
class Hostile:
    """One hostile value: `json` is its raw JSON text (numbers written exactly as given, so
    9223372036854775808 is not rounded by Python), `text` its form/query-string spelling,
    `label` how a reproduction names it, `tier` 0 for the numeric values that have crashed
    the server before (sent first), 1 for the rest."""
    label: str
    json: str
    text: str
    tier: int = 1


def _s(label: str, text: str, tier: int = 1) -> Hostile:
    return Hostile(label, json.dumps(text), text, tier)


NUMBERS = [
    Hostile("1e308", "1e308", "1e308", 0),
    Hostile("-1e308", "-1e308", "-1e308", 0),
    Hostile("1e19", "1e19", "1e19", 0),
    Hostile("-1e19", "-1e19", "-1e19", 0),
    Hostile("9223372036854775807", "9223372036854775807", "9223372036854775807", 0),
    Hostile("9223372036854775808", "9223372036854775808", "9223372036854775808", 0),
    Hostile("-9223372036854775809", "-9223372036854775809", "-9223372036854775809", 0),
    Hostile("1e300", "1e300", "1e300", 0),
    Hostile("-0.0", "-0.0", "-0.0", 0),
    Hostile("1e-320", "1e-320", "1e-320", 0),
    Hostile("0", "0", "0", 0),
    Hostile("-1", "-1", "-1", 0),
    Hostile("1e400 (overflows a Double)", "1e400", "1e400", 0),
    Hostile("4294967296", "4294967296", "4294967296"),
    Hostile("2147483648.5", "2147483648.5", "2147483648.5"),
    Hostile("0.5", "0.5", "0.5"),
    Hostile("5000-digit integer", "9" * 5000, "9" * 5000),
]

STRINGS = [
    _s("string 1e308", "1e308", 0),
    _s("string NaN", "NaN", 0),
    _s("string Infinity", "Infinity", 0),
    _s("string -Infinity", "-Infinity"),
    _s("string nan", "nan"),
    _s("string inf", "inf"),
    _s("string 1e19", "1e19"),
    _s("string 9223372036854775808", "9223372036854775808"),
    _s("empty string", ""),
    _s("spaces", "   "),
    _s(f"string of {HUGE} 'A'", "A" * HUGE),
    _s(f"string of {HUGE // 4} '😀'", "😀" * (HUGE // 4)),
    _s("unicode", "Zoë ΔΣ 漢字 😀 \u202eRTL \ufeffBOM \u200b"),
    _s("control characters", "a\x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7fz"),
    _s("NUL inside", "72\x0005"),
    _s("CR LF inside", "a\r\nSet-Cookie: x=y\r\n"),
    _s("lone surrogate escape", "\ud800"),
    _s("markup", "<script>alert(1)</script>\"'&"),
    _s("SQL", "' OR 1=1 --; DROP TABLE patients;"),
    _s("format string", "%s%s%n%x{0}${x}"),
    _s("path", "../../../../etc/passwd"),
    _s("date 9999-99-99", "9999-99-99"),
    _s("date 2026-02-30", "2026-02-30"),
    _s("date 0000-01-01", "0000-01-01"),
    _s("date year 275760", "275760-09-13T00:00:00Z"),
    _s("date year -271821", "-271821-04-20"),
    _s("instant 1e308", "1e308T00:00:00Z"),
    _s("date 9999-12-31", "9999-12-31"),
    _s("date 0001-01-01", "0001-01-01"),
    _s("date 1970-01-01", "1970-01-01"),
    _s("date 1582-10-10 (skipped by the Gregorian reform)", "1582-10-10"),
    _s("date-time 9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
    _s("date-time hour 25", "2026-11-20T25:61:61Z"),
    _s("date-time offset +99:99", "2026-11-20T10:00:00+99:99"),
    _s("uuid zero", "00000000-0000-0000-0000-000000000000"),
    _s("cursor: base64 of separators", base64.urlsafe_b64encode(b"\x1f\x1f\x1f\x1f").decode()),
    _s("cursor: base64 of a name and no id", base64.urlsafe_b64encode(b"Smith\x1fJo\x1fnot-a-uuid").decode()),
    _s("cursor: base64 of 1e308", base64.urlsafe_b64encode(b"1e308\x1f9223372036854775808").decode()),
    _s("cursor: bad base64", "!!!="),
    _s("cursor: base64 of invalid UTF-8", base64.urlsafe_b64encode(b"\xff\xfe\x1f\xc3").decode()),
    _s("comma decimal", "70,5"),
    _s("hex", "0x7fffffffffffffff"),
    _s("arabic digits", "٧٠"),
    _s("number with unit", "70kg"),
]

# JSON-only shapes: wrong types and nesting.
DEPTH = 5000
SHAPES = [
    Hostile("null", "null", "null"),
    Hostile("true", "true", "true"),
    Hostile("false", "false", "false"),
    Hostile("empty array", "[]", "[]"),
    Hostile("empty object", "{}", "{}"),
    Hostile("array of 1e308", "[1e308, -1e308, 1e19]", "[1e308]", 0),
    Hostile("object with 1e308", '{"value": 1e308, "kilograms": 1e308}', "{}", 0),
    Hostile(f"array nested {DEPTH} deep", "[" * DEPTH + "]" * DEPTH, "[[[[[[]]]]]]"),
    Hostile(f"object nested {DEPTH} deep", '{"a":' * DEPTH + "1" + "}" * DEPTH, "{}"),
    Hostile("array of 20000 numbers", "[" + ",".join(["1e308"] * 20000) + "]", "[]"),
    Hostile("array of huge strings", json.dumps(["B" * 20000] * 4), "[]"),
]

JSON_VALUES = NUMBERS + STRINGS + SHAPES

# The values that have stopped the server before, sent first to the fields that hold numbers.
CORE = {"1e308", "-1e308", "1e19", "9223372036854775808", "1e-320", "0", "-1", "1e400 (overflows a Double)"}


DATE_FIELD = re.compile(r"(On|At|Date|date|start|expiry|from|to|until|day)$")


def rank(hostile: Hostile, numeric_field: bool, name: str = "") -> int:
    """Which tier a single-field case goes to: crash-prone numbers in number fields first, then
    extreme dates in date fields."""
    if hostile.label.startswith(("date", "instant")) and DATE_FIELD.search(name or ""):
        return 1
    if hostile.label.startswith("cursor") and name in ("after", "before", "next", "cursor"):
        return 0
    if hostile.label in CORE:
        return 0 if numeric_field else 1
    if hostile.tier == 0:
        return 1 if numeric_field else 2
    return 2
TEXT_VALUES = NUMBERS + STRINGS  # for forms and query strings (their text spelling)

# Whole bodies that are not a well-formed JSON object.
RAW_BODIES: list[tuple[str, bytes]] = [
    ("empty body", b""),
    ("invalid JSON", b"not json"),
    ("truncated object", b'{"weightKg": 70, "doseMg": '),
    ("open brace", b"{"),
    ("NUL byte", b"\x00"),
    ("invalid UTF-8", b'{"name": "\xff\xfe\xc3"}'),
    ("UTF-8 BOM", b'\xef\xbb\xbf{"a": 1}'),
    ("top-level array", b"[1, 2, 3]"),
    ("top-level number 1e308", b"1e308"),
    ("top-level string", b'"x"'),
    ("top-level null", b"null"),
    ("duplicate keys", b'{"a": 1, "a": 2}'),
    ("trailing garbage", b'{"a": 1} trailing'),
    ("NaN literal", b'{"weightKg": NaN, "doseMg": Infinity}'),
    ("comments", b'{/* c */ "a": 1}'),
    (f"array nested {DEPTH * 4} deep", b"[" * (DEPTH * 4) + b"]" * (DEPTH * 4)),
    (f"object nested {DEPTH * 4} deep", b'{"a":' * (DEPTH * 4) + b"1" + b"}" * (DEPTH * 4)),
    ("UTF-16 text", '{"a": 1}'.encode("utf-16")),
]

# Content types that are not JSON, sent with a JSON body.
WRONG_CONTENT_TYPES = [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                       "application/json; charset=utf-16", "application/jsonx", "*/*", "application/json\x7f"]

# Path parameter values that name nothing (or try to escape the path).
HOSTILE_IDS = [
    "0", "-1", "1e308", "9223372036854775808", "99999999999999999999999", "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff", "..", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%00", "%0d%0aX:y", "%ff%fe",
    "A" * 4000, "%F0%9F%98%80", "'%20OR%201=1--", "NaN", "-0", "%20", "null", "[]",
]

# --------------------------------------------------------------------------------------------
# Plausible values for documented fields (the base body a hostile value is placed in)
# --------------------------------------------------------------------------------------------

PLAUSIBLE: dict[str, object] = {
    "model": "domino", "weightKg": 70, "doseMg": 35, "minutes": 40, "untilMin": 180, "stepMin": 5,
    "thresholdNgPerMl": 100, "compareMinutes": 100, "devices": 2, "mgPerKg": 0.5, "heightCm": 170, "sex": "female",
    "weightBasis": "actual", "vialMgPerMl": 50, "bagMl": 100, "excludeDrugVolume": False,
    "kilograms": 72.5, "measuredOn": "2026-11-20", "centimetres": 170, "centimeters": 170,
    "givenName": "Fuzz", "familyName": "Testwood", "dateOfBirth": "1980-05-17", "sexAtBirth": "female",
    "genderIdentity": "woman", "reason": "Corrected after checking the chart", "name": "lorazepam", "dose": "1 mg bd",
    "classes": ["benzodiazepine"], "lorazepamEquivalentMgPerDay": 2, "kind": "medication", "treatment": "sertraline",
    "drugClass": "ssri", "adequateDose": True, "startedOn": "2025-01-10", "endedOn": "2025-03-20",
    "optimised": False, "inCurrentEpisode": True,
    "systolic": 128, "diastolic": 80, "heartRate": 72, "oxygenSaturation": 98, "respiratoryRate": 14,
    "temperatureCelsius": 36.8, "takenAt": "2026-11-20T10:00:00Z", "at": "2026-11-20T10:00:00Z",
    "command": "check-in", "chair": "Chair 2", "identityConfirmed": True, "consentOnFile": True,
    "fastingConfirmed": True, "escortAndTransportArranged": True, "pregnancy": "not-applicable",
    "remsEnrolmentConfirmed": True, "note": "Fuzz note", "product": "ketamine", "lotNumber": "LOT1",
    "expiry": "2027-01-01", "concentrationMgPerMl": 50, "route": "intravenous", "pumpRateMlPerHour": 151.1,
    "administeredBy": "Nurse", "checkedBy": "Prescriber", "registerReference": "R-1", "newRateMlPerHour": 100,
    "cadssTotal": 10, "moaas": 4, "symptoms": ["nausea"], "respiratoryDepression": False, "description": "Nausea",
    "severity": "mild", "serious": False, "interventions": "none", "action": "observed", "outcome": "resolved", "text": "Session note text",
    "escortPresent": True, "readyWithoutMinimumMinutes": False, "activity": 2, "respiration": 2, "circulation": 2,
    "consciousness": 2, "oxygenSaturationScore": 2, "submittedOn": "2026-11-20", "channel": "online",
    "confirmation": "C-1", "instrument": "phq9", "answers": [1, 2, 3, 0, 1, 2, 1, 0, 1], "administeredOn": "2026-11-20",
    "instruments": ["phq9"], "protocol": "iv-ketamine-standard", "start": "2026-12-07", "sessions": 6,
    "frequencies": [], "limitReason": "", "recordRevision": 1, "basedOnVersion": 1,
    "review": {"overrides": [], "acknowledgements": []}, "value": {"kilograms": 72.5, "measuredOn": "2026-11-20"},
}

# Routes whose documented field list is not enough for a body the handler accepts.
ALDRETE = {"consciousness": 2, "circulation": 2, "respiration": 2, "oxygenSaturation": 2, "activity": 2}
ROUTE_BASES: dict[tuple[str, str], dict] = {
    ("POST", "/api/v1/sessions/:session/discharge-assessment"): {**ALDRETE, "escortPresent": True},
    ("POST", "/api/v1/alerts/:alert/acknowledge"): {"action": "reviewed-no-further-action", "note": "Called the patient"},
    ("POST", "/api/v1/sessions/:session/alerts/:alert/acknowledge"): {"action": "observed", "note": "Observed"},
    ("POST", "/api/v1/sessions/:session/infusion-changes"): {"kind": "rate-changed", "newRateMlPerHour": 120,
                                                              "reason": "Patient comfort"},
    ("POST", "/api/v1/patients/:id/plans/preview"): {"protocol": "", "start": "", "sessions": 6},
    ("POST", "/api/v1/patients/:id/plans"): {"protocol": "", "start": "", "sessions": 6},
}


def set_times(now: float) -> None:
    """Dates and times that must be near the present (a reading within the last 12 hours, a plan
    that starts tomorrow), set once the run starts."""
    import time as _time
    instant = _time.strftime("%Y-%m-%dT%H:%M:%SZ", _time.gmtime(now - 300))
    today = _time.strftime("%Y-%m-%d", _time.gmtime(now))
    tomorrow = _time.strftime("%Y-%m-%d", _time.gmtime(now + 86400))
    PLAUSIBLE.update(takenAt=instant, at=instant, submittedOn=today, administeredOn=today, start=tomorrow)
    for body in ROUTE_BASES.values():
        if "start" in body:
            body["start"] = tomorrow


def plausible_text(name: str, kind: str, now: float) -> str:
    """What a person would type into an empty form field of this name and type."""
    import time as _time
    value = PLAUSIBLE.get(name)
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (int, float, str)) and value != "":
        return str(value)
    lowered = name.lower()
    if kind == "date" or lowered.endswith(("on", "date")) or lowered in ("from", "to", "day", "end"):
        return _time.strftime("%Y-%m-%d", _time.gmtime(now))
    if kind == "datetime-local" or lowered in ("at", "takenat"):
        return _time.strftime("%Y-%m-%dT%H:%M", _time.localtime(now - 300))
    if kind == "time":
        return _time.strftime("%H:%M", _time.localtime(now - 300))
    if kind == "number" or any(w in lowered for w in ("kg", "mg", "ml", "rate", "minutes", "score", "total", "count")):
        return "1"
    if kind == "email" or "email" in lowered:
        return "fuzz@example.org"
    if kind == "tel" or "phone" in lowered:
        return "+1 555 0100"
    if kind == "password" or "password" in lowered or "code" in lowered:
        return ""
    return "Fuzz text"


# --------------------------------------------------------------------------------------------
# Routes, the permission matrix and the documented fields
# --------------------------------------------------------------------------------------------

ROUTE_LINE = re.compile(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$")
MATRIX_LINE = re.compile(r"^\|\s*`([a-z_.]+)`\s*\|[^|]*\|(.*)\|\s*$")
MATRIX_ROLES = ["administrator", "prescriber", "nurse", "front_desk"]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    access: str  # "open", "signed-in" or a permission

    @property
    def is_api(self) -> bool:
        return self.template.startswith("/api/")

    @property
    def params(self) -> list[str]:
        return re.findall(r":([A-Za-z_]+)", self.template)


def read_routes(path: str | None = None) -> list[Route]:
    """Every `| METHOD | \\`path\\` | access |` line of docs/permissions.md."""
    routes = []
    with open(path or os.path.join(DOCS, "permissions.md"), encoding="utf-8") as f:
        for line in f:
            match = ROUTE_LINE.match(line.strip())
            if not match:
                continue
            method, template, access = match.groups()
            perm = re.search(r"`([a-z_.]+)`", access)
            if perm:
                access = perm.group(1)
            elif "open" in access:
                access = "open"
            else:
                access = "signed-in"
            routes.append(Route(method, template, access))
    return routes


def read_matrix(path: str | None = None) -> dict[str, set[str]]:
    """{role: permissions} from the ✓ columns of docs/permissions.md's role table."""
    roles: dict[str, set[str]] = {role: set() for role in MATRIX_ROLES}
    with open(path or os.path.join(DOCS, "permissions.md"), encoding="utf-8") as f:
        for line in f:
            match = MATRIX_LINE.match(line.strip())
            if not match:
                continue
            cells = [cell.strip() for cell in match.group(2).split("|")]
            for role, cell in zip(MATRIX_ROLES, cells):
                if "✓" in cell:
                    roles[role].add(match.group(1))
    return roles


FIELD_NAME = re.compile(r"^[a-z][A-Za-z0-9]*$")
NOT_FIELDS = {"open", "signed", "in", "true", "false", "null", "the", "or", "and", "a", "patient", "patients", "session",
              "id", "key", "version", "response", "alert", "reading", "chair", "section", "form", "items",
              "current", "versions", "revision", "sessionID", "recordedAt", "alerts", "next", "total", "code", "url",
              "expiresAt", "problems", "warnings", "stale", "result", "resistance", "latestSigned", "dose", "alertsRaised"}
API_MENTION = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\b[`\s|]*`?(/api/v1/[^\s`|?]*)")


def normalise_template(path: str) -> str:
    """`/api/v1/patients/{id}/record/weight` → `/api/v1/patients/:id/record/weight`."""
    path = re.sub(r"\{([A-Za-z_]+)\}", r":\1", path)
    return path.rstrip("/.,;") or "/"


def _fields_in(text: str) -> list[str]:
    """Field names in a fragment of docs: `"name":` keys, `backticked` names and {a, b?} lists."""
    text = text.split("→", 1)[0]  # what follows the arrow is the answer, not the request
    names: list[str] = []
    for match in re.finditer(r'"([A-Za-z][A-Za-z0-9]*)"\??', text):
        before = text[:match.start()].rstrip()
        if not before.endswith((":", "|")):  # "model": "domino"|"clements": only "model" is a key
            names.append(match.group(1))
    names += [n for n in re.findall(r"`([A-Za-z][A-Za-z0-9]*)`", text)]
    for group in re.findall(r"\{([^{}\"]*)\}", text):
        names += [part.strip().rstrip("?") for part in group.split(",")]
    return [n for n in dict.fromkeys(names) if FIELD_NAME.match(n) and n not in NOT_FIELDS]


def _balanced_json(text: str) -> str | None:
    """The first balanced {...} in text, if any."""
    start = text.find("{")
    if start < 0:
        return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return None


@dataclass
class DocFields:
    """The documented request fields: per (method, template) the names and any example body."""
    by_route: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    examples: dict[tuple[str, str], dict] = field(default_factory=dict)
    all_fields: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    contact_sections: list[str] = field(default_factory=list)
    query_names: list[str] = field(default_factory=list)
    query_by_route: dict[str, list[str]] = field(default_factory=dict)  # GET template → documented parameters


def read_doc_fields(api_routes: list[Route]) -> DocFields:
    """Field names and example bodies from docs/api.md (first) and the other docs pages, attached to
    the API route each line mentions. Concrete paths in examples (`/api/v1/chairs/Chair%203/vitals`)
    are matched to their route template."""
    found = DocFields()
    templates = [(r.method, r.template) for r in api_routes]
    files = ["api.md"] + sorted(f for f in os.listdir(DOCS) if f.endswith(".md") and f not in ("api.md", "permissions.md"))
    names_everywhere: list[str] = []
    for name in files:
        with open(os.path.join(DOCS, name), encoding="utf-8") as f:
            lines = f.read().splitlines()
        last_route: tuple[str, str] | None = None
        in_code = False
        for i, line in enumerate(lines):
            if line.strip().startswith("```"):
                in_code = not in_code
                if in_code:
                    continue
            if line.startswith("Clinical sections:"):
                # "Clinical sections: `height`, … `trial`, `episode`. Contact details … (`contact`, `emergency-contact`)"
                paragraph = " ".join(lines[i:i + 4]).split("\n\n", 1)[0]
                clinical, _, contact = paragraph.partition("Contact details")
                found.sections += re.findall(r"`([a-z][a-z-]*)`", clinical)
                found.contact_sections += re.findall(r"\(`([a-z-]+)`, `([a-z-]+)`\)", contact)[0] \
                    if re.search(r"\(`([a-z-]+)`, `([a-z-]+)`\)", contact) else []
            for q in re.findall(r"[?&]([A-Za-z]+)=", line):
                found.query_names.append(q)
            mentions = API_MENTION.findall(line)
            if not mentions:
                if in_code and last_route and "{" in line:
                    _attach(found, last_route, line, lines[i:i + 6], name == "api.md")
                continue
            for method, path in mentions:
                route = _match_template(method, normalise_template(path), templates)
                if route is None:
                    continue
                last_route = route
                rest = line.split(path, 1)[1]
                if method == "GET":
                    # `?limit=50&after=…` right after the path, and the `filters` the line names.
                    names = re.findall(r"[?&]([A-Za-z]+)=", rest.split("`", 1)[0].split(" ", 1)[0]) if rest.startswith("?") else []
                    paragraph = rest
                    for following in lines[i + 1:i + 4]:
                        if not following.strip():
                            break
                        paragraph += " " + following
                    if "Filters" in paragraph:
                        names += [n for n in re.findall(r"`([a-z][A-Za-z]*)`", paragraph.split("Filters", 1)[1].split(". Each", 1)[0])
                                  if FIELD_NAME.match(n)]
                    known = found.query_by_route.setdefault(route[1], [])
                    known += [n for n in names if n not in known]
                _attach(found, route, rest, [rest] + lines[i + 1:i + 6], name == "api.md")
    for key, names in found.by_route.items():
        names_everywhere += names
    found.all_fields = list(dict.fromkeys(names_everywhere + list(PLAUSIBLE)))
    found.sections = list(dict.fromkeys(found.sections))
    found.contact_sections = list(dict.fromkeys(found.contact_sections))
    found.query_names = list(dict.fromkeys(found.query_names))
    return found


def _attach(found: DocFields, route: tuple[str, str], text: str, following: list[str], primary: bool) -> None:
    names = _fields_in(text)
    if names:
        existing = found.by_route.setdefault(route, [])
        existing += [n for n in names if n not in existing]
    joined = " ".join(part.strip() for part in following)
    candidate = _balanced_json(joined)
    if candidate and route not in found.examples:
        try:
            value = json.loads(candidate)
        except ValueError:
            return
        if isinstance(value, dict) and value and all(FIELD_NAME.match(k) for k in value):
            found.examples[route] = value
            existing = found.by_route.setdefault(route, [])
            existing += [n for n in value if n not in existing]


def _match_template(method: str, path: str, templates: list[tuple[str, str]]) -> tuple[str, str] | None:
    for m, template in templates:
        if m == method and match_path(template, path) is not None:
            return (m, template)
    return None


def match_path(template: str, path: str) -> dict[str, str] | None:
    """{param: value} when the concrete `path` fits `template` (`:name` matches one segment)."""
    t_parts = template.strip("/").split("/")
    p_parts = path.split("?", 1)[0].strip("/").split("/")
    if len(t_parts) != len(p_parts):
        return None
    bound: dict[str, str] = {}
    for t, p in zip(t_parts, p_parts):
        if t.startswith(":"):
            if not p:
                return None
            bound[t[1:]] = urllib.parse.unquote(p)
        elif t != p:
            return None
    return bound


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each `:name` replaced by its value (percent-encoded unless it already is)."""
    def one(match: re.Match) -> str:
        value = values[match.group(1)]
        if re.search(r"%[0-9A-Fa-f]{2}", value):
            return value
        return urllib.parse.quote(value, safe="")
    return re.sub(r":([A-Za-z_]+)", one, template)


# --------------------------------------------------------------------------------------------
# HTML: forms and links
# --------------------------------------------------------------------------------------------

@dataclass
class Form:
    """A <form> as a browser would submit it: its fields (name, value) in page order, the named
    submit buttons (each a way to send it), and which fields are free text or choices."""
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    page: str = ""
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's option values

    def names(self) -> list[str]:
        return list(dict.fromkeys(n for n, _ in self.fields if n))


class PageParser(html.parser.HTMLParser):
    """Collects <a href>, <link href>, <script src> and every <form> with its controls."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._radio_seen: set[str] = set()
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option_value: str | None = None
        self._option_text = ""
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.links.append(a["src"])
        elif tag == "form":
            self._form = Form(method=(a.get("method") or "get").upper(), action=a.get("action") or self.page, page=self.page)
            self._radio_seen = set()
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            name, kind = a.get("name"), (a.get("type") or "text").lower()
            if not name:
                return
            if kind in ("submit", "image", "button"):
                self._form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox",):
                self._form.kinds[name] = "checkbox"
                if "checked" in a:
                    self._form.fields.append((name, a.get("value") or "on"))
            elif kind == "radio":
                self._form.kinds[name] = "radio"
                if "checked" in a or name not in self._radio_seen:
                    self._form.fields = [(n, v) for n, v in self._form.fields if n != name] + [(name, a.get("value") or "on")]
                self._radio_seen.add(name)
            elif kind == "file":
                return
            else:
                self._form.kinds[name] = kind
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "button":
            if a.get("name") and (a.get("type") or "submit").lower() == "submit":
                self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [])
            self._form.kinds[a["name"]] = "select"
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_text = ""
            self._select[1].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])
            self._form.kinds[a["name"]] = "textarea"

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._select is not None and self._option_value is None and self._select[1]:
            value, selected = self._select[1][-1]
            if not value:
                self._select[1][-1] = (data.strip(), selected)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = next((v for v, s in options if s), options[0][0] if options else "")
            if self._form is not None:
                self._form.fields.append((name, chosen))
                self._form.options[name] = [v for v, _ in options]
            self._select = None
        elif tag == "option":
            self._option_value = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form.fields.append((self._textarea[0], "".join(self._textarea[1]).strip("\n")))
            self._textarea = None


def parse_page(page_path: str, text: str) -> PageParser:
    parser = PageParser(page_path)
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # noqa: BLE001 - a page the parser chokes on still gave what it parsed
        pass
    return parser


def same_origin_path(base_path: str, href: str) -> str | None:
    """The path (and query) of `href` if it stays on this server, else None."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urllib.parse.urlsplit(urllib.parse.urljoin("http://fuzz.invalid" + base_path, href))
    if parts.netloc != "fuzz.invalid":
        return None
    return parts.path + (("?" + parts.query) if parts.query else "")
