"""Pieces shared by the operations checks (backup and restore, PostgreSQL outage, two instances,
SQLite faults, graceful shutdown, soak): concurrent patient writers that record every
acknowledgement, board event-stream readers that count events and reconnections, direct reads of
what the database stored, and a throwaway PostgreSQL cluster on a free loopback port (so stopping
it disturbs nobody else). Python 3 standard library only; loopback only; every wait is bounded."""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid

from serverkit import free_port, redact

READING = {"systolic": 120, "diastolic": 80, "heartRate": 72, "oxygenSaturation": 98, "respiratoryRate": 14}


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))]


def patient_body(worker: int, sequence: int, tag: str) -> bytes:
    return json.dumps({
        "givenName": f"{tag}{worker}",
        "familyName": f"Ops{sequence:06d}",
        "dateOfBirth": f"19{50 + (sequence % 50):02d}-{1 + sequence % 12:02d}-{1 + sequence % 28:02d}",
        "sexAtBirth": ("female", "male", "unknown")[sequence % 3],
    }).encode()


class Writers:
    """`count` threads POSTing /api/v1/patients to one or more servers (round robin by worker) until
    stopped. Every 201 is recorded with the time it was acknowledged; every other answer with its
    status, latency, Retry-After and content type, so a check can say what was refused and how fast."""

    def __init__(self, bases: list[str], token: str | dict[str, str], count: int, tag: str = "Ops",
                 pause: float = 0.0, timeout: float = 10.0):
        self.bases = bases
        self.tokens = token if isinstance(token, dict) else {base: token for base in bases}
        self.count = count
        self.tag = tag
        self.pause = pause
        self.timeout = timeout
        self.lock = threading.Lock()
        self.acknowledged: list[tuple[float, str, str, str]] = []  # (time, id, mrn, base)
        self.refused: list[dict] = []      # non-201 answers
        self.failures: list[tuple[float, str]] = []  # connection errors
        self.latencies: list[tuple[float, float, int]] = []  # (time, ms, status)
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(count)]

    def start(self) -> "Writers":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self.stop_event.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))

    def acknowledged_ids(self, before: float | None = None) -> set[str]:
        with self.lock:
            return {ident for at, ident, _, _ in self.acknowledged if before is None or at <= before}

    def _run(self, worker: int) -> None:
        base = self.bases[worker % len(self.bases)]
        host, port = base.split("//", 1)[1].split(":")
        connection: http.client.HTTPConnection | None = None
        sequence = 0
        while not self.stop_event.is_set():
            if connection is None:
                connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
            sequence += 1
            sent = time.monotonic()
            try:
                connection.request("POST", "/api/v1/patients", body=patient_body(worker, sequence, self.tag),
                                   headers={"Content-Type": "application/json",
                                            "Authorization": f"Bearer {self.tokens[base]}"})
                response = connection.getresponse()
                payload = response.read()
                now = time.monotonic()
                elapsed = (now - sent) * 1000
                with self.lock:
                    self.latencies.append((now, elapsed, response.status))
                    if response.status == 201:
                        body = json.loads(payload)
                        self.acknowledged.append((now, body["id"].upper(), body.get("mrn", ""), base))
                    else:
                        self.refused.append({"at": now, "status": response.status, "ms": elapsed,
                                             "retryAfter": response.getheader("Retry-After"),
                                             "contentType": response.getheader("Content-Type") or "",
                                             "body": payload[:2000].decode("utf-8", "replace")})
                if response.status != 201:
                    time.sleep(0.2)
                elif self.pause:
                    time.sleep(self.pause)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as error:
                with self.lock:
                    self.failures.append((time.monotonic(), repr(error)))
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.2)
        if connection is not None:
            connection.close()


