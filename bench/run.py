"""make bench: build a large union in a fresh database, serve it with gunicorn, load it with wrk
from a separate process over loopback, and print one table of requests/s and latency percentiles.

    python -m bench.run [--db sqlite|postgresql] [--duration 10] [--connections 20]

Targets (issue 8, checked here, never in the test suite): every page's p95 under 150 ms with 20
concurrent users on a 2-core machine, and the tracking dashboard at no less than a quarter of the
bare endpoint's throughput.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy.exc

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
from congdoan.demo import EXAMPLE_DOCX as EXAMPLE  # noqa: E402


USER_AGENT = "congdoan-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_url(kind: str, scale: int = 1) -> str:
    """Where the bench's data set of this scale lives: bench-out/bench[-scaleN].sqlite, or the PostgreSQL
    database congdoan_bench[_scaleN] (BENCH_DATABASE_URL overrides the scale-1 one)."""
    suffix = "" if scale == 1 else f"-scale{scale}"
    if kind == "postgresql":
        default = "postgresql://postgres@127.0.0.1:5432/congdoan_bench"
        url = os.environ.get("BENCH_DATABASE_URL", default)
        return url if scale == 1 else url + suffix.replace("-", "_")
    return f"sqlite:///{OUT / f'bench{suffix}.sqlite'}"


def database_url(kind: str, scale: int = 1) -> str:
    """bench_url, emptied: a fresh database to build the data set in."""
    url = bench_url(kind, scale)
    if kind == "postgresql":
        import psycopg
        parts = urllib.parse.urlsplit(url)
        admin = parts._replace(path="/postgres").geturl()
        name = parts.path.lstrip("/")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url
    path = Path(url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return url


def prepare(url: str, scale: int = 1) -> dict:
    """Migrate the fresh database and fill it; returns the counts and the ids the endpoints need."""
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from congdoan import create_app
    from congdoan.extensions import db

    from . import data

    app = create_app(instance_path=str(OUT / "instance"))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        counts = data.build(password_hash=generate_password_hash(data.PASSWORD, "pbkdf2:sha256:1000"), scale=scale)
        db.session.commit()
        counts["build_seconds"] = round(time.perf_counter() - started, 1)
        extra = getattr(data, "endpoint_ids", lambda: {})()
        settle(db.engine)
        db.engine.dispose()
    return {"counts": counts, "ids": extra}


def settle(engine) -> None:
    """PostgreSQL: VACUUM ANALYZE after the bulk load. autovacuum does the same on a live server
    within a minute or so of that many inserts; until it has, the planner believes the tables are
    empty and counts read the rows instead of the indexes (the requests panel: 6.8 ms, 0.4 after).
    Doing it here keeps the figures from depending on when autovacuum happened to wake.

    Then CHECKPOINT: the load and the vacuum leave about a gigabyte of dirty pages at SCALE=10, which the
    checkpointer otherwise writes out during the first pages measured, and its CPU is counted in "every
    PostgreSQL process" (07/12/2026: the bare endpoint at 1.60 × its SCALE=1 figure, the first seven pages
    1.53–1.86, the later ones 0.89–1.13). It needs superuser or pg_checkpoint; without them it is skipped."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        try:
            conn.exec_driver_sql("CHECKPOINT")
        except sqlalchemy.exc.ProgrammingError as error:   # insufficient privilege
            print(f"bench: CHECKPOINT skipped ({error.orig})", file=sys.stderr)


def reuse(url: str) -> dict:
    """The database an earlier run built, brought to the current migration (for quick re-measures)."""
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from congdoan import create_app

    from . import data
    app = create_app(instance_path=str(OUT / "instance"))
    with app.app_context():
        upgrade()
    return {"counts": {}, "ids": data.endpoint_ids()}


