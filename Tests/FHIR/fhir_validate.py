"""The FHIR output checked from outside with the `fhir.resources` package (R4B models, pinned in .ci/run):
every resource of the demo clinic, from `ketaclinic export fhir` and through the running server's
`/fhir/r4` API, must validate with 0 errors.

Checks:
  - `ketaclinic export fhir` over a demo clinic writes one NDJSON file per type, every one of the
    supported types present; every line validates; ids are unique per type; every `Type/id` reference
    resolves to an exported resource (contained `#id` references to a contained resource);
    vital-sign Observations carry what the FHIR vital-signs profile requires (category vital-signs,
    LOINC code, subject, effectiveDateTime, a value or components, UCUM units); codes are the
    documented ones (docs/fhir.md);
  - the server: the CapabilityStatement (open) validates and lists exactly the exported types;
    every type's search (first pages, following `next` links) validates as a searchset Bundle and
    each read of the first entry validates; `patient`, `code`, `date` (ge/lt) and `_lastUpdated`
    narrow correctly; bad input (unknown type, unknown parameter, bad date, bad _count, bad cursor,
    no token, a role without the permission) answers 4xx with a valid OperationOutcome as
    application/fhir+json, never 5xx;
  - Bulk Data: `$export` kick-off (202 + Content-Location), status polling (202 then 200 with the
    manifest), every NDJSON file downloads and validates, DELETE cancels (202, then 404).

Prints the resource counts per type and the number of validation errors (must be 0).

Run: python3 Tests/FHIR/fhir_validate.py [--binary .build/debug/ketaclinic] [--patients 30] [--keep]
Needs: pip install fhir.resources==8.1.0
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from fhir.resources.R4B import get_fhir_model_class

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "bench"))
import serverkit  # noqa: E402

TYPES = ["Organization", "Location", "Practitioner", "PractitionerRole", "Questionnaire", "Patient", "Condition",
         "AllergyIntolerance", "MedicationStatement", "MedicationRequest", "Encounter", "MedicationAdministration",
         "Observation", "QuestionnaireResponse", "Flag", "DetectedIssue", "AuditEvent"]
VITAL_CODES = {"85354-9", "8867-4", "59408-5", "9279-1", "8310-5"}     # docs/fhir.md, [R57-VS][R57-Kenya]
SCORE_CODES = {"44261-6", "70274-6"}                                  # PHQ-9 [R42-USCore], GAD-7 [R57-PHR]
UCUM = "http://unitsofmeasure.org"
FAILURES: list[str] = []
COUNTS: collections.Counter = collections.Counter()
VALIDATED = collections.Counter()
ERRORS = collections.Counter()


def check(condition: bool, message: str) -> None:
    print(("  PASS  " if condition else "  FAIL  ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def validate(resource: dict, where: str) -> bool:
    """Validates one resource with fhir.resources (R4B); counts and reports errors."""
    kind = resource.get("resourceType", "?")
    VALIDATED[kind] += 1
    try:
        get_fhir_model_class(kind).model_validate(resource)
        return True
    except Exception as error:  # pydantic's ValidationError, or KeyError for an unknown type
        ERRORS[kind] += 1
        if sum(ERRORS.values()) <= 10:
            print(f"  INVALID {kind} ({where}): {str(error)[:1500]}", flush=True)
        return False


def semantic_problems(resource: dict) -> list[str]:
    """What the fhir.resources models do not check but docs/fhir.md promises."""
    problems = []
    kind = resource["resourceType"]
    if kind == "Observation":
        categories = {c.get("code") for cat in resource.get("category", []) for c in cat.get("coding", [])}
        codes = {c.get("code") for c in resource["code"].get("coding", []) if c.get("system") == "http://loinc.org"}
        if "vital-signs" in categories:
            if not codes & VITAL_CODES:
                problems.append(f"vital sign without a documented LOINC code: {codes}")
            if "effectiveDateTime" not in resource or not resource.get("subject", {}).get("reference", "").startswith("Patient/"):
                problems.append("vital sign without effectiveDateTime or Patient subject")
            quantities = [resource["valueQuantity"]] if "valueQuantity" in resource else \
                [c["valueQuantity"] for c in resource.get("component", []) if "valueQuantity" in c]
            if not quantities or any(q.get("system") != UCUM for q in quantities):
                problems.append("vital sign without a UCUM value or components")
            if "85354-9" in codes:
                parts = {c["code"]["coding"][0]["code"] for c in resource.get("component", [])}
                if not parts or not parts <= {"8480-6", "8462-4"}:
                    problems.append(f"blood pressure components {parts}")
        elif not codes & SCORE_CODES:
            problems.append(f"score Observation with an undocumented code {codes}")
    if kind == "Patient" and resource.get("gender") not in {"male", "female", "other", "unknown"}:
        problems.append(f"gender {resource.get('gender')}")
    return problems


def references(value, found: list[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                found.append(inner)
            else:
                references(inner, found)
    elif isinstance(value, list):
        for inner in value:
            references(inner, found)


def check_export(directory: str, label: str) -> dict[str, list[dict]]:
    """Validates every NDJSON line in `directory`; returns the resources by type."""
    resources: dict[str, list[dict]] = collections.defaultdict(list)
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".ndjson"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                resource = json.loads(line)
                check_type = name[:-len(".ndjson")]
                if resource.get("resourceType") != check_type:
                    FAILURES.append(f"{name}:{number} holds a {resource.get('resourceType')}")
                validate(resource, f"{label} {name}:{number}")
                resources[check_type].append(resource)
    known = {(kind, r["id"]) for kind, items in resources.items() for r in items}
    unresolved, duplicates, semantic = [], [], []
    for kind, items in resources.items():
        ids = [r["id"] for r in items]
        if len(ids) != len(set(ids)):
            duplicates.append(kind)
        for resource in items:
            semantic += [f"{kind}/{resource['id']}: {p}" for p in semantic_problems(resource)]
            found: list[str] = []
            references(resource, found)
            contained = {c["id"] for c in resource.get("contained", [])}
            for reference in found:
                if reference.startswith("#"):
                    if reference[1:] not in contained:
                        unresolved.append(f"{kind}/{resource['id']} → {reference}")
                    continue
                parts = reference.split("/")
                if len(parts) != 2 or (parts[0], parts[1]) not in known:
                    unresolved.append(f"{kind}/{resource['id']} → {reference}")
    check(not duplicates, f"{label}: ids unique per type {duplicates}")
    check(not unresolved, f"{label}: every reference resolves ({len(unresolved)} do not: {unresolved[:5]})")
    check(not semantic, f"{label}: vital signs, score codes and genders as documented {semantic[:5]}")
    return resources


def fetch(url: str, token: str | None = None, method: str = "GET", headers: dict[str, str] | None = None):
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, headers=all_headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def fhir_json(status: int, headers: dict, body: bytes, label: str) -> dict:
    content_type = headers.get("Content-Type", "")
    check(content_type.startswith("application/fhir+json"), f"{label}: application/fhir+json (got {status} {content_type})")
    return json.loads(body) if body else {}


def check_outcome(url: str, token: str | None, expected: int, label: str) -> None:
    status, headers, body = fetch(url, token)
    document = fhir_json(status, headers, body, label)
    ok = status == expected and document.get("resourceType") == "OperationOutcome" and validate(document, label)
    check(ok, f"{label}: {expected} OperationOutcome (got {status}: {body[:200]!r})")


def search_all_types(base: str, token: str, admin: str, patients: list[str]) -> None:
    for kind in TYPES:
        reader = admin if kind == "AuditEvent" else token
        url = f"{base}/{kind}?_count=7"
        pages, entries, first = 0, 0, None
        while url and pages < 3:
            status, headers, body = fetch(url, reader)
            bundle = fhir_json(status, headers, body, f"search {kind} page {pages + 1}")
            if status != 200:
                check(False, f"search {kind}: 200 (got {status} {body[:300]!r})")
                break
            validate(bundle, f"search {kind}")
            for entry in bundle.get("entry", []):
                validate(entry["resource"], f"search {kind} entry")
                first = first or entry["resource"]
                entries += 1
            pages += 1
            url = next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None)
        check(entries > 0 and pages >= 1, f"search {kind}: {entries} entries over {pages} page(s)")
        if first:
            status, headers, body = fetch(f"{base}/{kind}/{first['id']}", reader)
            document = fhir_json(status, headers, body, f"read {kind}")
            check(status == 200 and document == first and validate(document, f"read {kind}"),
                  f"read {kind}/{first['id']}: the same resource as the search")


def check_paging(base: str, token: str, exported: dict[str, list[dict]]) -> None:
    """Walk every Observation page with _count=50: the pages together are exactly the export's Observations."""
    seen, url, pages = [], f"{base}/Observation?_count=50", 0
    while url and pages < 1000:
        status, _, body = fetch(url, token)
        if status != 200:
            check(False, f"Observation paging: page {pages + 1} answered {status}")
            return
        bundle = json.loads(body)
        seen += [entry["resource"]["id"] for entry in bundle.get("entry", [])]
        url = next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None)
        pages += 1
    expected = sorted(r["id"] for r in exported["Observation"])
    check(sorted(seen) == expected and len(seen) == len(set(seen)),
          f"Observation paging: {pages} pages of 50 return each of the {len(expected)} exported Observations once")