class BoardReader:
    """Reads GET /api/v1/board/events on `base` until stopped, reconnecting when the server ends the
    stream (after 1 s; the server's own hint is 2 s) and refetching GET /api/v1/board after each
    reconnection, as the board page does. Records each event kind with its time, each reconnect hint
    and each refetch."""

    def __init__(self, base: str, token: str, name: str = "board"):
        self.base = base
        self.token = token
        self.name = name
        self.lock = threading.Lock()
        self.events: list[tuple[float, str, dict]] = []
        self.hints: list[float] = []
        self.stream_ends: list[float] = []
        self.opened: list[float] = []
        self.refetched: list[tuple[float, int]] = []
        self.errors: list[str] = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.connection: http.client.HTTPConnection | None = None

    def start(self) -> "BoardReader":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        connection = self.connection
        if connection is not None:
            try:
                connection.sock and connection.sock.shutdown(2)
            except OSError:
                pass
        self.thread.join(5)

    def wait_open(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.opened:
                    return True
            time.sleep(0.05)
        return False

    def count(self, kind: str, after: float = 0.0) -> int:
        with self.lock:
            return sum(1 for at, k, _ in self.events if k == kind and at >= after)

    def gaps(self) -> list[tuple[float, float]]:
        """Each time the stream was closed (monotonic clock): from its end to the refetch of the
        board after the reconnection, when the board page redraws from the snapshot."""
        with self.lock:
            refetches = [at for at, status in self.refetched if status == 200]
            return [(end, next((at for at in refetches if at >= end), float("inf"))) for end in self.stream_ends]

    def _refetch(self) -> None:
        host, port = self.base.split("//", 1)[1].split(":")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request("GET", "/api/v1/board", headers={"Authorization": f"Bearer {self.token}"})
            response = connection.getresponse()
            response.read()
            connection.close()
            with self.lock:
                self.refetched.append((time.monotonic(), response.status))
        except (OSError, http.client.HTTPException) as error:
            with self.lock:
                self.errors.append(f"refetch: {error!r}")

    def _run(self) -> None:
        host, port = self.base.split("//", 1)[1].split(":")
        first = True
        while not self.stop_event.is_set():
            try:
                connection = http.client.HTTPConnection(host, int(port), timeout=40)
                self.connection = connection
                connection.request("GET", "/api/v1/board/events",
                                   headers={"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"})
                response = connection.getresponse()
                if response.status != 200:
                    response.read()
                    with self.lock:
                        self.errors.append(f"stream answered {response.status}")
                    connection.close()
                    time.sleep(1)
                    continue
                with self.lock:
                    self.opened.append(time.monotonic())
                if not first:
                    self._refetch()
                first = False
                kind, data = None, []
                while not self.stop_event.is_set():
                    raw = response.readline()
                    if not raw:
                        break
                    line = raw.decode("utf-8").rstrip("\r\n")
                    if line == "":
                        if kind:
                            try:
                                payload = json.loads("\n".join(data)) if data else {}
                            except ValueError:
                                payload = {}
                            with self.lock:
                                self.events.append((time.monotonic(), kind, payload))
                                if kind == "reconnect":
                                    self.hints.append(time.monotonic())
                        kind, data = None, []
                    elif line.startswith(":"):
                        continue
                    elif line.startswith("event:"):
                        kind = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].lstrip(" "))
                connection.close()
                with self.lock:
                    self.stream_ends.append(time.monotonic())
                time.sleep(1)
            except (OSError, http.client.HTTPException, ValueError) as error:
                if not self.stop_event.is_set():
                    with self.lock:
                        self.errors.append(f"stream: {error!r}")
                    time.sleep(0.5)


def http_get(base: str, path: str, token: str | None = None, timeout: float = 5.0,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = base.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        connection.request("GET", path, headers=all_headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def sqlite_patient_ids(path: str) -> set[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return {row[0].upper() for row in connection.execute("SELECT id FROM patients")}
    finally:
        connection.close()


def psql(url: str, sql: str, timeout: float = 60) -> list[str]:
    result = subprocess.run(["psql", url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}")
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def postgres_patient_ids(url: str) -> set[str]:
    return {line.upper() for line in psql(url, "SELECT upper(id::text) FROM patients")}


def fresh_postgres_database(admin_url: str, prefix: str) -> str:
    """Creates an empty database next to the one in `admin_url` and returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    psql(admin_url, f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def drop_postgres_database(admin_url: str, url: str) -> None:
    name = url.rpartition("/")[2]
    try:
        psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"warning: could not drop {name}: {error}", flush=True)


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own: initdb in `workdir`, started with pg_ctl on a free loopback
    port, a `ketaclinic` superuser with a password, a `ketaclinic` database. `stop()` and `start()`
    take it down and up again (the outage); `destroy()` stops it for good. As root, the server runs
    as the `postgres` OS user (PostgreSQL refuses root)."""

    def __init__(self, workdir: str):
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = shutil.which("initdb") or (candidates[-1] if candidates else None)
        if not initdb:
            raise RuntimeError("initdb not found: install PostgreSQL (Debian: apt install postgresql)")
        self.bin = os.path.dirname(initdb)
        self.dir = os.path.join(workdir, "pg")
        self.data = os.path.join(self.dir, "data")
        os.makedirs(self.dir, exist_ok=True)
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(self.dir, self.user)
            os.chmod(self.dir, 0o700)
            os.chmod(workdir, 0o755)
        self.port = free_port()
        self.running = False
        self._run([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres", "-E", "UTF8", "--locale=C",
                   "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256"], timeout=120)
        self.start()
        self._run(["psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-X", "-q",
                   "-v", "ON_ERROR_STOP=1", "-c", "CREATE ROLE ketaclinic LOGIN SUPERUSER PASSWORD 'ketaclinic'",
                   "-c", "CREATE DATABASE ketaclinic OWNER ketaclinic"], timeout=60)
        self.url = f"postgres://ketaclinic:ketaclinic@127.0.0.1:{self.port}/ketaclinic"

    def _run(self, command: list[str], timeout: float) -> None:
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd="/",
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> None:
        self.running = True
        self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "postgres.log"),
                   "-w", "-t", "30", "-o",
                   f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                   "start"], timeout=60)

    def stop(self, mode: str = "fast") -> None:
        self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", mode, "-w", "-t", "30", "stop"], timeout=60)
        self.running = False

    def destroy(self) -> None:
        if self.running:
            try:
                self.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"warning: could not stop the throwaway PostgreSQL: {error}", flush=True)


def _user_exists(name: str) -> bool:
    try:
        import pwd
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


__all__ = ["READING", "Writers", "BoardReader", "ThrowawayPostgres", "http_get", "percentile", "psql",
           "postgres_patient_ids", "sqlite_patient_ids", "fresh_postgres_database", "drop_postgres_database",
           "rss_kib", "fd_count", "redact"]
