"""Load test of the production server on loopback: a sustained rate (open loop: requests sent
on schedule whether or not the previous ones came back, latency counted from the scheduled
time, so a slow server cannot hide its queue) against ``POST /api/devis/`` and the simulator
page (``POST /simulateur/`` with its CSRF token), under ``mutuelle serve --prod`` (gunicorn).

Prints, per target: p50, p95, p99, max, the throughput achieved and the errors (non-2xx,
timeouts, refused connections). Target of issue 12: 200 requests/s sustained on /api/devis/
with p99 under 100 ms. The client is this script (Python threads, ``http.client``), one new
connection per request as gunicorn's sync workers close each one.

Usage:
  .venv/bin/python bench/load.py [--rate 200] [--duration 20] [--workers 3] [--port 8114]
                                 [--database-url postgres://…] [--base-url http://…]

Without ``--base-url`` it starts ``mutuelle serve --prod`` itself (settings.prod with throwaway
secrets, rate limits off, a SQLite file in a temporary folder unless ``--database-url``), waits
for ``/sante/``, runs, then stops it. Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUOTE = {
    "range": "residents",
    "date": "2026-01-01",
    "members": [
        {"role": "adherent", "birth_date": "1980-06-15"},
        {"role": "spouse", "birth_date": "1982-09-10"},
        {"role": "child", "birth_date": "2019-04-02"},
    ],
}
FAMILY = {
    "situation": "residents",
    "start": "01/01/2027",
    "member_birth": "15/06/1985",
    "spouse_birth": "10/09/1986",
    "children": "2",
    "child_0_birth": "02/03/2012",
    "child_1_birth": "20/11/2016",
    "resources": "30000",
    "housing": "tenant",
}


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def request(
    host: str, port: int, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, list[tuple[str, str]]]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read(), r.getheaders()
    finally:
        conn.close()


def csrf_for(host: str, port: int) -> tuple[str, str]:
    """The simulator's CSRF cookie and form token (one GET, as a browser)."""
    status, body, headers = request(
        host, port, "GET", "/simulateur/", b"", {"X-Forwarded-Proto": "https"}
    )
    cookie = next(
        v.split(";")[0] for k, v in headers if k.lower() == "set-cookie" and "csrftoken" in v
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert status == 200 and token, "page du simulateur illisible"
    return cookie, token.group(1).decode()


def run_target(
    name: str, host: str, port: int, rate: float, duration: float, make: object
) -> tuple[str, Result, float]:
    """Send ``rate`` requests a second for ``duration`` seconds; latency from schedule."""
    total = int(rate * duration)
    slots: queue.Queue[float | None] = queue.Queue()
    result = Result()
    start = time.perf_counter() + 0.2
    for i in range(total):
        slots.put(start + i / rate)
    threads = max(8, min(96, int(rate * 0.25)))
    for _ in range(threads):
        slots.put(None)

    def worker() -> None:
        method, path, body, headers, expect = make()  # type: ignore[operator]
        while True:
            due = slots.get()
            if due is None:
                return
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                status, _, _ = request(host, port, method, path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                result.error(type(exc).__name__)
                continue
            if status == expect:
                result.ok(time.perf_counter() - due)
            else:
                result.error(f"HTTP {status}")

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=duration + 60)
    elapsed = time.perf_counter() - start
    return name, result, elapsed


def server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by the server (the gunicorn master and its workers)."""
    if pid is None:
        return float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return float("nan")
    for p in [str(pid), *children]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k] * 1000


def report(name: str, result: Result, elapsed: float, rate: float, cpu: float) -> bool:
    lat = result.latencies
    n_err = sum(result.errors.values())
    through = len(lat) / elapsed if elapsed else 0.0
    print(f"\n{name} — visé {rate:.0f} requêtes/s pendant {elapsed:.1f} s")
    print(
        f"  p50 {pct(lat, 50):.1f} ms   p95 {pct(lat, 95):.1f} ms   p99 {pct(lat, 99):.1f} ms"
        f"   max {max(lat) * 1000 if lat else float('nan'):.1f} ms"
    )
    print(
        f"  débit obtenu {through:.1f} réponses/s ; réussies {len(lat)} ; erreurs {n_err}"
        + (f" {result.errors}" if n_err else "")
    )
    if lat:
        print(f"  médiane {statistics.median(lat) * 1000:.1f} ms")
    if lat and cpu == cpu:
        print(
            f"  CPU du serveur : {cpu / len(lat) * 1000:.1f} ms par réponse "
            f"(soit ≈ {len(lat) / cpu * (os.cpu_count() or 1):.0f}/s sur "
            f"{os.cpu_count()} cœurs libres)"
        )
    print(f"  charge de la machine (1 min) : {os.getloadavg()[0]:.2f}")
    return n_err == 0 and pct(lat, 99) < 100


def start_server(args: argparse.Namespace, tmp: Path) -> subprocess.Popen[bytes]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTUELLE_", "DJANGO_"))}
    env.update(
        MUTUELLE_SECRET_KEY=os.urandom(32).hex() + "-bench-only",
        MUTUELLE_ALLOWED_HOSTS="127.0.0.1,localhost",
        MUTUELLE_FIELD_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        MUTUELLE_DATA_DIR=str(tmp / "var"),
        MUTUELLE_RATE_LIMIT_SCALE="0",  # measure the server, not the limiter
        MUTUELLE_STATIC_COMPRESSION="0",
    )
    log = (tmp / "server.log").open("wb")
    cmd = [
        sys.executable, "-m", "mutuelle.cli", "serve", "--prod",
        "--port", str(args.port), "--workers", str(args.workers),
    ]  # fmt: skip
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(host: str, port: int, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            status, body, _ = request(host, port, "GET", "/sante/", b"", {})
            if status == 200 and json.loads(body)["database"] == "ok":
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("le serveur n'a pas répondu sur /sante/")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--duration", type=float, default=20)
    ap.add_argument("--page-rate", type=float, default=25, help="requêtes/s sur le simulateur")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--port", type=int, default=8114)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--base-url", default="", help="un serveur déjà lancé (sur ce poste)")
    args = ap.parse_args()
    server = None
    tmp = Path(tempfile.mkdtemp(prefix="mutuelle-load-"))
    if args.base_url:
        u = urllib.parse.urlsplit(args.base_url)
        host, port = u.hostname or "127.0.0.1", u.port or 80
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("charge sur la boucle locale seulement (127.0.0.1)")
    else:
        host, port = "127.0.0.1", args.port
        server = start_server(args, tmp)
    try:
        wait_healthy(host, port)
        print(
            f"Serveur : {'déjà lancé' if args.base_url else f'gunicorn, {args.workers} processus'}"
            f" sur {host}:{port} ; client : bench/load.py (threads Python, http.client)"
        )
        quote = json.dumps(QUOTE).encode()

        def devis() -> tuple[str, str, bytes, dict[str, str], int]:
            headers = {"Content-Type": "application/json", "X-Forwarded-Proto": "https"}
            return "POST", "/api/devis/", quote, headers, 200

        def simulator() -> tuple[str, str, bytes, dict[str, str], int]:
            cookie, token = csrf_for(host, port)
            body = urllib.parse.urlencode({**FAMILY, "csrfmiddlewaretoken": token}).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "X-Forwarded-Proto": "https",
                "Origin": f"https://{host}:{port}",
                "Referer": f"https://{host}:{port}/simulateur/",
            }
            return "POST", "/simulateur/", body, headers, 200

        # Warm-up: every worker loads the offer and the CSS parameters on its first requests.
        run_target("warm-up", host, port, 30, 4, devis)
        run_target("warm-up", host, port, 10, 3, simulator)
        pid = server.pid if server is not None else None
        print(f"charge de la machine (1 min) au départ : {os.getloadavg()[0]:.2f}")
        cpu0 = server_cpu(pid)
        run = run_target("POST /api/devis/", host, port, args.rate, args.duration, devis)
        cpu1 = server_cpu(pid)
        good = report(*run, args.rate, cpu1 - cpu0)
        page_rate = args.page_rate
        run = run_target(
            "POST /simulateur/ (famille de 4, CSS, page HTML)",
            host, port, page_rate, args.duration, simulator,
        )  # fmt: skip
        report(*run, page_rate, server_cpu(pid) - cpu1)
        print(
            f"\nObjectif /api/devis/ ({args.rate:.0f}/s, p99 < 100 ms, aucune erreur) :",
            "atteint" if good else "manqué",
        )
        return 0 if good else 1
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
