"""The mixed run (issue 18 point 0): readers on every page while writers change task statuses and file
requests, all at once against one server, as a union's working day is. A page measured alone keeps
whatever its worker cached warm; here every write invalidates what the readers' pages keep, so this run
shows what people actually wait for.

    python -m bench.mixed [--db sqlite|postgresql] [--scale 1|10] [--reuse] [--duration 30] [--connections 20]

The mix, per 100 requests (what a union's day looks like from the server logs of a school-sized union,
scaled: most people read, group leaders tap a status now and then, members file a request rarely):
  85 reads, spread over the bench's GET pages (home pages 30, task boards and tracking 25, plan pages 15,
  request lists 15), 12 task status changes (the board's one-tap POST), 3 requests filed (a "Hiếu, hỷ"
  request by a member, a full form POST).
It prints one line: requests/s, p50/p95/p99, server CPU per request, errors, and how many rows the
writers added (task events and requests, read from the database before and after).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import urllib.parse

import sqlalchemy as sa

from .run import OUT, ROOT, bench_url, database_url, prepare, reuse, serve, server_cpu_seconds, sign_in_all, wrk

READ_WEIGHTS = {
    "/": 30, "/viec/to/1": 13, "/viec/theo-doi": 8, "/viec/ke-hoach/1": 4, "/ke-hoach/": 8,
    "/ke-hoach/?q=tet+trung+thu": 2, "/ke-hoach/1/xem-truoc": 5, "/de-xuat/tat-ca?trang_thai=approved": 8,
    "/de-xuat/": 7,
}
STATUS_CHANGES, REQUESTS_FILED = 12, 3


def _request_body() -> str:
    return urllib.parse.urlencode({"occasion": "Hỷ (cưới hỏi)", "relation": "Bản thân",
                                   "person_name": "Nguyễn Văn Bench", "event_date": dt.date.today().isoformat()})


def _unmoved_range(url: str, ids_range: str) -> str:
    """The part of the status-change range that no earlier run moved (bench.run moves ids from the bottom
    up): a status change on a moved task would answer 409 and count as an error."""
    first, last = (int(x) for x in ids_range.split("-"))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        moved = conn.execute(sa.text("SELECT max(id) FROM tasks WHERE id BETWEEN :a AND :b AND status <> 'not_started'"),
                             {"a": first, "b": last}).scalar()
    engine.dispose()
    start = max(first, (moved or 0) + 1)
    if last - start < 1000:
        raise SystemExit("too few unmoved tasks left for the mixed run: rebuild the data set (make bench)")
    return f"{start}-{last}"


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
               for table in ("task_events", "member_requests")}
    engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--scale", type=int, default=1, help="1 = 5,000 members, 10 = 50,000 (see bench.run)")
    parser.add_argument("--reuse", action="store_true", help="keep the database the last run built")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.reuse:
        prepared = reuse(url := bench_url(args.db, args.scale))
    else:
        prepared = prepare(url := database_url(args.db, args.scale), args.scale)
    ids = prepared["ids"]
    status_change = next(e for e in ids["extra_endpoints"] if e[2].get("BENCH_METHOD") == "POST")
    server, base = serve(url, args.workers)
    try:
        sessions = sign_in_all(base, ids)
        chair, leader = sessions["chair"], sessions["leader"]
        reader = {"/viec/to/1": leader, "/de-xuat/tat-ca?trang_thai=approved": sessions["accountant"]}
        lines = [(weight, "GET", path, reader.get(path, chair), "") for path, weight in READ_WEIGHTS.items()]
        lines.append((STATUS_CHANGES, "POST", status_change[1], chair, status_change[2]["BENCH_BODY"]))
        lines.append((REQUESTS_FILED, "POST", "/de-xuat/moi/hieu-hy", leader, _request_body()))
        mix = OUT / "mix.tsv"
        mix.write_text("".join(f"{w}\t{m}\t{p}\t{s.cookie}\t{s.csrf}\t{b}\n" for w, m, p, s, b in lines),
                       encoding="utf-8")
        before = _counts(url)
        env = {"BENCH_MIX": str(mix), "BENCH_IDS": _unmoved_range(url, status_change[2]["BENCH_IDS"])}
        cpu = server_cpu_seconds(server.pid)
        script = ROOT / "bench" / "mixed.lua"
        result = wrk(base + "/", duration=args.duration, connections=args.connections, env=env, script=script)
        served = result["rps"] * args.duration
        cpu_ms = (server_cpu_seconds(server.pid) - cpu) * 1000 / served if served else 0.0
        after = _counts(url)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    line = (f"| mixed run ({args.db}, scale {args.scale}, {args.workers} workers, {args.connections} connections, {args.duration} s) | "
            f"{result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} | {result['p99']:.1f} | {cpu_ms:.2f} | "
            f"{result['errors'] + result['non2xx'] or ''} | "
            f"{after['task_events'] - before['task_events']} status changes, "
            f"{after['member_requests'] - before['member_requests']} requests |")
    report = ("| run | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/req | errors | written |\n"
              "|---|---:|---:|---:|---:|---:|---|---|\n" + line)
    print(report)
    (OUT / f"mixed-{args.db}{'' if args.scale == 1 else f'-scale{args.scale}'}.md").write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
