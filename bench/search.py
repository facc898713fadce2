"""The search box on a bench-sized union, in-process: milliseconds per search (median of N), the
statements it sent and the hits, for the chair (every plan, task and request), the administrator (people
too), a group leader and a plain member (their group's tasks, their own requests).

    python -m bench.search --url sqlite:////tmp/bench-search.sqlite [--n 20]
    python -m bench.search --url postgresql://postgres@127.0.0.1:5432/congdoan_bench_search

An empty database is migrated and filled by bench/data.py first (about a minute); a filled one is reused.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

QUERIES = ["tet trung thu", "hung", "nguyen thi", "hoan thanh", "benh vien", "khen thuong con", "2024",
           "khong co gi nhu the nay"]
WHO = {"chair": "dv00001@bench.demo", "admin": "dv00004@bench.demo", "leader": "dv00016@bench.demo",
       "member": "dv00500@bench.demo"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, default=20)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.url
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from congdoan import create_app
    from congdoan.extensions import db

    from . import data
    from .run import settle

    out = Path(__file__).resolve().parents[1] / "bench-out"
    app = create_app(instance_path=str(out / "instance"), SECRET_KEY="bench-secret", RATELIMIT_ENABLED=False)
    with app.app_context():
        upgrade()
        if not db.session.execute(sa.text("SELECT count(*) FROM users")).scalar():
            started = time.perf_counter()
            counts = data.build(password_hash=generate_password_hash(data.PASSWORD, "pbkdf2:sha256:1000"))
            db.session.commit()
            settle(db.engine)
            print(f"built in {time.perf_counter() - started:.0f} s: {counts}")
        engine = db.engine
    statements = {"n": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_):
        statements["n"] += 1

    print(f"{engine.dialect.name}: median of {args.n}")
    # CPU time of this process (SQLite runs inside it; a PostgreSQL server's is not counted): steadier
    # than the wall clock when other work shares the machine.
    print(f"{'who':8} {'query':28} {'ms':>7} {'cpu ms':>7} {'stmts':>6}  hits (plans, tasks, requests, people)")
    for who, email in WHO.items():
        client = app.test_client()
        page = client.get("/dang-nhap").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/dang-nhap", data={"csrf_token": token, "email": email, "password": data.PASSWORD})
        for q in QUERIES + ["hoan thanh&nhom=cong-viec&trang=20"]:
            path = f"/tim-kiem?q={q.replace(' ', '+')}"
            client.get(path)
            times, cpu = [], []
            for _ in range(args.n):
                statements["n"] = 0
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            found = re.findall(r'<h2 id="search-area-[a-z-]+">[^<]+<span class="tag">(\d+)</span>',
                               response.get_data(as_text=True))
            print(f"{who:8} {q[:28]:28} {statistics.median(times):7.1f} {statistics.median(cpu):7.1f} "
                  f"{statements['n']:6}  {', '.join(found)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
