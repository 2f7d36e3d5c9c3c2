#!/usr/bin/env bash
# Benchmark: `ictu serve` under load and under attack, on loopback. wrk at full rate for 60 s on a mix of tiles
# (every zoom, random places inside the map, tile cache on) and point queries; then 60 s more with 200 slow
# clients ("slowloris": connections that send a request one byte every few seconds) and a stream of hostile
# requests (traversal, bad tiles, oversized bodies) beside the same load. Reports requests/s, latency
# percentiles, errors (socket errors and non-2xx answers to the normal requests) and the server's resident
# memory every 5 s (flat = no leak).
# Usage: bash Benchmarks/load.sh [RUN_DIR] [SECONDS]   (default: a run of the sample city, 60 s).
# Run by hand, not by CI. Installs wrk.
source "$(dirname "$0")/prepare.sh"
dpkg -s wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
run=${1:-run}; seconds=${2:-60}
[ -f "$run/ictu_day.tif" ] || "$ictu" compute --city city.yaml --out "$run" --force --quiet
work=$(mktemp -d)
port=8798
"$ictu" serve --run "$run" --port $port --cache-mb 64 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q serving "$work/serve.log" && break; sleep 0.2; done

# The normal requests: 6 000 tiles at random places of the map at each zoom of its pyramid, 2 000 point queries.
curl -s "http://127.0.0.1:$port/tilejson/day.json" > "$work/tilejson.json"
python3 - "$work/tilejson.json" > "$work/paths.txt" <<'PY'
import json, math, random, sys
t = json.load(open(sys.argv[1]))
west, south, east, north = t["bounds"]
random.seed(1)
def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y
for _ in range(6000):
    z = random.randint(t["minzoom"], t["maxzoom"])
    x, y = tile(random.uniform(west, east), random.uniform(south, north), z)
    print(f"/tiles/day/{z}/{x}/{y}.png")
# Points inside the grid: the WGS 84 bounds are the projected grid's envelope, so keep a 5 % margin.
dx, dy = (east - west) * 0.05, (north - south) * 0.05
for _ in range(2000):
    print(f"/api/point?lon={random.uniform(west + dx, east - dx):.6f}&lat={random.uniform(south + dy, north - dy):.6f}")
PY
cat > "$work/mix.lua" <<LUA
local paths = {}
for line in io.lines("$work/paths.txt") do paths[#paths + 1] = line end
math.randomseed(7)
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
LUA

rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$server/status; }
sample_rss() { while kill -0 $server 2>/dev/null; do echo "$(date +%s) $(rss)"; sleep 5; done; }
sample_rss > "$work/rss.txt" &

echo "server RSS at start: $(rss) MiB; $(wc -l < "$work/paths.txt") distinct requests (tiles z$(python3 -c "import json;t=json.load(open('$work/tilejson.json'));print(f\"{t['minzoom']}–{t['maxzoom']}\")"), points)"
echo "== load: wrk -t2 -c32 -d${seconds}s"
wrk -t2 -c32 -d${seconds}s --latency -s "$work/mix.lua" "http://127.0.0.1:$port" | tee "$work/wrk1.txt" | grep -E "Requests/sec|Latency  |50%|90%|99%|requests in|Socket errors|Non-2xx"
echo "server RSS after load: $(rss) MiB"

echo "== attack: the same load, with 200 slow clients and hostile requests beside it"
python3 - $port $seconds > "$work/attack.txt" 2>&1 <<'PY' &
import socket, sys, threading, time, urllib.request, urllib.error
port, seconds = int(sys.argv[1]), int(sys.argv[2])
end = time.time() + seconds
def slow():
    # A request sent one byte every 2 s, reopened when the server closes it.
    closed = 0
    while time.time() < end:
        try:
            s = socket.create_connection(("127.0.0.1", port)); s.settimeout(5)
            for b in b"GET /tiles/day/0/0/0.png HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000:
                if time.time() >= end: break
                s.send(bytes([b])); time.sleep(2)
        except OSError:
            closed += 1; time.sleep(0.5)
    slowclosed.append(closed)
slowclosed = []
threads = [threading.Thread(target=slow) for _ in range(200)]
for t in threads: t.start()
hostile = ["/leaflet/../../../../etc/passwd", "/leaflet/..%2F..%2Fetc%2Fpasswd", "//etc/passwd", "/tiles/day/99/0/0.png",
           "/tiles/..%2F..%2Fcalibration/1/1/1.png", "/api/point?lon=nan&lat=inf", "/" + "a" * 5000, "/leaflet/"]
counts, sent = {}, 0
while time.time() < end:
    for path in hostile:
        try:
            code = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).status
        except urllib.error.HTTPError as e: code = e.code
        except Exception as e: code = type(e).__name__
        counts[code] = counts.get(code, 0) + 1; sent += 1
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/scenario", data=b"x" * 1_100_000, method="POST")
        code = urllib.request.urlopen(req, timeout=10).status
    except urllib.error.HTTPError as e: code = e.code
    except Exception as e: code = type(e).__name__
    counts[f"POST 1.1 MB → {code}"] = counts.get(f"POST 1.1 MB → {code}", 0) + 1
for t in threads: t.join()
print(f"hostile requests: {sent}, answers by status: {counts}; slow connections closed by the server and reopened: {sum(slowclosed)}")
PY
attacker=$!
sleep 3
wrk -t2 -c32 -d${seconds}s --latency -s "$work/mix.lua" "http://127.0.0.1:$port" | tee "$work/wrk2.txt" | grep -E "Requests/sec|Latency  |50%|90%|99%|requests in|Socket errors|Non-2xx"
wait $attacker || true
cat "$work/attack.txt"
echo "server RSS after attack: $(rss) MiB"
echo "RSS every 5 s (MiB): $(awk '{printf "%s ", $2}' "$work/rss.txt")"
