#!/usr/bin/env python3
"""Chair board latency: from a vital-sign reading's commit to its event on the board's stream.

Against a running server (it starts nothing), this opens the API's event stream
(GET /api/v1/board/events, as the board page does), takes the first --chairs sessions of
GET /api/v1/board, and posts one reading per chair per second for --seconds seconds to
POST /api/v1/sessions/{id}/vitals, each chair from its own keep-alive client thread. For every
`reading` event of those sessions it measures received_time - storedAt (the commit instant the
event carries, in ms since 1970), then prints:

  latency p50/p95/p99/max (ms)   readings posted (201)   POST p50/p99 (ms)   errors   events missed

"Events missed" is readings answered 201 minus their `reading` events seen by the end (after a
2-second grace period). Latency compares the server's clock with this machine's: run the bench
on the server's host, or on one whose clock is synchronised with it (NTP), or the figures shift
by the offset.

The token needs patients.clinical (board and stream) and vitals.record (readings): a nurse's, e.g.

    ketaclinic token create --database sqlite:./ketaclinic.sqlite --email nurse@example.clinic --name bench \
        --scope patients.read,patients.clinical,vitals.record
    python3 bench/board_latency.py --url http://127.0.0.1:8080 --token kc_... --chairs 50 --seconds 60

With several instances on one PostgreSQL database, point --url at one instance and --post-url at
another to measure delivery across instances through LISTEN/NOTIFY. Python 3 standard library
only. Add --json for one machine-readable line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse

READING = {"systolic": 120, "diastolic": 80, "heartRate": 72, "oxygenSaturation": 98, "respiratoryRate": 14}


def connect(url: str, timeout: float) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(parts.hostname, parts.port or 443, timeout=timeout)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)


def base_path(url: str) -> str:
    return urllib.parse.urlsplit(url).path.rstrip("/")


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(fraction * len(ordered) + 0.5))))
    return ordered[rank - 1]


class Results:
    """Counters shared by the threads, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.post_times: list[float] = []
        self.posted = 0
        self.errors: list[str] = []
        self.events_seen = 0

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def board_sessions(url: str, token: str, chairs: int) -> list[str]:
    connection = connect(url, 10)
    connection.request("GET", base_path(url) + "/api/v1/board", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"GET /api/v1/board answered {response.status}: {body[:200]!r}")
    cards = json.loads(body).get("cards", [])
    ids = [card["sessionID"].lower() for card in cards][:chairs]
    if not ids:
        raise SystemExit("the board has no sessions: check patients in first (the demo clinic has some)")
    if len(ids) < chairs:
        print(f"note: the board has {len(ids)} sessions; using them all", file=sys.stderr)
    return ids


def listen(url: str, token: str, sessions: set[str], results: Results, ready: threading.Event,
           stop: threading.Event) -> None:
    """Reads the event stream until `stop`, reconnecting if it ends (the server closes streams now and then)."""
    while not stop.is_set():
        try:
            # Longer than the 15-second keep-alive: a timeout means the stream is dead.
            connection = connect(url, 40)
            connection.request("GET", base_path(url) + "/api/v1/board/events",
                               headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"})
            response = connection.getresponse()
            if response.status != 200:
                results.error(f"stream answered {response.status}")
                time.sleep(1)
                continue
            kind, data = None, []
            while not stop.is_set():
                raw = response.readline()
                if not raw:
                    break  # the server ended the stream
                ready.set()
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if kind == "reading" and data:
                        received = time.time() * 1000
                        event = json.loads("\n".join(data))
                        if str(event.get("sessionID", "")).lower() in sessions:
                            with results.lock:
                                results.latencies.append(received - float(event["storedAt"]))
                                results.events_seen += 1
                    kind, data = None, []
                elif line.startswith(":"):
                    continue
                elif line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
            connection.close()
        except (OSError, http.client.HTTPException, ValueError) as error:
            if not stop.is_set():
                results.error(f"stream: {error!r}")
                time.sleep(0.5)


def post_readings(url: str, token: str, session: str, deadline: float, start: float, results: Results) -> None:
    """Posts one reading a second for `session` until `deadline`, on one keep-alive connection."""
    body = json.dumps(READING).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    path = f"{base_path(url)}/api/v1/sessions/{session}/vitals"
    connection = connect(url, 10)
    tick = start
    while tick < deadline:
        delay = tick - time.time()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - sent) * 1000
            with results.lock:
                results.post_times.append(elapsed)
                if response.status == 201:
                    results.posted += 1
                else:
                    results.errors.append(f"POST {response.status}")
        except (OSError, http.client.HTTPException) as error:
            results.error(f"POST: {error!r}")
            connection.close()
            connection = connect(url, 10)
        tick += 1.0
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the server whose stream is read, e.g. http://127.0.0.1:8080")
    parser.add_argument("--post-url", help="where readings are posted (default: --url), e.g. another instance")
    parser.add_argument("--token", required=True, help="API token with patients.clinical and vitals.record")
    parser.add_argument("--chairs", type=int, default=50, help="sessions to post to (the board's first N)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to post")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of the text report")
    args = parser.parse_args()
    post_url = args.post_url or args.url

    sessions = board_sessions(args.url, args.token, args.chairs)
    results = Results()
    ready, stop = threading.Event(), threading.Event()
    listener = threading.Thread(target=listen, args=(args.url, args.token, set(sessions), results, ready, stop), daemon=True)
    listener.start()
    if not ready.wait(10):
        raise SystemExit("the event stream did not open within 10 s")
    time.sleep(0.2)

    start = time.time() + 0.1
    deadline = start + args.seconds
    # Spread the chairs over the second, as monitors would be.
    posters = [threading.Thread(target=post_readings,
                                args=(post_url, args.token, session, deadline, start + index / len(sessions), results),
                                daemon=True)
               for index, session in enumerate(sessions)]
    for thread in posters:
        thread.start()
    for thread in posters:
        thread.join()
    time.sleep(2)  # grace period for the last events
    stop.set()

    with results.lock:
        latencies, posts = list(results.latencies), list(results.post_times)
        posted, seen, errors = results.posted, results.events_seen, list(results.errors)
    summary = {
        "chairs": len(sessions), "seconds": args.seconds, "readings_posted": posted,
        "post_rate_per_s": round(posted / args.seconds, 1) if args.seconds else None,
        "latency_ms": {name: (round(value, 1) if value is not None else None) for name, value in
                       [("p50", percentile(latencies, .50)), ("p95", percentile(latencies, .95)),
                        ("p99", percentile(latencies, .99)), ("max", max(latencies) if latencies else None)]},
        "post_ms": {name: (round(value, 1) if value is not None else None) for name, value in
                    [("p50", percentile(posts, .50)), ("p99", percentile(posts, .99))]},
        "events_received": seen, "events_missed": max(0, posted - seen), "errors": len(errors),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        lat, post = summary["latency_ms"], summary["post_ms"]
        print(f"chairs {summary['chairs']}, {args.seconds:g} s, readings posted (201): {posted} "
              f"({summary['post_rate_per_s']}/s)")
        print(f"board latency ms: p50 {lat['p50']}  p95 {lat['p95']}  p99 {lat['p99']}  max {lat['max']}")
        print(f"POST ms: p50 {post['p50']}  p99 {post['p99']}")
        print(f"events received {seen}, events missed {summary['events_missed']}, errors {len(errors)}")
    for text in sorted(set(errors))[:10]:
        print(f"  error: {text} (x{errors.count(text)})", file=sys.stderr)
    sys.exit(1 if errors or summary["events_missed"] else 0)


if __name__ == "__main__":
    main()
