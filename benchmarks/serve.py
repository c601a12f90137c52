"""Bounded load on `twinflash serve`, 127.0.0.1 only: throughput, p50/p99 latency, errors,
every accepted upload checked, server memory before and after.

    PYTHONPATH=src .venv/bin/python benchmarks/serve.py --clients 8 32 --seconds 30

The server runs in a child process (uvicorn, inline Huey worker on SQLite) with the public
rate limits raised, since all clients share one address. Two loads per client count:
`check` (an agent uploading one 320x240 photo per request to POST /agent/batches) and
`public` (GET / and a render's status page, alternately; each request also counts one
hit in the shared rate limits: `--limiter process` runs the same load with per-process
counts, the baseline for that cost). The check load stops at
`--uploads` accepted photos (or the time limit), so that waiting for every result stays
bounded: the single worker checks about one photo a second (face detection), far fewer
than the endpoint accepts. Rows print as a Markdown table as each load finishes.
"""

from __future__ import annotations

import argparse
import io
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx  # the dev extra's client (the one starlette.testclient uses)
import numpy as np
from PIL import Image

SERVER = """
import sys, uvicorn
from pathlib import Path
from twinflash.web import app as web_app
from twinflash.web.app import create_app
if sys.argv[3] == "process":  # the baseline: counts kept in this process only (not shared)
    from limits.storage import MemoryStorage
    from twinflash.web.ratelimit import RateLimiter
    web_app.build_limiter = lambda engine, url: RateLimiter(MemoryStorage())
from twinflash.web.auth import hash_password
from twinflash.web.settings import Limits, Settings
from twinflash.web.store import Store
s = Settings(data_dir=Path(sys.argv[1]), secure_cookies=False, limits=Limits(
    public_requests_per_min=10**9, public_renders_per_min=10**9, public_blurs_per_min=10**9,
    files_per_batch=1))
s.prepare()
st = Store.open(s.database_url)
st.add_user("bench", "admin", hash_password("bench-password"))
st.close()
uvicorn.run(create_app(s), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def photo() -> bytes:
    buf = io.BytesIO()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


def login(base: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=60)
    found = re.search(r'name="token" value="([^"]+)"', c.get("/login").text)
    if found is None:
        raise SystemExit(f"{base}/login: no sign-in form token on the page")
    token = found.group(1)
    c.post("/login", data={"username": "bench", "password": "bench-password", "token": token})
    c.headers["X-CSRF-Token"] = c.get("/agent/whoami").json()["csrf"]
    c.headers["Accept"] = "application/json"
    return c


def run_load(
    base: str, kind: str, clients: int, seconds: float, render_id: str, max_uploads: int
) -> dict:
    latencies: list[float] = []
    errors = 0
    jobs: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    data = photo()

    def worker(k: int) -> None:
        nonlocal errors
        c = login(base) if kind == "check" else httpx.Client(base_url=base, timeout=60)
        n = 0
        while time.monotonic() < stop and not (kind == "check" and len(jobs) >= max_uploads):
            t0 = time.perf_counter()
            try:
                if kind == "check":
                    r = c.post(
                        "/agent/batches",
                        files={"photos": (f"{k}-{n}.jpg", data, "image/jpeg")},
                        data={"plate": "AB-123-CD"},
                    )
                    ok = r.status_code == 202
                    if ok:
                        with lock:
                            jobs.append(r.json()["job_id"])
                else:
                    r = c.get("/" if n % 2 else f"/demo/renders/{render_id}/status")
                    ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                errors += not ok
            n += 1
        c.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    lat = sorted(latencies)
    return {
        "requests": len(lat),
        "rps": len(lat) / wall,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "errors": errors,
        "jobs": jobs,
    }


def wait_results(base: str, jobs: list[str], timeout_s: float) -> tuple[int, float]:
    """How many accepted uploads have a checked case, and how long the worker took."""
    c = login(base)
    t0 = time.monotonic()
    pending = set(jobs)
    while pending and time.monotonic() - t0 < timeout_s:
        for job in list(pending):
            state = c.get(f"/agent/jobs/{job}").json()
            finished = state["status"] in ("done", "failed")
            if finished and all(case["status"] for case in state["cases"]):
                pending.discard(job)
        time.sleep(0.5)
    return len(jobs) - len(pending), time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--uploads", type=int, default=200, help="accepted photos per check load")
    ap.add_argument("--drain-timeout", type=float, default=900.0)
    ap.add_argument("--loads", nargs="+", choices=["public", "check"], default=["public", "check"])
    ap.add_argument(
        "--limiter",
        choices=["shared", "process"],
        default="shared",
        help="rate-limit counts in the database (the service) or in the process (baseline)",
    )
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([sys.executable, "-c", SERVER, tmp, str(port), args.limiter])
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            render = httpx.post(
                f"{base}/demo/renders", data={"people": "0"}, headers={"accept": "application/json"}
            )
            render_id = render.json()["job_id"]  # queued, not waited for: its status page is read
            before = rss_mb(proc.pid)
            print(f"server RSS before: {before:.0f} MB, rate limits: {args.limiter}", flush=True)
            print(
                "| load | clients | requests | req/s | p50 ms | p99 ms | errors "
                "| accepted uploads checked | worker drain s | RSS after MB |"
            )
            print("|---" * 10 + "|", flush=True)
            for kind in args.loads:
                for n in args.clients:
                    r = run_load(base, kind, n, args.seconds, render_id, args.uploads)
                    checked, drain = (
                        wait_results(base, r["jobs"], args.drain_timeout)
                        if kind == "check"
                        else (0, 0.0)
                    )
                    acc = f"{checked}/{len(r['jobs'])}" if kind == "check" else "—"
                    cells = [kind, n, r["requests"], f"{r['rps']:.0f}", f"{r['p50_ms']:.0f}"]
                    cells += [f"{r['p99_ms']:.0f}", r["errors"], acc, f"{drain:.0f}"]
                    cells.append(f"{rss_mb(proc.pid):.0f}")
                    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
