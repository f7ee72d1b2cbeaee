#!/usr/bin/env python3
"""Write throughput and latency of POST /api/v1/patients at several client concurrencies.

Starts `ketaclinic serve` on a fresh SQLite file (and, for each --database postgres://... given,
on that PostgreSQL database too), then for each concurrency level (default 1, 8, 32, 64) runs
that many keep-alive client threads posting patients for --seconds seconds, and reports
requests/s, p50/p95/p99 latency, and the server's group-commit figures from /metrics
(ketaclinic_db_write_batches_committed, ketaclinic_db_writes_committed; their ratio is the average
batch size). Prints a Markdown table to stdout; progress goes to stderr.

The API and /metrics need sign-in: before the first level it creates two API tokens with the CLI
(`ketaclinic token create`): a nurse's with patients.register for the POSTs and an administrator's
with operations.metrics for /metrics (the demo accounts when the database has them, otherwise
bench users added with `ketaclinic user add`).

    python3 bench/write_throughput.py --binary .build/debug/ketaclinic --seconds 5
    python3 bench/write_throughput.py --database postgres://u:p@127.0.0.1:5432/db --skip-sqlite

Loopback only, bounded in time (about levels x seconds per engine, plus start-up). Note that the
Python client shares the machine with the server: on a small machine the client's own CPU use
(shown as "client CPU") caps the numbers at high concurrency.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.request
from serverkit import Server as ServerProcess, bearer, bench_token, redact

METRIC_LINE = re.compile(r'^(ketaclinic_db_[a-z_]+)(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, int(-(-fraction * len(sorted_values) // 1)))  # ceil
    return sorted_values[min(rank, len(sorted_values)) - 1]


def process_cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return float("nan")


class Server(ServerProcess):
    """The shared loopback server, plus the two API tokens the bench needs."""

    def __init__(self, binary: str, database: str, workdir: str):
        super().__init__(binary, workdir, database, log_level="warning", announce=progress)
        self.binary = binary
        self.workdir = workdir
        self.post_token = ""
        self.metrics_token = ""

    def make_tokens(self) -> None:
        self.post_token = bench_token(self.binary, self.database, "nurse", "patients.register",
                                      name="write throughput", cwd=self.workdir)
        self.metrics_token = bench_token(self.binary, self.database, "administrator", "operations.metrics",
                                         name="write throughput metrics", cwd=self.workdir)
        progress("API tokens: created with `ketaclinic token create` "
                 "(nurse: patients.register; administrator: operations.metrics)")

    def metrics(self) -> dict[str, float]:
        request = urllib.request.Request(self.base + "/metrics", headers=bearer(self.metrics_token))
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        values: dict[str, float] = {}
        for line in text.splitlines():
            match = METRIC_LINE.match(line)
            if match:
                values[match.group(1)] = float(match.group(2))
        return values


def post_patients(port: int, token: str, deadline: float, worker: int, latencies: list[float],
                  failures: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sequence = 0
    try:
        while time.monotonic() < deadline:
            sequence += 1
            body = json.dumps({
                "givenName": f"Bench{worker}",
                "familyName": f"Write{sequence:07d}",
                "dateOfBirth": f"19{40 + sequence % 60:02d}-{1 + sequence % 12:02d}-{1 + sequence % 28:02d}",
                "sexAtBirth": ("female", "male", "unknown")[sequence % 3],
            })
            started = time.perf_counter()
            try:
                connection.request("POST", "/api/v1/patients", body=body,
                                   headers={"Content-Type": "application/json", **bearer(token)})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                failures.append(type(error).__name__)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                time.sleep(0.05)
                continue
            elapsed = time.perf_counter() - started
            if response.status == 201:
                latencies.append(elapsed)
            else:
                failures.append(f"HTTP {response.status}")
    finally:
        connection.close()


def run_level(server: Server, clients: int, seconds: float) -> dict:
    before = server.metrics()
    server_cpu_before = process_cpu_seconds(server.process.pid)
    client_cpu_before = time.process_time()
    per_thread: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=post_patients, args=(server.port, server.post_token, deadline, i, per_thread[i], failures),
                                daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    server_cpu = process_cpu_seconds(server.process.pid) - server_cpu_before
    client_cpu = time.process_time() - client_cpu_before
    after = server.metrics()
    latencies = sorted(value for values in per_thread for value in values)
    batches = after.get("ketaclinic_db_write_batches_committed", 0) - before.get("ketaclinic_db_write_batches_committed", 0)
    writes = after.get("ketaclinic_db_writes_committed", 0) - before.get("ketaclinic_db_writes_committed", 0)
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(failures),
        "error_kinds": sorted(set(failures)),
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "batches": int(batches),
        "writes": int(writes),
        "avg_batch": writes / batches if batches else float("nan"),
        "largest_batch": int(after.get("ketaclinic_db_largest_write_batch", 0)),
        "server_cpu": server_cpu / elapsed * 100,
        "client_cpu": client_cpu / elapsed * 100,
        "stuck_threads": sum(thread.is_alive() for thread in threads),
    }


def bench_engine(label: str, binary: str, database: str, workdir: str, levels: list[int],
                 seconds: float, warmup: float) -> list[dict]:
    server = Server(binary, database, workdir)
    try:
        server.start()
        server.make_tokens()
        if warmup > 0:
            progress(f"{label}: warm-up {warmup:g} s at 4 clients")
            run_level(server, 4, warmup)
        rows = []
        for clients in levels:
            progress(f"{label}: {clients} client(s) for {seconds:g} s")
            row = run_level(server, clients, seconds)
            row["engine"] = label
            progress(f"  {row['rps']:.0f} req/s, p50 {row['p50']:.1f} ms, p99 {row['p99']:.1f} ms, "
                     f"avg batch {row['avg_batch']:.1f}, errors {row['errors']}")
            rows.append(row)
        return rows
    finally:
        server.stop()


def markdown(rows: list[dict], seconds: float) -> str:
    header = ("| engine | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms "
              "| batches committed | writes committed | avg batch | largest batch | server CPU | client CPU |")
    columns = header.count("|") - 1
    lines = [header, "|" + "---|" * columns]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['clients']} | {r['requests']} | {r['errors']} | {r['rps']:.0f} "
            f"| {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['batches']} | {r['writes']} "
            f"| {r['avg_batch']:.2f} | {r['largest_batch']} | {r['server_cpu']:.0f}% | {r['client_cpu']:.0f}% |")
    notes = [
        "",
        f"{seconds:g} s per level; POST /api/v1/patients over keep-alive loopback connections; latency is the "
        "client-side round trip of 201 responses. batches/writes are deltas of "
        "ketaclinic_db_write_batches_committed / ketaclinic_db_writes_committed over the level; avg batch = "
        "writes / batches; largest batch is the server's running maximum. CPU is % of one core "
        f"(machine has {os.cpu_count()} CPUs, shared by client and server).",
    ]
    for r in rows:
        if r["error_kinds"]:
            notes.append(f"{r['engine']} at {r['clients']} clients: errors {', '.join(r['error_kinds'])}")
        if r["stuck_threads"]:
            notes.append(f"{r['engine']} at {r['clients']} clients: {r['stuck_threads']} client threads did not finish")
    return "\n".join(lines + notes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/debug/ketaclinic", help="ketaclinic executable")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per concurrency level (default 5)")
    parser.add_argument("--levels", default="1,8,32,64", help="comma-separated client counts (default 1,8,32,64)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured warm-up seconds per engine (default 1)")
    parser.add_argument("--database", action="append", default=[],
                        help="also benchmark this postgres:// URL (repeatable; it gets bench rows added)")
    parser.add_argument("--skip-sqlite", action="store_true", help="do not benchmark the fresh SQLite file")
    options = parser.parse_args()

    try:
        levels = [int(part) for part in options.levels.split(",") if part.strip()]
    except ValueError:
        parser.error("--levels must be comma-separated integers")
    if not levels or any(not 1 <= level <= 256 for level in levels):
        parser.error("each level must be between 1 and 256")
    if not 0 < options.seconds <= 120 or not 0 <= options.warmup <= 30:
        parser.error("--seconds must be in (0, 120] and --warmup in [0, 30]")
    for url in options.database:
        if not url.startswith(("postgres://", "postgresql://")):
            parser.error(f"--database takes postgres:// URLs (got {redact(url)})")
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        parser.error(f"{binary} is not an executable")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = tempfile.mkdtemp(prefix="kc-throughput-")
    targets = [] if options.skip_sqlite else [("sqlite", f"sqlite:{workdir}/throughput.sqlite")]
    targets += [("postgres", url) for url in options.database]
    if not targets:
        parser.error("nothing to benchmark")
    rows: list[dict] = []
    try:
        for label, database in targets:
            rows += bench_engine(label, binary, database, workdir, levels, options.seconds, options.warmup)
    except Exception as error:  # noqa: BLE001
        progress(f"FAIL: {error}")
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(markdown(rows, options.seconds))
    return 0 if all(row["errors"] == 0 and row["requests"] > 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
