"""Where a page's time goes: run each bench page N times in-process against the bench database and
print milliseconds per request, queries per request and the share spent in SQL.

    python -m bench.profile [--db sqlite|postgresql] [--n 50] [--cprofile PATH-SUBSTRING]

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

from sqlalchemy import event

from .run import OUT, USER_AGENT, endpoints


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--cprofile", default="", help="profile the pages whose path contains this text")
    parser.add_argument("--only", default="", help="measure only the pages whose path contains this text")
    parser.add_argument("--path", action="append", default=[], help="measure this GET path as the chair instead")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request of each page")
    args = parser.parse_args()
    url = (f"sqlite:///{OUT / 'bench.sqlite'}" if args.db == "sqlite"
           else os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/congdoan_bench"))
    os.environ["DATABASE_URL"] = url
    from congdoan import create_app
    from congdoan.extensions import db

    from . import data
    app = create_app(instance_path=str(OUT / "instance"), SECRET_KEY="bench-secret")
    sql = {"n": 0, "seconds": 0.0}

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        sql["n"] += 1
        if sql.get("log") is not None:
            sql["log"].append(statement)
        sql["seconds"] += time.perf_counter() - conn.info.pop("started")

    clients = {}
    for who, email in {"chair": "dv00001@bench.demo", **data.endpoint_ids()["logins"]}.items():
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        page = client.get("/dang-nhap").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/dang-nhap", data={"csrf_token": token, "email": email, "password": data.PASSWORD})
        home = client.get("/").get_data(as_text=True)
        clients[who] = (client, re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1))

    print(f"{'page':45} {'ms/req':>8} {'queries':>8} {'sql ms':>8}")
    pages = [(p, p, {}, "chair") for p in args.path] or endpoints(data.endpoint_ids())
    for name, path, extra, who in pages:
        if args.only and args.only not in path:
            continue
        client, csrf = clients.get(who, (app.test_client(), ""))
        method = extra.get("BENCH_METHOD", "GET")
        ids = extra.get("BENCH_IDS")
        first = int(ids.split("-")[0]) + 5000 if ids else 0    # other tasks than bench.run moves

        def call(i: int):
            target = path.replace("{id}", str(first + i))
            if method == "POST":
                body = dict(pair.split("=", 1) for pair in extra["BENCH_BODY"].split("&"))
                body = {k: v.replace("+", " ") for k, v in body.items()}
                return client.post(target, data=body, headers={"X-CSRFToken": csrf, "HX-Request": "true"})
            return client.get(target)

        sql["log"] = [] if args.sql else None
        response = call(0)
        assert response.status_code in (200, 204), (path, response.status_code)
        for statement in sql.pop("log") or []:
            print("   ", " ".join(statement.split())[:220])
        sql["log"] = None
        profiler = cProfile.Profile() if args.cprofile and args.cprofile in path else None
        sql.update(n=0, seconds=0.0)
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for i in range(1, args.n + 1):
            call(i)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"{name[:45]:45} {elapsed / args.n * 1000:8.2f} {sql['n'] / args.n:8.1f} "
              f"{sql['seconds'] / args.n * 1000:8.2f}", flush=True)
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
