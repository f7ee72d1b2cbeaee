"""Helpers shared by the browser tests and the bench scripts for running a KetaClinic server on
loopback: a free port, a clean environment, pid records for .ci/run, password redaction, a
server wrapper that waits for the listening line and captures the demo sign-in details, and API
tokens made with the CLI."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

# `serve --demo` prints these at first start only, before the listening line:
#   Demo sign-in details (shown only this once; they are stored hashed):
#     Administrator  administrator@demo.ketaclinic.test  password: gnpy-ajcd-96cq-2f5a
#   KetaClinic listening on http://127.0.0.1:8080
CREDENTIAL_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z ]*?)\s{2,}(?P<email>\S+@\S+)\s+password:\s*(?P<password>\S+)\s*$")
LISTENING_LINE = re.compile(r"KetaClinic listening on (?P<url>http://\S+)")
DEMO_ROLES = {"Administrator": "administrator", "Prescriber": "prescriber", "Nurse": "nurse",
              "Front desk": "front_desk"}
DEMO_EMAILS = {"administrator": "administrator@demo.ketaclinic.test",
               "prescriber": "prescriber@demo.ketaclinic.test",
               "nurse": "nurse@demo.ketaclinic.test",
               "front_desk": "front-desk@demo.ketaclinic.test"}
# Fast password hashing for throwaway test and bench databases (production default is 12).
TEST_BCRYPT_COST = "4"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict[str, str]:
    """The environment minus KETACLINIC_* settings, so only the script's flags configure the server."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KETACLINIC_")}


def record_pid(pid: int, present: bool) -> None:
    """Tell .ci/run which servers are running, so its exit trap can stop a leftover one."""
    directory = os.environ.get("KETACLINIC_CI_PID_DIR")
    if not directory:
        return
    path = os.path.join(directory, str(pid))
    try:
        if present:
            open(path, "w").close()
        elif os.path.exists(path):
            os.remove(path)
    except OSError:
        pass


def redact(url: str) -> str:
    """A database URL with its password masked, for printing."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return url


def parse_demo_credentials(lines) -> dict[str, tuple[str, str]]:
    """{role: (email, password)} from the demo sign-in lines `serve --demo` prints at first start.
    Roles are administrator, prescriber, nurse and front_desk."""
    found: dict[str, tuple[str, str]] = {}
    for line in lines:
        match = CREDENTIAL_LINE.match(line)
        if match:
            label = match.group("label").strip()
            role = DEMO_ROLES.get(label, label.lower().replace(" ", "_"))
            found[role] = (match.group("email"), match.group("password"))
    return found


def run_cli(binary: str, args: list[str], *, cwd: str | None = None, stdin_text: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a `ketaclinic` subcommand with the clean environment; never reads the caller's stdin."""
    return subprocess.run([binary, *args], cwd=cwd, env=clean_env(), capture_output=True, text=True,
                          timeout=timeout, input=stdin_text,
                          stdin=None if stdin_text is not None else subprocess.DEVNULL)


def create_token(binary: str, database: str, email: str, scopes: str | list[str], *,
                 name: str = "bench", cwd: str | None = None) -> str:
    """Create an API token for the user with `email` via `ketaclinic token create` and return its
    value (the first line of its stdout). Works while a server uses the database."""
    scope = scopes if isinstance(scopes, str) else ",".join(scopes)
    result = run_cli(binary, ["token", "create", "--database", database, "--email", email,
                              "--name", name, "--scope", scope], cwd=cwd, timeout=60)
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"`ketaclinic token create --email {email} --scope {scope}` failed "
                           f"(exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return lines[0]


def add_user(binary: str, database: str, email: str, role: str, *, cwd: str | None = None) -> None:
    """Add a user with a random password (nobody signs in as it: it only owns API tokens)."""
    result = run_cli(binary, ["user", "add", "--database", database, "--email", email, "--role", role,
                              "--password-stdin", "--bcrypt-cost", TEST_BCRYPT_COST],
                     cwd=cwd, stdin_text=secrets.token_urlsafe(24) + "\n", timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"`ketaclinic user add --email {email} --role {role}` failed "
                           f"(exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")


