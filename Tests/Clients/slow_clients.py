"""Slow clients against `ictu serve` (a "slowloris" attack): N connections each send the start of a request and
then one byte every 0.3 s, never finishing it; meanwhile a normal client keeps asking for tiles. Prints JSON: for
each slow connection the seconds until the server closed it (null if it was still open at the end), and the normal
client's statuses and slowest answer.

usage: slow_clients.py BASE_URL CONNECTIONS SECONDS"""
import json, socket, sys, threading, time, urllib.error, urllib.request
from urllib.parse import urlparse

base, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
host, port = urlparse(base).hostname, urlparse(base).port
closed_after = [None] * count
start = time.time()

def slow(i):
    s = socket.create_connection((host, port))
    s.settimeout(0.3)
    head = b"GET /tiles/day/0/0/0.png HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10000
    for b in head:
        if time.time() - start > seconds:
            break
        try:
            s.send(bytes([b]))
            # The server closing shows as an empty read (or a reset).
            if s.recv(1) == b"":
                closed_after[i] = time.time() - start
                return
        except socket.timeout:
            continue
        except OSError:
            closed_after[i] = time.time() - start
            return
    s.close()

threads = [threading.Thread(target=slow, args=(i,)) for i in range(count)]
for t in threads:
    t.start()
statuses, slowest = {}, 0.0
while time.time() - start < seconds:
    t0 = time.time()
    try:
        code = urllib.request.urlopen(base + "/tiles/day/0/0/0.png", timeout=5).status
    except urllib.error.HTTPError as e:
        code = e.code
    except Exception as e:
        code = type(e).__name__
    slowest = max(slowest, time.time() - t0)
    statuses[str(code)] = statuses.get(str(code), 0) + 1
    time.sleep(0.1)
for t in threads:
    t.join()
print(json.dumps({"closedAfter": closed_after, "normal": statuses, "slowestNormal": slowest}))
