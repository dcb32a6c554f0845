# Python requests (a Session, keep-alive), as the catalogue connector's runner
# uses it: the same POST as the Node clients. Prints JSON on stdout.
#   python3 bench/python-client.py latency <port> <warmup> <calls>
#   python3 bench/python-client.py throughput <port> <inflight> <seconds>
import json
import sys
import threading
import time

import requests

mode, port = sys.argv[1], int(sys.argv[2])
url = f"http://127.0.0.1:{port}/api/1.0/scans/retest"
body = json.dumps({"BaseScanId": "af6d0ffd-529e-4056-b39f-b141021fae74"}, separators=(",", ":"))
import base64
auth = "Basic " + base64.b64encode(b"bench-user:bench-token").decode()
headers = {"Content-Type": "application/json", "Authorization": auth, "Accept": "application/json"}


def call(session):
    r = session.post(url, data=body, headers=headers, timeout=30)
    data = r.json()
    if r.status_code != 201 or not data:
        raise SystemExit(f"status {r.status_code}")


if mode == "latency":
    warmup, calls = int(sys.argv[3]), int(sys.argv[4])
    s = requests.Session()
    for _ in range(warmup):
        call(s)
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter_ns()
        call(s)
        samples.append((time.perf_counter_ns() - t0) / 1e6)
    print(json.dumps({"samples": samples}))
else:
    inflight, seconds = int(sys.argv[3]), float(sys.argv[4])
    done = [0] * inflight
    deadline = time.perf_counter() + seconds

    def worker(i):
        s = requests.Session()
        while time.perf_counter() < deadline:
            call(s)
            done[i] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(inflight)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"rps": sum(done) / (time.perf_counter() - t0)}))