def bench_token(binary: str, database: str, role: str, scopes: str | list[str], *,
                name: str = "bench", cwd: str | None = None) -> str:
    """A token for a user of `role`: the demo account when it exists (a server started with
    --demo), otherwise a `bench-<role>@bench.ketaclinic.test` user, added on first use."""
    try:
        return create_token(binary, database, DEMO_EMAILS[role], scopes, name=name, cwd=cwd)
    except RuntimeError as error:
        if "no user has the email" not in str(error):
            raise
    email = f"bench-{role.replace('_', '-')}@bench.ketaclinic.test"
    try:
        return create_token(binary, database, email, scopes, name=name, cwd=cwd)
    except RuntimeError as error:
        if "no user has the email" not in str(error):
            raise
    add_user(binary, database, email, role, cwd=cwd)
    return create_token(binary, database, email, scopes, name=name, cwd=cwd)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Server:
    """`ketaclinic serve` on 127.0.0.1 and a free port, cwd = workdir (so a stray ./ketaclinic.json in
    the caller's directory is not read). stderr (the log) goes to <workdir>/server-<port>.log; stdout
    is read by a thread that copies it to the same log (demo passwords masked), captures the demo
    sign-in details into `credentials` ({role: (email, password)}) and notes the listening line.

    `demo=True` adds --demo (and --demo-patients N when given). bcrypt cost 4 unless overridden."""

    def __init__(self, binary: str, workdir: str, database: str, *, demo: bool = False,
                 demo_patients: int | None = None, args: list[str] | None = None,
                 log_level: str | None = None, bcrypt_cost: str | None = TEST_BCRYPT_COST,
                 announce=print):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = database
        self.log_path = os.path.join(workdir, f"server-{self.port}.log")
        self.credentials: dict[str, tuple[str, str]] = {}
        self.listening = threading.Event()
        self._stdout_done = threading.Event()
        self._log_lock = threading.Lock()
        command = [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--database", database]
        if demo:
            command.append("--demo")
            if demo_patients is not None:
                command += ["--demo-patients", str(demo_patients)]
        if log_level:
            command += ["--log-level", log_level]
        if bcrypt_cost:
            command += ["--bcrypt-cost", str(bcrypt_cost)]
        command += list(args or [])
        self.command = command
        announce(f"starting: {' '.join(redact(part) for part in command)}")
        self.log = open(self.log_path, "ab", buffering=0)
        self.process = subprocess.Popen(command, cwd=workdir, env=clean_env(), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=self.log)
        record_pid(self.process.pid, True)
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()

    def _read_stdout(self) -> None:
        try:
            for raw in iter(self.process.stdout.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                found = parse_demo_credentials([line])
                if found:
                    self.credentials.update(found)
                    line = re.sub(r"password:\s*\S+", "password: ***", line)
                if LISTENING_LINE.search(line):
                    self.listening.set()
                with self._log_lock:
                    try:
                        self.log.write(("stdout| " + line + "\n").encode())
                    except (OSError, ValueError):
                        pass
        except (OSError, ValueError):
            pass
        finally:
            self._stdout_done.set()

    def wait_listening(self, timeout: float = 30.0, expect_credentials: bool = False) -> None:
        """Wait for the "KetaClinic listening on" line (and, with expect_credentials, all four demo
        sign-in lines, printed before it at first start)."""
        deadline = time.monotonic() + timeout
        while not self.listening.wait(0.1):
            if self.process.poll() is not None and self._stdout_done.is_set():
                raise RuntimeError(f"server exited with status {self.process.returncode} before its "
                                   f"listening line\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no listening line after {timeout:.0f} s\n{self.tail()}")
        if expect_credentials and len(self.credentials) < len(DEMO_ROLES):
            raise RuntimeError(f"demo sign-in details missing from stdout (got {sorted(self.credentials)}); "
                               "they are printed only at a database's first start\n" + self.tail())

    def wait_healthy(self, timeout: float = 30.0) -> None:
        """Poll GET /healthz until it answers 200 {"status":"ok"}."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with status {self.process.returncode} before "
                                   f"/healthz answered\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200 and json.load(response).get("status") == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy after {timeout:.0f} s\n{self.tail()}")

    def start(self, timeout: float = 30.0, expect_credentials: bool = False) -> "Server":
        """wait_listening, then wait_healthy."""
        started = time.monotonic()
        self.wait_listening(timeout, expect_credentials)
        self.wait_healthy(max(1.0, timeout - (time.monotonic() - started)))
        return self

    def tail(self, lines: int = 30) -> str:
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join("  server| " + line for line in text[-lines:])
        except OSError:
            return "  (no server log)"

    log_tail = tail

    def kill(self) -> None:
        """SIGKILL (no graceful shutdown)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._close()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                print("server did not stop within 10 s of SIGTERM: killing it", flush=True)
                self.process.kill()
                self.process.wait(timeout=10)
        self._close()

    def _close(self) -> None:
        record_pid(self.process.pid, False)
        self._reader.join(timeout=5)
        with self._log_lock:
            try:
                self.log.close()
            except OSError:
                pass
