"""Calendar feeds checked by a parser no one here wrote: the PyPI `icalendar` package reads every
calendar KetaClinic publishes, from a running `ketaclinic serve` on a demo clinic.

Checks:
  - a feed for each chair and for the demo nurse, made with `ketaclinic schedule feeds add`, is
    fetched without an account from its secret address and parses with `icalendar`: VERSION 2.0,
    a PRODID, every VEVENT with a UID, a DTSTAMP, a DTSTART before its DTEND, UIDs unique;
  - the raw text follows RFC 5545 §3.1: every line ends in CRLF and is at most 75 octets;
  - the demo week's bookings are in the chair feeds, as the treatment type only: no patient's
    name or medical record number appears in any feed (checked against the API's patient list);
  - the nurse's feed has shifts;
  - a patient's appointments file (`schedule feeds appointments MRN`) parses, says only
    "Appointment at <clinic>", and has no treatment word;
  - a revoked feed answers 404, an unknown address 404.

Run: python3 Tests/Calendar/ical_test.py [--binary .build/debug/ketaclinic] [--keep]
Needs: pip install icalendar
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.request

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import serverkit  # noqa: E402

FAILURES: list[str] = []


def check(condition: bool, message: str) -> None:
    print(("  PASS  " if condition else "  FAIL  ") + message)
    if not condition:
        FAILURES.append(message)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8", "replace")


def cli(binary: str, args: list[str], workdir: str) -> str:
    result = serverkit.run_cli(binary, args, cwd=workdir)
    if result.returncode != 0:
        raise RuntimeError(f"ketaclinic {' '.join(args)} failed ({result.returncode}): {result.stderr or result.stdout}")
    return result.stdout


def feed_path(output: str) -> str:
    match = re.search(r"(/calendar/kcf_[A-Za-z0-9_-]+\.ics)", output)
    if not match:
        raise RuntimeError(f"no feed address in: {output}")
    return match.group(1)


def check_rfc_lines(name: str, text: str) -> None:
    body = text.encode("utf-8")
    check(body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b""), f"{name}: every line ends in CRLF")
    longest = max(len(line) for line in body.split(b"\r\n"))
    check(longest <= 75, f"{name}: no line over 75 octets (longest {longest})")


def parse(name: str, text: str) -> list:
    calendar = icalendar.Calendar.from_ical(text)
    check(str(calendar.get("VERSION")) == "2.0" and bool(calendar.get("PRODID")), f"{name}: VERSION 2.0 and a PRODID")
    events = list(calendar.walk("VEVENT"))
    uids = [str(event.get("UID")) for event in events]
    check(len(uids) == len(set(uids)), f"{name}: {len(events)} events, UIDs unique")
    complete = all(event.get("UID") and event.get("DTSTAMP") and event.get("DTSTART") for event in events)
    check(complete, f"{name}: every VEVENT has UID, DTSTAMP and DTSTART")
    ordered = all(event.decoded("DTEND") > event.decoded("DTSTART") for event in events if event.get("DTEND"))
    check(ordered, f"{name}: every DTEND is after its DTSTART")
    return events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="kc-ical-")
    database = f"sqlite:{workdir}/calendar.sqlite"
    server = None
    try:
        cli(binary, ["demo", "--database", database, "--patients", "30", "--bcrypt-cost", "4"], workdir)
        chairs = [line.rsplit("  ", 1)[0].replace("  (out of service)", "").strip()
                  for line in cli(binary, ["schedule", "chairs", "--database", database], workdir).splitlines() if line.strip()]
        check(len(chairs) >= 2, f"the demo clinic has chairs: {', '.join(chairs)}")
        chair_paths = {chair: feed_path(cli(binary, ["schedule", "feeds", "add", "--database", database, "--chair", chair], workdir))
                       for chair in chairs}
        nurse_path = feed_path(cli(binary, ["schedule", "feeds", "add", "--database", database,
                                            "--staff", serverkit.DEMO_EMAILS["nurse"]], workdir))

        server = serverkit.Server(binary, workdir, database).start()
        token = serverkit.create_token(binary, database, serverkit.DEMO_EMAILS["front_desk"], "patients.read", cwd=workdir)
        status, _, patients_json = fetch(f"{server.base}/api/v1/patients?limit=500", serverkit.bearer(token))
        check(status == 200, "the API lists the demo patients")
        patients = json.loads(patients_json)
        items = patients["items"] if isinstance(patients, dict) else patients
        # Whole names: a demo family name may be a treatment word ("Esketamine"), which feeds do carry.
        names = [f"{item.get('familyName')}, {item.get('givenName')}" for item in items if item.get("familyName")]
        names += [f"{item.get('givenName')} {item.get('familyName')}" for item in items if item.get("familyName")]
        mrns = [item.get("mrn", "") for item in items if item.get("mrn")]

        booked = 0
        for chair, path in chair_paths.items():
            status, content_type, text = fetch(server.base + path)
            check(status == 200 and content_type.startswith("text/calendar"), f"{chair}: feed answers 200 text/calendar")
            check_rfc_lines(chair, text)
            events = parse(chair, text)
            sessions = [event for event in events if str(event.get("UID")).startswith("session-")]
            booked += len(sessions)
            check(all(str(event.get("SUMMARY")).endswith("session") or ": " in str(event.get("SUMMARY")) for event in sessions),
                  f"{chair}: sessions are named by treatment type")
            leaked = [name for name in names if name and name in text] + [mrn for mrn in mrns if mrn in text]
            check(not leaked, f"{chair}: no patient name or MRN in the feed" + (f" (found {leaked[:3]})" if leaked else ""))
        check(booked > 0, f"the demo week's bookings are in the chair feeds ({booked} sessions)")

        status, _, text = fetch(server.base + nurse_path)
        check(status == 200, "the nurse's feed answers 200")
        check_rfc_lines("nurse", text)
        shifts = [event for event in parse("nurse", text) if str(event.get("SUMMARY")).startswith("On shift")]
        check(len(shifts) > 0, f"the nurse's feed has shifts ({len(shifts)})")

        # A patient's appointments file, for the first demo patient with a booking.
        found_file = False
        for mrn in mrns:
            # Through --output: the file's bytes as written (a text pipe would turn CRLF into LF).
            path = os.path.join(workdir, f"{mrn}.ics")
            cli(binary, ["schedule", "feeds", "appointments", mrn, "--database", database, "--output", path], workdir)
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8")
            events = list(icalendar.Calendar.from_ical(text).walk("VEVENT"))
            if not events:
                continue
            found_file = True
            check_rfc_lines(f"appointments of {mrn}", text)
            parse(f"appointments of {mrn}", text)
            check(all(str(event.get("SUMMARY")).startswith("Appointment at ") for event in events),
                  f"appointments of {mrn}: each says only 'Appointment at' the clinic")
            treatments = ["IV ketamine", "IM ketamine", "nasal spray", "session"]
            check(not any(word in text for word in treatments), f"appointments of {mrn}: no treatment or session word")
            break
        check(found_file, "a demo patient's appointments file has appointments")

        # Revoking: the address stops answering; an unknown address never answered.
        listing = cli(binary, ["schedule", "feeds", "list", "--database", database], workdir)
        first_chair = chairs[0]
        feed_id = next(line.split()[-1] for line in listing.splitlines() if line.startswith(first_chair + " "))
        cli(binary, ["schedule", "feeds", "revoke", feed_id, "--database", database], workdir)
        status, _, _ = fetch(server.base + chair_paths[first_chair])
        check(status == 404, f"{first_chair}: a revoked feed answers 404")
        status, _, _ = fetch(server.base + "/calendar/kcf_not-a-real-feed.ics")
        check(status == 404, "an unknown feed address answers 404")
    except Exception as error:  # a crash is a failure with its reason, never a silent pass
        FAILURES.append(f"error: {error}")
        print(f"  FAIL  error: {error}")
        if server:
            print(server.tail())
    finally:
        if server:
            server.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"calendar feeds: {'FAILED' if FAILURES else 'ok'} ({len(FAILURES)} failure(s))")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
