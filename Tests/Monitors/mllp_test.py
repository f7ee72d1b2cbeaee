"""Monitor integration over MLLP, tested with peers no one here wrote: messages are built with
`hl7apy` and sent with the `hl7` package's MLLP client to a running `ketaclinic serve` with its
MLLP listener on; ACKs are read back with both packages.

Checks, against a demo clinic (which has patients seated in chairs):
  - an IHE PCD-01 ORU^R01 for a registered monitor is ACKed AA and its reading (and the alert it
    raises) is on the session seated in that chair; a resend is AA and not stored twice;
  - a reading from an unregistered monitor waits in the unmatched queue (API and CLI) and a nurse's
    token assigns it to the session;
  - malformed input gets AE or AR with a reason, or a closed connection, never a crash: a bad
    segment, wrong encoding characters, a message type that is not ORU^R01, a huge field, a frame
    over the limit, a truncated frame, a connection dropped mid-frame, a slow sender, bytes outside
    a frame; after all of it the server is healthy and still accepts a good message;
  - the demo's stand-in monitor speaks PCD-01 over MLLP (its gateway shows up with AA answers);
  - the listener's Prometheus metrics count the answers;
  - with a certificate and key, the port speaks TLS only (a second server, no demo).

Run: python3 Tests/Monitors/mllp_test.py [--binary .build/debug/ketaclinic] [--keep]
Needs: pip install hl7 hl7apy
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

import hl7
from hl7.client import MLLPClient
from hl7apy.parser import parse_message

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from serverkit import Server, bearer, create_token, free_port, run_cli  # noqa: E402

SB, EB, CR = b"\x0b", b"\x1c", b"\x0d"
FAILURES: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("PASS " if condition else "FAIL ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def hl7_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S+0000")


def oru(device: str, control: str, *, spo2: str = "89", when: str | None = None, extra: list[str] | None = None) -> str:
    """An ORU^R01 as a PCD-01 gateway writes it, built and serialised by hl7apy."""
    when = when or hl7_now()
    segments = [
        f"MSH|^~\\&|PY-GATEWAY|ICU|||{when}||ORU^R01^ORU_R01|TEMPLATE|P|2.6|||NE|AL",
        "PID|||",
        "PV1||I|Bay",
        f"OBR|1|||182777000^monitoring of patient^SCT|||{when}",
        f"OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||{device}^EUI-64",
        f"OBX|2|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.1.1.1|126|266016^MDC_DIM_MMHG^MDC|||||R|||{when}",
        f"OBX|3|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.1.1.2|79|266016^MDC_DIM_MMHG^MDC|||||R|||{when}",
        f"OBX|4|NM|147842^MDC_ECG_HEART_RATE^MDC|1.2.1.1|74|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||{when}",
        f"OBX|5|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|{spo2}|262688^MDC_DIM_PERCENT^MDC|||||R|||{when}",
        f"OBX|6|NM|151562^MDC_RESP_RATE^MDC|1.4.1.1|15|264928^MDC_DIM_RESP_PER_MIN^MDC|||||R|||{when}",
        f"OBX|7|NM|150033^MDC_PRESS_BLD_ART_SYS^MDC|1.5.1.1|131|266016^MDC_DIM_MMHG^MDC|||||R|||{when}",
    ] + (extra or [])
    message = parse_message("\r".join(segments), find_groups=False)
    message.msh.msh_10 = control
    return message.to_er7() + "\r"


def ack_of(raw: bytes) -> tuple[str, str]:
    """(MSA-1, MSA-3) of a framed ACK, read with the `hl7` package and cross-checked with hl7apy."""
    text = raw.strip(SB + EB + CR).decode()
    parsed = hl7.parse(text.replace("\n", "\r"))
    code = str(parsed.segment("MSA")[1])
    strict = parse_message(text.strip("\r"), find_groups=False)
    assert strict.msa.msa_1.value == code
    return code, str(parsed.segment("MSA")[3]) if len(parsed.segment("MSA")) > 3 else ""


def send(port: int, message: str) -> tuple[str, str]:
    with MLLPClient("127.0.0.1", port) as client:
        return ack_of(client.send_message(message))


def raw_exchange(port: int, data: bytes, *, pause: float = 0.0, read_timeout: float = 8.0) -> bytes | None:
    """Sends raw bytes; returns what the server answers, b"" when it closes, None on timeout."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            return b""   # closed while we were still sending
        if pause:
            time.sleep(pause)
        sock.settimeout(read_timeout)
        received = b""
        try:
            while not received.endswith(EB + CR):
                chunk = sock.recv(65536)
                if not chunk:
                    return received
                received += chunk
        except socket.timeout:
            return None
        except ConnectionResetError:
            return received
        return received


