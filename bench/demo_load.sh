#!/usr/bin/env bash
# Times `ketaclinic demo` filling a fresh database with N synthetic patients, then times the first and a
# deep page of the patient list through the API. Usage:
#   bench/demo_load.sh [--binary PATH] [--patients N] [--database postgres://…]
# With no --database it uses a fresh SQLite file in a temporary directory. Loopback only; bounded.
set -euo pipefail
binary=.build/release/ketaclinic
patients=100000
database=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --binary) binary=$2; shift 2 ;;
        --patients) patients=$2; shift 2 ;;
        --database) database=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d)
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[[ -n $database ]] || database="sqlite:$work/demo.sqlite"
start=$(date +%s.%N)
"$binary" demo --database "$database" --patients "$patients" --seed 1 </dev/null
end=$(date +%s.%N)
echo "demo load: $patients patients in $(echo "$end - $start" | bc) s"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$binary" serve --database "$database" --port "$port" --log-level warning </dev/null >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
python3 - "$port" <<'PY'
import json, sys, time, urllib.request
port = sys.argv[1]
def get(path):
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body
for label, path in [("home page", "/"), ("patient list, first page", "/patients")]:
    times = sorted(get(path)[0] for _ in range(20))
    print(f"{label}: median {times[10]:.1f} ms over 20")
after, pages, times = None, 0, []
while pages < 100:
    ms, body = get("/api/v1/patients?limit=500" + (f"&after={after}" if after else ""))
    times.append(ms)
    after = json.loads(body).get("next")
    pages += 1
    if not after:
        break
times.sort()
print(f"API keyset paging, 500 per page: {pages} pages, median {times[len(times)//2]:.1f} ms, slowest {times[-1]:.1f} ms")
PY