class Session:
    """A signed-in browser: cookie jar plus the CSRF token of the session."""

    def __init__(self, base: str, email: str, password: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        # Flask-Login's "strong" session protection ties the session to the user agent: wrk sends the same.
        self.opener.addheaders = [("User-Agent", USER_AGENT)]
        page = self.get("/dang-nhap")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password}).encode()
        self.opener.open(self.base + "/dang-nhap", body).read()
        home = self.get("/")
        self.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1)

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path).read().decode("utf-8")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def check(session: "Session", path: str) -> None:
    """The page answers 200 for this person (not a redirect to sign in): otherwise the numbers lie."""
    response = session.opener.open(session.base + path)
    if response.status != 200 or response.geturl().split("?")[0].endswith("/dang-nhap"):
        raise RuntimeError(f"{path} answered {response.status} at {response.geturl()}")


def wrk(url: str, *, duration: int, connections: int, env: dict, script: Path | None = None) -> dict:
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-s", str(script or ROOT / "bench" / "report.lua"), url]
    result = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, timeout=duration + 60)
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {result.stdout}\n{result.stderr}")
    values = dict(part.split("=", 1) for part in line.split()[1:])
    requests, duration_us = int(values["requests"]), int(values["duration_us"])
    return {"rps": requests / (duration_us / 1e6), "p50": int(values["p50"]) / 1000, "p95": int(values["p95"]) / 1000,
            "p99": int(values["p99"]) / 1000, "errors": int(values["errors"]), "non2xx": int(values["non2xx"])}


def measure(master_pid: int, url: str, env: dict, *, duration: int, connections: int, warm: bool = True) -> dict:
    """One page: a 2 s warm-up (not for a page whose every request must be new: the status change), then
    `duration` seconds of wrk, with the server's CPU per request (`cpu_ms`)."""
    if warm:
        wrk(url, duration=2, connections=connections, env=env)
    cpu = server_cpu_seconds(master_pid)
    result = wrk(url, duration=duration, connections=connections, env=env)
    served = result["rps"] * duration
    result["cpu_ms"] = (server_cpu_seconds(master_pid) - cpu) * 1000 / served if served else 0.0
    return result


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the server side: the gunicorn master and its workers,
    and every PostgreSQL process (none on SQLite). Per request, this is steadier than throughput on
    a machine whose speed drifts: time the machine lends to others is not counted."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        pid, ppid = int(entry), int(fields[1])
        if pid == master_pid or ppid == master_pid or name.startswith("postgres"):
            # utime, stime, and those of its children that have ended (a PostgreSQL backend that
            # closed is counted in the postmaster's)
            total += sum(int(value) for value in fields[11:15])
    return total / tick


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn with `workers` sync workers on a free port, answering; returns (process, base URL).
    Throttling is off: wrk drives thousands of requests a second from one address, which the limits of
    congdoan/ratelimit.py exist to refuse (the .docx page would measure 429 answers)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(OUT / "instance"), "SECRET_KEY": "bench-secret",
           "RATELIMIT_ENABLED": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def sign_in_all(base: str, ids: dict) -> dict[str, "Session"]:
    from . import data
    sessions = {"chair": Session(base, "dv00001@bench.demo", data.PASSWORD)}
    for who, email in ids.get("logins", {}).items():
        sessions[who] = Session(base, email, data.PASSWORD)
    return sessions


def medians() -> dict[str, float]:
    """Median of 20: rendering the largest plan to .docx, importing the example Word plan."""
    from congdoan import create_app
    from congdoan.documents.word_import import import_plan_docx
    from congdoan.documents.render import render_plan
    from congdoan.plans.document import load_plan_tree, to_document

    app = create_app(instance_path=str(OUT / "instance"))
    out = {}
    with app.app_context():
        doc = to_document(load_plan_tree(1))
        org = {"motto_line1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto_line2": "Độc lập - Tự do - Hạnh phúc",
               "number_symbol": "KH-CĐ"}
        render_plan(doc, org=org, draft=False)
        times = []
        for _ in range(20):
            started = time.perf_counter()
            render_plan(doc, org=org, draft=False)
            times.append(time.perf_counter() - started)
        out["render largest plan .docx (12 months x 8 activities)"] = statistics.median(times) * 1000
    if EXAMPLE.exists():
        data = EXAMPLE.read_bytes()
        import_plan_docx(data)
        times = []
        for _ in range(20):
            started = time.perf_counter()
            import_plan_docx(data)
            times.append(time.perf_counter() - started)
        out["import the example Word plan"] = statistics.median(times) * 1000
    return out