def api(server: Server, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.base + path, data=data, method=method,
                                     headers={**bearer(token), "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw and raw[:1] in b"[{" else raw.decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def tls_check(binary: str, workdir: str) -> None:
    """A listener with --mllp-tls-certificate/--mllp-tls-key: AA over TLS, plain TCP refused."""
    cert, key = os.path.join(workdir, "mllp-cert.pem"), os.path.join(workdir, "mllp-key.pem")
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                           "-subj", "/CN=127.0.0.1"], capture_output=True, text=True)
    check(made.returncode == 0, "a test certificate is made with openssl")
    if made.returncode != 0:
        return
    port = free_port()
    server = Server(binary, workdir, f"sqlite:{workdir}/tls.sqlite",
                    args=["--mllp-port", str(port), "--mllp-tls-certificate", cert, "--mllp-tls-key", key])
    try:
        server.start(timeout=60)
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with context.wrap_socket(raw) as tls:
                tls.sendall(SB + oru("TLS-MONITOR", "PY-TLS-1", spo2="97").encode() + EB + CR)
                answer = b""
                while not answer.endswith(EB + CR):
                    chunk = tls.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
        check(ack_of(answer)[0] == "AA", "over TLS a message is ACKed AA")
        plain = raw_exchange(port, SB + oru("TLS-MONITOR", "PY-TLS-2").encode() + EB + CR)
        check(plain is not None and b"MSA|" not in plain, "plain TCP to the TLS port gets no HL7 answer")
    except Exception as error:  # noqa: BLE001
        check(False, f"TLS check: {error!r}")
        print(server.tail(20))
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/ketaclinic")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="kc-mllp-")
    database = f"sqlite:{workdir}/monitors.sqlite"
    port = free_port()
    server = Server(binary, workdir, database, demo=True, demo_patients=20,
                    args=["--mllp-port", str(port), "--mllp-max-frame-bytes", "262144", "--mllp-frame-seconds", "2"])
    try:
        server.start(timeout=120, expect_credentials=True)
        nurse = create_token(binary, database, "nurse@demo.ketaclinic.test", "patients.read,patients.clinical,sessions.run,vitals.record", cwd=workdir)
        admin = create_token(binary, database, "administrator@demo.ketaclinic.test", "monitors.manage,operations.metrics", cwd=workdir)

        # A seated session in the demo's treatment room.
        status, day = api(server, nurse, "GET", "/api/v1/sessions")
        seated = [row for row in day if row.get("chair") and row["state"] in ("checked-in", "pre-treatment-checks", "dosing", "observation",
                                                                               "ready-for-discharge")]
        check(status == 200 and bool(seated), "the demo has a patient seated in a chair")
        session = seated[0]
        chair = session["chair"]
        device = "0123456789ABCDEF"
        registered = run_cli(binary, ["monitors", "register", "--database", database, "--device", device, "--chair", chair,
                                      "--label", "Test monitor"], cwd=workdir)
        check(registered.returncode == 0, f"`monitors register` puts {device} at {chair}: {registered.stdout.strip() or registered.stderr.strip()}")
        bad_chair = run_cli(binary, ["monitors", "register", "--database", database, "--device", "X", "--chair", "Nowhere"], cwd=workdir)
        check(bad_chair.returncode != 0 and "chair" in bad_chair.stderr, "`monitors register` refuses an unknown chair with a clear message")

        # 1. A PCD-01 message: AA after the commit, the reading and its alert on the session.
        control = "PY-" + uuid.uuid4().hex[:12]
        first = oru(device, control)
        code, text = send(port, first)
        check(code == "AA" and text.startswith("1 stored"), f"PCD-01 message ACKed AA ({text})")
        status, record = api(server, nurse, "GET", f"/api/v1/sessions/{session['id']}")
        readings = record.get("readings", []) if isinstance(record, dict) else []
        from_monitor = [r for r in readings if r.get("source") == "gateway" and r.get("values", {}).get("systolic") == 126]
        check(status == 200 and len(from_monitor) == 1, "the reading is on the seated session's flowsheet, from the gateway")
        alerts = record.get("alerts", []) if isinstance(record, dict) else []
        check(any(a.get("code") == "oxygen-saturation-low" for a in alerts), "SpO2 89 raised the low-saturation alert")

        # 2. The gateway resends: AA, not stored twice.
        code, text = send(port, first)
        check(code == "AA" and "1 already stored" in text, f"a resend is AA and not stored twice ({text})")
        status, record = api(server, nurse, "GET", f"/api/v1/sessions/{session['id']}")
        again = [r for r in record.get("readings", []) if r.get("source") == "gateway" and r.get("values", {}).get("systolic") == 126]
        check(len(again) == 1, "still one reading after the resend")

        # 3. An unregistered monitor: kept as unmatched, assigned by a nurse.
        code, text = send(port, oru("UNREGISTERED-1", "PY-U-" + uuid.uuid4().hex[:8], spo2="97"))
        check(code == "AA" and "1 unmatched" in text, f"an unregistered monitor's reading is AA and unmatched ({text})")
        status, waiting = api(server, nurse, "GET", "/api/v1/monitors/unmatched")
        mine = [w for w in waiting if w["deviceId"] == "UNREGISTERED-1"] if status == 200 else []
        check(len(mine) == 1 and mine[0]["uncharted"][0]["code"] == "150033", "unmatched via the API, the unknown code kept and shown")
        listed = run_cli(binary, ["monitors", "unmatched", "--database", database], cwd=workdir)
        check("UNREGISTERED-1" in listed.stdout, "`monitors unmatched` lists it")
        if mine:
            status, body = api(server, nurse, "POST", f"/api/v1/monitors/unmatched/{mine[0]['id']}/discard", {})
            check(status == 422 and "reason" in str(body), "discarding without a reason is refused (422)")
            status, body = api(server, nurse, "POST", f"/api/v1/monitors/unmatched/{mine[0]['id']}/assign",
                               {"sessionId": session["id"], "reason": "monitor not registered yet"})
            check(status == 200 and body.get("status") == "assigned", "a nurse assigns it to the session")

        # 4. Malformed input: AE/AR with a reason, or a closed connection.
        bad_segment = oru(device, "PY-BAD-1").replace("PV1||I|Bay", "pv1 broken")
        check(send(port, bad_segment)[0] == "AE", "a bad segment gets AE")
        wrong_encoding = oru(device, "PY-BAD-2").replace("MSH|^~\\&|", "MSH|^^~\\&|", 1)
        check(send(port, wrong_encoding)[0] == "AR", "wrong encoding characters get AR")
        adt = f"MSH|^~\\&|PY||||{hl7_now()}||ADT^A01|PY-BAD-3|P|2.6\rEVN|A01\rPID|||1\r"
        check(send(port, adt)[0] == "AR", "a message that is not ORU^R01 gets AR")
        not_time = oru(device, "PY-BAD-4").replace(f"|R|||{hl7_now()[:8]}", "|R|||2024-01-02T03", 1)
        check(send(port, not_time)[0] in ("AE", "AA"), "an unreadable time gets AE (or the OBX falls back to OBR-7)")
        huge_field = oru(device, "PY-BAD-5", extra=["NTE|1||" + "x" * 100_000])
        check(send(port, huge_field)[0] == "AE", "a 100,000-character field gets AE")
        answer = raw_exchange(port, SB + b"MSH|" + b"9" * 300_000 + EB + CR)
        check(answer in (b"", None) or (answer is not None and EB not in answer), "a frame over the limit closes the connection")
        answer = raw_exchange(port, SB + oru(device, "PY-TR-1").encode()[:80] + SB + b"MSH|^~\\&|" + EB + CR)
        check(answer == b"", "a truncated frame (a new start byte mid-frame) closes the connection")
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(SB + oru(device, "PY-DROP-1").encode()[:120])
        answer = raw_exchange(port, SB + b"MSH|^~\\&|partial", pause=3.5)
        check(answer == b"", "a slow sender (frame not finished in 2 s) is disconnected")
        answer = raw_exchange(port, b"GET / HTTP/1.1\r\n\r\n")
        check(answer == b"", "bytes outside an MLLP frame close the connection")

        # 5. Still healthy, still accepting.
        with urllib.request.urlopen(server.base + "/healthz", timeout=5) as response:
            check(response.status == 200, "the server is healthy after the malformed input")
        code, _ = send(port, oru(device, "PY-" + uuid.uuid4().hex[:12], spo2="97"))
        check(code == "AA", "a good message is still AA")

        # 6. The demo's stand-in monitor speaks PCD-01 over MLLP.
        deadline = time.monotonic() + 30
        demo_gateway = None
        while time.monotonic() < deadline and demo_gateway is None:
            status, gateways = api(server, admin, "GET", "/api/v1/monitors/gateways")
            if status == 200:
                demo_gateway = next((g for g in gateways if "KETACLINIC-DEMO-MONITOR" in g["sendingApplications"]), None)
            time.sleep(1)
        check(demo_gateway is not None, "the demo's stand-in monitors send PCD-01 over MLLP")

        # 7. Metrics and the gateway page.
        status, metrics = api(server, admin, "GET", "/metrics")
        check(status == 200 and 'ketaclinic_mllp_messages_total{ack="AA"}' in str(metrics)
              and 'ketaclinic_mllp_messages_total{ack="AR"}' in str(metrics), "Prometheus counts the listener's answers")
        check(status == 200 and "ketaclinic_mllp_frame_errors_total" in str(metrics), "Prometheus counts the framing errors")
        status, gateways = api(server, admin, "GET", "/api/v1/monitors/gateways")
        local = next((g for g in gateways if g["gateway"] == "127.0.0.1"), None) if status == 200 else None
        check(local is not None and local["errorsLastDay"] >= 5, "the gateway's errors are counted for the administrators")
    except Exception as error:  # noqa: BLE001
        check(False, f"unexpected error: {error!r}")
        print(server.tail(40))
    finally:
        server.stop()
    try:
        tls_check(binary, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"mllp test: {len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
