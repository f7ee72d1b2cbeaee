"""The OpenAPI document checked from outside: a running `ketaclinic serve` on a demo clinic serves
`/api/v1/openapi.json`; openapi-spec-validator validates it as OpenAPI 3.1, and schemathesis
generates requests for every operation from it and checks each answer.

Checks:
  - the document answers 401 without a token, and validates (openapi-spec-validator, 3.1);
  - it has one operation per `/api/v1` route (the Swift test compares it with the route catalog;
    here: at least --min-operations, each with an `x-permission`);
  - schemathesis, over every operation (coverage and fuzzing phases, --max-examples each), with a
    token whose role and scopes hold the operation's permission (prescriber, else administrator,
    else the first role that has it, read from docs/permissions.md's matrix): 0 server errors
    (`not_a_server_error`) and 0 answers that contradict the document (`response_schema_conformance`).
    The chair board's event stream (`GET /api/v1/board/events`) never ends, so it is left out of
    the generated requests; the live-board tests in Tests/ClinicServerTests cover it.

Path parameters such as `{id}`, `{session}` and `{chair}` are pinned to the demo clinic's own values
(read through the API), so generated bodies reach the handlers instead of stopping at 404; negative
cases still try other values.

Prints the operations tested, the requests generated and the failing checks.

Run: python3 Tests/OpenAPI/schemathesis_run.py [--binary .build/debug/ketaclinic] [--max-examples 5] [--keep]
Needs: pip install schemathesis openapi-spec-validator
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "bench"))
import serverkit  # noqa: E402

STREAMS = {("get", "/api/v1/board/events")}
ROLE_COLUMNS = {"Administrator": "administrator", "Prescriber": "prescriber", "Nurse": "nurse", "Front desk": "front_desk"}
ROLE_PREFERENCE = ["prescriber", "administrator", "nurse", "front_desk"]
FAILURES: list[str] = []


def check(condition: bool, message: str) -> None:
    print(("  PASS  " if condition else "  FAIL  ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def role_matrix() -> dict[str, set[str]]:
    """{role: permissions} from the generated table in docs/permissions.md."""
    with open(os.path.join(ROOT, "docs", "permissions.md"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| Permission | What it allows |"))
    roles = [ROLE_COLUMNS[name.strip()] for name in lines[header].strip("|").split("|")[2:]]
    matrix: dict[str, set[str]] = {role: set() for role in roles}
    for line in lines[header + 2:]:
        if not line.startswith("| `"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        permission = cells[0].strip("`")
        for role, mark in zip(roles, cells[2:]):
            if mark == "✓":
                matrix[role].add(permission)
    return matrix


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def subset(document: dict, keep: set[tuple[str, str]], pinned: dict[str, list[str]]) -> dict:
    """The document with only the (method, path) operations in `keep`, and the path parameters
    named in `pinned` limited to those values (ids of the demo clinic), so that generated bodies
    reach the handlers instead of stopping at 404; negative cases still try other values."""
    copy = json.loads(json.dumps(document))
    paths = {}
    for path, item in copy["paths"].items():
        kept = {method: operation for method, operation in item.items() if (method, path) in keep}
        for operation in kept.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and pinned.get(parameter["name"]):
                    parameter["schema"] = {"type": "string", "enum": pinned[parameter["name"]]}
        if kept:
            paths[path] = kept
    copy["paths"] = paths
    return copy


def demo_identifiers(base: str, token: str) -> dict[str, list[str]]:  # token: a prescriber's
    """Real values for the common path parameters, read from the demo clinic through the API."""
    def read(path: str):
        status, _, body = fetch(base + path, serverkit.bearer(token))
        return json.loads(body) if status == 200 else []
    sessions = read("/api/v1/sessions")
    patients = [item["id"] for item in read("/api/v1/patients?limit=3").get("items", [])]
    patients = [s["patientID"] for s in sessions[:3]] + patients
    pinned = {
        "id": patients, "patient": patients,
        "session": [s["id"] for s in sessions[:6]],
        "chair": [c["name"] for c in read("/api/v1/schedule/chairs")[:3]],
        "protocol": [p["id"] for p in read("/api/v1/protocols")[:3]],
        "alert": [a["id"] for a in read("/api/v1/alerts")[:3]],
        "product": sorted({line["line"]["productID"] for line in read("/api/v1/register/stock").get("lines", [])})[:3],
        "discrepancy": [d["id"] for d in read("/api/v1/register/discrepancies").get("items", [])[:3]],
        "version": ["1"],
        "date": [time.strftime("%Y-%m-%d", time.gmtime())],
    }
    return {name: values for name, values in pinned.items() if values}


def run_schemathesis(spec_path: str, base: str, token: str, report: str, workdir: str, args: argparse.Namespace) -> dict:
    # Through this Python (its own `-m` entry point), so a CLI script missing from PATH does not matter.
    command = [sys.executable, "-m", "schemathesis.cli", "run", spec_path, "--url", base,
               "--header", f"Authorization: Bearer {token}",
               "--checks", "not_a_server_error,response_schema_conformance",
               "--phases", "coverage,fuzzing", "--max-examples", str(args.max_examples),
               "--request-timeout", "20", "--workers", str(args.workers), "--seed", str(args.seed),
               "--no-shrink", "--continue-on-failure", "--suppress-health-check", "all",
               "--report", "ndjson", "--report-ndjson-path", report]
    # In the work directory: schemathesis keeps its example database in ./.schemathesis.
    result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=args.timeout,
                            cwd=workdir)
    # The run's own report: failures and errors first, then the summary (the list of operations that
    # only met 404s is long and not a failure).
    print("\n".join(line[:400] for line in result.stdout.splitlines() if not line.startswith("  - ")))
    if result.stderr.strip():
        print(result.stderr[-3000:])
    return {"exit": result.returncode, "output": result.stdout}


def count_requests(report: str) -> tuple[int, int]:
    """(requests sent, failures) from schemathesis's NDJSON event report."""
    requests = failures = 0
    with open(report, encoding="utf-8") as handle:
        for line in handle:
            event = json.loads(line)
            for name, body in event.items():
                if name == "ScenarioFinished":
                    recorder = body.get("recorder", {})
                    requests += sum(1 for interaction in recorder.get("interactions", {}).values()
                                    if interaction.get("response") is not None)
                    for check_list in recorder.get("checks", {}).values():
                        failures += sum(1 for item in check_list if str(item.get("status", "")).lower() == "failure")
    return requests, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--max-examples", type=int, default=5, help="generated cases per operation and phase")
    # One worker: hypothesis reads lambda sources with `ast`, which CPython 3.11 can break on when
    # several threads parse at once ("AST constructor recursion depth mismatch").
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--min-operations", type=int, default=100)
    parser.add_argument("--timeout", type=int, default=600, help="seconds for each schemathesis run")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="kc-openapi-")
    database = f"sqlite:{workdir}/openapi.sqlite"
    server = None
    started = time.monotonic()
    try:
        result = serverkit.run_cli(binary, ["demo", "--database", database, "--patients", "30", "--bcrypt-cost", "4"],
                                   cwd=workdir, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"ketaclinic demo failed: {result.stderr or result.stdout}")
        server = serverkit.Server(binary, workdir, database).start()
        matrix = role_matrix()
        tokens = {role: serverkit.create_token(binary, database, serverkit.DEMO_EMAILS[role], sorted(matrix[role]),
                                               name=f"openapi-{role}", cwd=workdir)
                  for role in ROLE_PREFERENCE if matrix.get(role)}

        status, content_type, _ = fetch(server.base + "/api/v1/openapi.json")
        check(status == 401 and content_type.startswith("application/problem+json"),
              f"without a token the document answers 401 problem+json (got {status} {content_type})")
        status, content_type, body = fetch(server.base + "/api/v1/openapi.json", serverkit.bearer(tokens["front_desk"]))
        check(status == 200 and content_type.startswith("application/json"), f"a front-desk token reads the document (got {status})")
        document = json.loads(body)
        check(document.get("openapi", "").startswith("3.1."), f"OpenAPI version 3.1 (got {document.get('openapi')})")
        try:
            validate(document, cls=OpenAPIV31SpecValidator)
            check(True, "openapi-spec-validator: the document is valid OpenAPI 3.1")
        except Exception as error:  # the validator raises its own error types
            check(False, f"openapi-spec-validator: {str(error)[:2000]}")

        operations = [(method, path, operation) for path, item in document["paths"].items()
                      for method, operation in item.items()]
        check(len(operations) >= args.min_operations, f"{len(operations)} operations (at least {args.min_operations})")
        check(all(path.startswith("/api/v1/") for _, path, _ in operations), "every path is under /api/v1/")
        unnamed = [f"{m.upper()} {p}" for m, p, op in operations if "x-permission" not in op]
        check(not unnamed, f"every operation names its permission (x-permission) {unnamed[:5]}")

        groups: dict[str, set[tuple[str, str]]] = {}
        unreachable = []
        for method, path, operation in operations:
            if (method, path) in STREAMS:
                continue
            permission = operation.get("x-permission")
            role = next((r for r in ROLE_PREFERENCE if r in tokens and (permission == "signed-in" or permission in matrix[r])), None)
            if role is None:
                unreachable.append(f"{method.upper()} {path}")
                continue
            groups.setdefault(role, set()).add((method, path))
        check(not unreachable, f"every operation's permission is held by some role {unreachable[:5]}")

        pinned = demo_identifiers(server.base, tokens["prescriber"])
        print("path parameters pinned to demo values: " + ", ".join(f"{k} ({len(v)})" for k, v in sorted(pinned.items())))
        total_requests = total_failures = tested = 0
        for role, keep in groups.items():
            spec_path = os.path.join(workdir, f"openapi-{role}.json")
            with open(spec_path, "w", encoding="utf-8") as handle:
                json.dump(subset(document, keep, pinned), handle)
            report = os.path.join(workdir, f"schemathesis-{role}.ndjson")
            print(f"schemathesis: {len(keep)} operations as {role}", flush=True)
            outcome = run_schemathesis(spec_path, server.base, tokens[role], report, workdir, args)
            requests, failures = count_requests(report) if os.path.exists(report) else (0, -1)
            tested += len(keep)
            total_requests += requests
            total_failures += max(failures, 0)
            check(outcome["exit"] == 0 and failures == 0,
                  f"schemathesis as {role}: {len(keep)} operations, {requests} requests, {failures} failing checks")
        skipped = len(operations) - tested
        print(f"schemathesis: {tested} operations tested ({skipped} event stream left out), "
              f"{total_requests} requests generated, {total_failures} failing checks, "
              f"{time.monotonic() - started:.0f} s")
        check(total_requests >= tested, f"at least one request per operation ({total_requests} for {tested})")
    except Exception as error:  # report, then fail the run with the server's log
        check(False, f"unexpected error: {error}")
        if server:
            print(server.tail())
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all OpenAPI checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
