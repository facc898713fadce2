"""Where a page's time goes: run each bench page N times in-process against the bench database and
print milliseconds per request, queries per request and the share spent in SQL.

    python -m bench.profile [--db sqlite|postgresql] [--n 50] [--scale N] [--cprofile PATH-SUBSTRING] [--cold]
                            [--sql] [--explain]

--cold measures each page right after a write, as a worker serves it in real use: before every measured
request a real task status change (the board's one-tap POST, as the chair) is committed, and only the
page's own request is timed. Without it a page is measured over and over with nothing changing, which
is the best case of everything a worker keeps.

--sql prints each statement of one request of each page with its time (right after a write with --cold);
--explain prints the plan the database chose for each of its SELECTs beside it (SQLite: EXPLAIN QUERY
PLAN; PostgreSQL: EXPLAIN ANALYZE, with the rows each step really read): what shows that a page's cost
is bounded by an index rather than by the size of a table.

Run `make bench` (or `python -m bench.run`) once first: it builds bench-out/bench.sqlite (or the
congdoan_bench PostgreSQL database) that this reads. Nothing is measured against a target here; this
is the tool to find what to fix, `bench.run` is the measure.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import time
import traceback
import urllib.parse
from pathlib import Path

import sqlalchemy as sa

from sqlalchemy import event

from .run import OUT, USER_AGENT, bench_url, endpoints


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--scale", type=int, default=1, help="the data set bench.run --scale built")
    parser.add_argument("--cprofile", default="", help="profile the pages whose path contains this text")
    parser.add_argument("--only", default="", help="measure only the pages whose path contains this text")
    parser.add_argument("--path", action="append", default=[], help="measure this GET path instead (as --who)")
    parser.add_argument("--who", default="chair", help="with --path: chair, accountant, leader or member")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request of each page")
    parser.add_argument("--explain", action="store_true", help="with --sql: the plan of each SELECT too")
    parser.add_argument("--cold", action="store_true",
                        help="commit a task status change before every measured request (its cost not counted)")
    args = parser.parse_args()
    url = bench_url(args.db, args.scale)
    os.environ["DATABASE_URL"] = url
    from congdoan import create_app
    from congdoan.extensions import db

    from . import data
    app = create_app(instance_path=str(OUT / "instance"), SECRET_KEY="bench-secret", RATELIMIT_ENABLED=False)
    sql = {"n": 0, "seconds": 0.0}

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        sql["n"] += 1
        seconds = time.perf_counter() - conn.info.pop("started")
        if sql.get("log") is not None:
            sql["log"].append((statement, seconds))
            if args.explain and _reads_only(statement):
                sql["log"].append(("", _explain(conn, statement, parameters)))
            if os.environ.get("TRACE") and re.search(os.environ["TRACE"], statement):
                # Where a statement comes from: TRACE=regex prints the project's frames that sent it.
                frames = [f for f in traceback.extract_stack() if "/congdoan/" in f.filename]
                sql["log"].append(("    from " + " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                                              for f in reversed(frames)), 0.0))
        sql["seconds"] += seconds

    clients = signed_in_clients(app, data.endpoint_ids())

    # CPU time of this process (SQLite runs inside it; a PostgreSQL server's time is not counted) is
    # steadier than the wall clock when other work shares the machine.
    print(f"{'page':45} {'ms/req':>8} {'cpu ms':>8} {'queries':>8} {'sql ms':>8}" + ("   (cold)" if args.cold else ""))
    pages = [(p, p, {}, args.who) for p in args.path] or endpoints(data.endpoint_ids())
    writes = _writer(app, clients["chair"], data.endpoint_ids()) if args.cold else None
    for name, path, extra, who in pages:
        if args.only and args.only not in path:
            continue
        client, csrf = clients.get(who, (app.test_client(), ""))
        method = extra.get("BENCH_METHOD", "GET")
        ids = extra.get("BENCH_IDS")
        free = []
        if ids:   # tasks still "not started" in the range bench.run moves, from the top down
            with app.app_context():
                free = db.session.execute(sa.text(
                    "SELECT id FROM tasks WHERE status = 'not_started' AND id <= :last ORDER BY id DESC LIMIT :n"),
                    {"last": int(ids.split("-")[1]), "n": args.n + 2}).scalars().all()

        def call(i: int):
            target = path.replace("{id}", str(free[i] if free else 0))
            if method == "POST":
                body = dict(urllib.parse.parse_qsl(extra["BENCH_BODY"]))
                return client.post(target, data=body, headers={"X-CSRFToken": csrf, "HX-Request": "true"})
            return client.get(target)

        response = call(0)
        assert response.status_code in (200, 204), (path, response.status_code)
        if args.sql:   # the statements of a second request (after a write with --cold), each with its time
            if writes is not None and method == "GET":
                next(writes)
            sql["log"] = []
            call(args.n + 1 if free else 0)
            for statement, seconds in sql.pop("log"):
                if not statement:          # the plan of the statement above
                    print("\n".join(f"                 {line}" for line in seconds))
                    continue
                print(f"    {seconds * 1000:6.2f} ms  " + " ".join(statement.split())[:220])
        sql["log"] = None
        profiler = cProfile.Profile() if args.cprofile and args.cprofile in path else None
        # Five rounds of n/5 requests; the fastest round is the figure (the others met more interference).
        rounds, per_round = [], max(args.n // 5, 1)
        sql.update(n=0, seconds=0.0)
        cold = writes is not None and method == "GET"
        if profiler:
            profiler.enable()
        for r in range(5):
            elapsed = cpu = 0.0
            for i in range(1 + r * per_round, 1 + (r + 1) * per_round):
                if cold:
                    queries, sql_seconds = sql["n"], sql["seconds"]
                    next(writes)
                    sql.update(n=queries, seconds=sql_seconds)   # the write's statements are not the page's
                started, cpu_started = time.perf_counter(), time.process_time()
                call(i)
                elapsed += time.perf_counter() - started
                cpu += time.process_time() - cpu_started
            rounds.append((elapsed, cpu))
        if profiler:
            profiler.disable()
        elapsed, cpu = min(rounds)
        total = per_round * 5
        print(f"{name[:45]:45} {elapsed / per_round * 1000:8.2f} {cpu / per_round * 1000:8.2f} "
              f"{sql['n'] / total:8.1f} {sql['seconds'] / total * 1000:8.2f}", flush=True)
        if profiler:
            if os.environ.get("PSTATS"):   # PSTATS=file keeps the raw profile for other tools
                profiler.dump_stats(os.environ["PSTATS"])
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
            stats.print_stats(45)
            if os.environ.get("CALLERS"):
                stats.print_callers(os.environ["CALLERS"])
    return 0


def signed_in_clients(app, ids: dict) -> dict:
    """A test client per bench person (the chair and bench/data.py's logins), signed in through the
    sign-in form: {who: (client, the CSRF token htmx sends)}."""
    from . import data
    clients = {}
    # A plain member too (dv00500: in no committee, leads no group), for --who member.
    for who, email in {"chair": "dv00001@bench.demo", **ids["logins"], "member": "dv00500@bench.demo"}.items():
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        page = client.get("/dang-nhap").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/dang-nhap", data={"csrf_token": token, "email": email, "password": data.PASSWORD})
        home = client.get("/").get_data(as_text=True)
        clients[who] = (client, re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1))
    return clients


def _reads_only(statement: str) -> bool:
    """A SELECT, or a WITH that writes nothing: explaining it under ANALYZE runs it again harmlessly."""
    return bool(re.match(r"\s*(SELECT|WITH)\b", statement, re.I)) and not re.search(
        r"\b(INSERT|UPDATE|DELETE)\b", statement, re.I)


def _explain(conn, statement: str, parameters) -> list[str]:
    """The plan of a SELECT just run, on the same connection (PostgreSQL: run again under ANALYZE)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement, parameters)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return [f"{'  ' * (row[1] > 0)}{row[3]}" for row in cursor.fetchall()]
    finally:
        cursor.close()


def _writer(app, chair, ids: dict):
    """An endless series of real writes: each next() moves one more "not started" task to "in progress"
    through the board's POST, committed, as any group leader's tap does in real use."""
    import sqlalchemy as sa

    from congdoan.extensions import db
    client, csrf = chair
    status_change = next(e for e in ids["extra_endpoints"] if e[2].get("BENCH_METHOD") == "POST")
    path, extra = status_change[1], status_change[2]
    body = dict(urllib.parse.parse_qsl(extra["BENCH_BODY"]))
    last = int(extra["BENCH_IDS"].split("-")[1])
    while True:
        with app.app_context():
            free = db.session.execute(sa.text(
                "SELECT id FROM tasks WHERE status = 'not_started' AND id <= :last ORDER BY id LIMIT 200"),
                {"last": last}).scalars().all()
        if not free:
            raise RuntimeError("no task left to change: rebuild the bench database (make bench)")
        for task_id in free:
            response = client.post(path.replace("{id}", str(task_id)), data=body,
                                   headers={"X-CSRFToken": csrf, "HX-Request": "true"})
            assert response.status_code in (200, 204), (task_id, response.status_code)
            yield task_id


if __name__ == "__main__":
    raise SystemExit(main())
