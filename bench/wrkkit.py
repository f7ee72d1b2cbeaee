"""What the wrk-driven benchmarks share: the Lua `done` hook that prints wrk's figures as one JSON
line, the no-op script for `/healthz`, and `run_wrk`, which runs wrk and measures wrk's own CPU (the
client must stay well below the server's share of the machine for the figures to be the server's)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time

# Lua, appended to every wrk script: wrk's totals and latency percentiles as `RESULT {json}`.
DONE_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"status_errors\\": %d, \\"socket_errors\\": %d, "
    .. "\\"p50_us\\": %d, \\"p99_us\\": %d}\\n", summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""

# The no-op route's script: plain GETs of the URL given, figures printed by DONE_LUA.
NOOP_LUA = DONE_LUA


def wrk_installed() -> bool:
    """True when wrk is on the PATH; otherwise says how to install it."""
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return False
    return True


def run_wrk(url: str, script: str, workdir: str, seconds: float, connections: int, threads: int) -> dict:
    """Runs wrk with `script` (DONE_LUA appended) and returns its figures plus its own CPU use
    (fraction of one core)."""
    path = os.path.join(workdir, f"wrk-{time.monotonic_ns()}.lua")
    with open(path, "w") as handle:
        handle.write(script if script is NOOP_LUA else script + DONE_LUA)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "-s", path, url],
                            capture_output=True, text=True, timeout=seconds + 60)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    figures = json.loads(line.removeprefix("RESULT "))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures["wrk_core_fraction"] = cpu / elapsed
    figures["seconds"] = figures["duration_us"] / 1e6
    figures["requests_per_second"] = figures["requests"] / figures["seconds"]
    return figures