def check_searches(base: str, token: str, exported: dict[str, list[dict]]) -> None:
    vitals = [o for o in exported["Observation"] if o["id"].endswith("-hr")]
    patient = vitals[0]["subject"]["reference"]
    expected = {o["id"] for o in exported["Observation"] if o["subject"]["reference"] == patient
                and any(c["code"] == "8867-4" for c in o["code"]["coding"])}
    query = urllib.parse.urlencode({"patient": patient, "code": "http://loinc.org|8867-4", "_count": "1000"})
    status, _, body = fetch(f"{base}/Observation?{query}", token)
    got = {e["resource"]["id"] for e in json.loads(body).get("entry", [])} if status == 200 else set()
    check(got == expected and got, f"Observation?patient&code=LOINC|8867-4: exactly the patient's {len(expected)} heart rates")
    times = sorted(o["effectiveDateTime"] for o in vitals)
    middle = times[len(times) // 2]
    query = urllib.parse.urlencode({"code": "8867-4", "date": f"ge{middle}", "_count": "1000"})
    status, _, body = fetch(f"{base}/Observation?{query}", token)
    got = [e["resource"]["effectiveDateTime"] for e in json.loads(body).get("entry", [])] if status == 200 else []
    check(status == 200 and got and all(t >= middle for t in got) and len(got) == sum(1 for t in times if t >= middle),
          f"Observation?date=ge{middle}: {len(got)} heart rates, all on or after")
    query = urllib.parse.urlencode({"code": "8867-4", "date": f"lt{middle}", "_count": "1000"})
    status, _, body = fetch(f"{base}/Observation?{query}", token)
    got = [e["resource"]["effectiveDateTime"] for e in json.loads(body).get("entry", [])] if status == 200 else []
    check(status == 200 and all(t < middle for t in got) and len(got) == sum(1 for t in times if t < middle),
          f"Observation?date=lt{middle}: {len(got)} heart rates, all before")
    status, _, body = fetch(f"{base}/Patient?_lastUpdated=ge2100-01-01&_count=5", token)
    check(status == 200 and not json.loads(body).get("entry"), "Patient?_lastUpdated=ge2100-01-01: none")
    status, _, body = fetch(f"{base}/Patient?_lastUpdated=ge2000-01-01&_count=5", token)
    check(status == 200 and len(json.loads(body).get("entry", [])) == 5, "Patient?_lastUpdated=ge2000-01-01: a full page")


def check_errors(base: str, token: str, front_desk: str) -> None:
    check_outcome(f"{base}/Medication", token, 404, "unknown resource type")
    check_outcome(f"{base}/Observation?colour=blue", token, 400, "unknown search parameter")
    check_outcome(f"{base}/Observation?date=2026-13-45", token, 400, "impossible date")
    check_outcome(f"{base}/Observation?date=ne2026-01-01", token, 400, "unsupported date prefix")
    check_outcome(f"{base}/Observation?_count=0", token, 400, "_count 0")
    check_outcome(f"{base}/Observation?_count=99999999999999999999", token, 400, "_count too large")
    check_outcome(f"{base}/Observation?_cursor=9.9.%27%3B--", token, 400, "forged cursor")
    check_outcome(f"{base}/Observation?patient=not-a-uuid", token, 400, "patient not an id")
    check_outcome(f"{base}/Patient/00000000-0000-0000-0000-000000000000", token, 404, "unknown patient")
    check_outcome(f"{base}/Observation", None, 401, "no token")
    check_outcome(f"{base}/Observation", "kc_not_a_token", 401, "a wrong token")
    check_outcome(f"{base}/Observation", front_desk, 403, "front desk reading vital signs")
    check_outcome(f"{base}/$export", token, 403, "a prescriber kicking off $export")


def check_bulk(base: str, admin: str, workdir: str, exported: dict[str, list[dict]]) -> None:
    status, headers, body = fetch(f"{base}/$export", admin, headers={"Accept": "application/fhir+json"})
    check(status == 400, f"$export without Prefer: respond-async answers 400 (got {status})")
    status, headers, _ = fetch(f"{base}/$export?_type=Patient,Observation,AuditEvent", admin,
                               headers={"Accept": "application/fhir+json", "Prefer": "respond-async"})
    location = headers.get("Content-Location", "")
    check(status == 202 and "/$export-status/" in location, f"$export kick-off: 202 with Content-Location (got {status})")
    progress_seen = False
    manifest = None
    for _ in range(600):
        status, headers, body = fetch(location, admin)
        if status == 202:
            progress_seen = progress_seen or "X-Progress" in headers
            time.sleep(0.2)
            continue
        if status == 200:
            manifest = json.loads(body)
        break
    check(manifest is not None, f"$export status: 200 with a manifest (last {status} {body[:200]!r})")
    if not manifest:
        return
    check(manifest.get("requiresAccessToken") is True and manifest.get("error") == [], "manifest: requiresAccessToken, no errors")
    types = sorted(item["type"] for item in manifest["output"])
    check(types == ["AuditEvent", "Observation", "Patient"], f"manifest lists the three asked types {types}")
    folder = os.path.join(workdir, "bulk")
    os.makedirs(folder, exist_ok=True)
    for item in manifest["output"]:
        status, headers, body = fetch(item["url"], admin)
        check(status == 200 and headers.get("Content-Type", "").startswith("application/fhir+ndjson"),
              f"download {item['type']}: 200 application/fhir+ndjson (got {status})")
        with open(os.path.join(folder, f"{item['type']}.ndjson"), "wb") as handle:
            handle.write(body)
        lines = [line for line in body.decode().splitlines() if line]
        check(len(lines) == item["count"], f"download {item['type']}: {len(lines)} lines, manifest says {item['count']}")
    for kind in ("Patient", "Observation"):
        with open(os.path.join(folder, f"{kind}.ndjson"), encoding="utf-8") as handle:
            ids = sorted(json.loads(line)["id"] for line in handle)
        check(ids == sorted(r["id"] for r in exported[kind]), f"$export {kind}: the same resources as the CLI export")
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            for line in handle:
                validate(json.loads(line), f"$export {name}")
    check_outcome(f"{base}/$export?_type=Medication", admin, 400, "$export of an unknown type")
    status, _, _ = fetch(location, admin, method="DELETE")
    check(status == 202, f"DELETE on the status URL: 202 (got {status})")
    status, _, _ = fetch(location, admin)
    check(status == 404, f"a cancelled export's status: 404 (got {status})")
    status, _, _ = fetch(manifest["output"][0]["url"], admin)
    check(status == 404, f"a cancelled export's file: 404 (got {status})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--patients", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="kc-fhir-")
    database = f"sqlite:{workdir}/fhir.sqlite"
    server = None
    started = time.monotonic()
    try:
        result = serverkit.run_cli(binary, ["demo", "--database", database, "--patients", str(args.patients),
                                            "--bcrypt-cost", "4"], cwd=workdir, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"ketaclinic demo failed: {result.stderr or result.stdout}")
        out = os.path.join(workdir, "export")
        result = serverkit.run_cli(binary, ["export", "fhir", "--database", database, "--out", out], cwd=workdir, timeout=600)
        check(result.returncode == 0, f"ketaclinic export fhir exits 0 ({result.stderr.strip()[:300]})")
        print(result.stdout, flush=True)
        exported = check_export(out, "CLI export")
        for kind in TYPES:
            COUNTS[kind] = len(exported.get(kind, []))
        missing = [kind for kind in TYPES if not exported.get(kind)]
        check(not missing, f"the demo clinic yields every supported type (missing: {missing})")
        refused = serverkit.run_cli(binary, ["export", "fhir", "--database", database, "--out", out], cwd=workdir)
        check(refused.returncode == 2, f"export into a non-empty folder is refused with exit 2 (got {refused.returncode})")

        server = serverkit.Server(binary, workdir, database, args=["--fhir-export-directory", os.path.join(workdir, "bulk-files")]).start()
        base = server.base + "/fhir/r4"
        prescriber = serverkit.create_token(binary, database, serverkit.DEMO_EMAILS["prescriber"],
                                            ["patients.read", "patients.clinical"], name="fhir", cwd=workdir)
        admin = serverkit.create_token(binary, database, serverkit.DEMO_EMAILS["administrator"],
                                       ["audit.read", "fhir.export"], name="fhir", cwd=workdir)
        front_desk = serverkit.create_token(binary, database, serverkit.DEMO_EMAILS["front_desk"], ["patients.read"],
                                            name="fhir", cwd=workdir)

        status, headers, body = fetch(f"{base}/metadata")
        capability = fhir_json(status, headers, body, "metadata")
        check(status == 200 and validate(capability, "metadata"), "the CapabilityStatement (no token) validates")
        listed = [r["type"] for r in capability.get("rest", [{}])[0].get("resource", [])]
        check(sorted(listed) == sorted(TYPES), f"the CapabilityStatement lists exactly the supported types {listed}")

        patients = [r["id"] for r in exported["Patient"]]
        search_all_types(base, prescriber, admin, patients)
        check_paging(base, prescriber, exported)
        check_searches(base, prescriber, exported)
        check_errors(base, prescriber, front_desk)
        check_bulk(base, admin, workdir, exported)
        status, _, body = fetch(server.base + "/healthz")
        check(status == 200, "the server is still healthy")
        log = open(server.log_path, encoding="utf-8", errors="replace").read()
        check("http.status=5" not in log and "unhandled error" not in log,
              "no request answered 500 and nothing was unhandled (server log)")
    except Exception as error:  # report and fail, never hang
        check(False, f"unexpected error: {error!r}")
        if server:
            print(server.tail(40))
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\nresources per type (CLI export of the demo clinic):")
    for kind in TYPES:
        print(f"  {kind:26} {COUNTS[kind]:>8}")
    print(f"  {'total':26} {sum(COUNTS.values()):>8}")
    print(f"validated {sum(VALIDATED.values())} resources with fhir.resources (R4B): {sum(ERRORS.values())} validation errors")
    if ERRORS:
        print("  errors by type: " + ", ".join(f"{k} {v}" for k, v in sorted(ERRORS.items())))
        FAILURES.append(f"{sum(ERRORS.values())} validation errors")
    print(f"fhir_validate: {'FAILED' if FAILURES else 'passed'} in {time.monotonic() - started:.0f}s "
          f"({len(FAILURES)} failing checks)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