def endpoints(ids: dict) -> list[tuple[str, str, dict, str]]:
    """(name, path, extra wrk env, who) for every measured page."""
    items = [
        ("bare endpoint (/healthz)", "/healthz", {}, "anonymous"),
        ("home page", "/", {}, "chair"),
        ("plan list", "/ke-hoach/", {}, "chair"),
        ("plan search", "/ke-hoach/?q=tet+trung+thu", {}, "chair"),
        ("search box, every area", "/tim-kiem?q=tet+trung+thu", {}, "chair"),
        ("plan preview", "/ke-hoach/1/xem-truoc", {}, "chair"),
    ]
    items += ids.get("extra_endpoints", [])
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--scale", type=int, default=1,
                        help="the union's size: 1 = 5,000 members (issue 8), 10 = a factory union of 50,000 (issue 20)")
    parser.add_argument("--only", default="", help="measure only the pages whose path contains this (and the ceiling)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database the last run built (SQLite: bench-out/bench.sqlite), migrated to head")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench installs it when run as root)", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    if args.reuse:
        url = bench_url(args.db, args.scale)
        prepared = reuse(url)
    else:
        url = database_url(args.db, args.scale)
        print(f"Building the data set in {args.db} at scale {args.scale} ...", flush=True)
        prepared = prepare(url, args.scale)
        print("  " + ", ".join(f"{k}={v}" for k, v in prepared["counts"].items()), flush=True)

    server, base = serve(url, args.workers)
    try:
        sessions = sign_in_all(base, prepared["ids"])
        results = []
        for name, path, extra, who in endpoints(prepared["ids"]):
            if args.only and args.only not in path and path != "/healthz":
                continue
            wrk_env = {k: v.format(csrf=sessions[who].csrf) if who in sessions else v for k, v in extra.items()}
            if who in sessions:
                wrk_env.update(BENCH_COOKIE=sessions[who].cookie, BENCH_CSRF=sessions[who].csrf)
                if "BENCH_METHOD" not in wrk_env:
                    check(sessions[who], path)
            result = measure(server.pid, base + path, wrk_env, duration=args.duration,
                             connections=args.connections, warm="BENCH_IDS" not in wrk_env)
            results.append((name, result))
            print(f"  measured {name}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ceiling = results[0][1]["rps"]
    lines = [f"Machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
             f"database {args.db} · scale {args.scale} · gunicorn {args.workers} sync workers · wrk {args.connections} connections, "
             f"{args.duration} s per page", "",
             "| page | req/s | p50 ms | p95 ms | p99 ms | of ceiling | server CPU ms/req | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in results:
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
                     f"{r['rps'] / ceiling:.0%} | {r['cpu_ms']:.2f} | {r['errors'] + r['non2xx'] or ''} |")
    lines += ["", "| operation (median of 20) | ms |", "|---|---:|"]
    lines += [f"| {name} | {ms:.1f} |" for name, ms in medians().items()]
    report = "\n".join(lines)
    print("\n" + report)
    (OUT / f"results-{args.db}{'' if args.scale == 1 else f'-scale{args.scale}'}.md").write_text(report + "\n", encoding="utf-8")
    slow = [name for name, r in results if r["p95"] > 150]
    if slow:
        print(f"\nTarget missed (p95 > 150 ms): {', '.join(slow)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
