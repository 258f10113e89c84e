"""Times the review queue and bulk approvals against a running server, over one kept-alive
HTTP connection: bench/review.sh runs it. Arguments: BASE_URL USERNAME PASSWORD ROUNDS."""

import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlparse

base, username, password, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
url = urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)


def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data)


token = call("POST", "/v1/auth/login", {"username": username, "password": password})["token"]


def timed(path):
    times = []
    page = None
    for _ in range(rounds):
        start = time.perf_counter()
        page = call("GET", path, token=token)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return statistics.median(times), p(0.9), p(0.99), page


for label, path in [
    ("first page by risk", "/v1/reviews/queue?limit=50"),
    ("first page by age", "/v1/reviews/queue?limit=50&order=age"),
    ("first page, one kecamatan", "/v1/reviews/queue?limit=50&area=73.22.01"),
    ("first page, overdue only", "/v1/reviews/queue?limit=50&overdue=true"),
]:
    median, p90, p99, page = timed(path)
    c = page["counts"]
    print(
        f"queue, {label}: median {median:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms "
        f"({rounds} requests; {len(page['items'])} items, counts pending {c['pending']}, overdue {c['overdue']})"
    )

for attempt in range(1, 4):
    items, cursor = [], None
    while len(items) < 500:
        path = "/v1/reviews/queue?limit=200&order=age" + (f"&cursor={cursor}" if cursor else "")
        page = call("GET", path, token=token)
        items += [{"household_id": i["household_id"], "version": i["version"]} for i in page["items"]]
        cursor = page.get("next_cursor")
    items = items[:500]
    start = time.perf_counter()
    answer = call("POST", "/v1/reviews/approve", {"items": items}, token=token)
    took = (time.perf_counter() - start) * 1000
    approved = sum(1 for r in answer["results"] if r["outcome"] == "approved")
    print(f"bulk approval {attempt}: 500 households in {took:.0f} ms, {approved} approved")
