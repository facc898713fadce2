"""The mixed run replayed in one process, the same sequence every time: what each request of the mix
costs, counted in a way the machine's speed cannot move.

    python -m bench.replay [--db sqlite|postgresql] [--n 200] [--warm 40] [--seed 1] [--only KIND]
    valgrind --tool=callgrind --toggle-collect=_operator_call python -m bench.replay ...

bench.mixed measures the mix with wrk against gunicorn: the figure a person waits for, but it moves by a
third from one run to the next on a shared machine. This draws the same mix (bench/mixed.py's weights:
85 reads over the pages, 12 task status changes, 3 requests filed per 100) from a seeded random
sequence and replays it through the app's test client, one request after another, as one worker
would serve its share. It prints, per kind of request, how many were served, CPU ms per request and
statements per request.

Under callgrind, every measured request runs inside `operator.call` (a C function nothing else in the
stack calls), so `--toggle-collect=_operator_call` counts the instructions of the measured requests
only, not the start-up, the sign-ins or the warm-up: a total that is the same on every run of the same
code and data, whatever else the machine is doing. Two trees compare on their own data sets built by
the same bench/data.py (`make bench` or `python -m bench.run --only /healthz`).

--only KIND replays only the requests of that kind, each right after a status change (its cost not
measured): a page's cold cost, the same way.
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import operator
import os
import random
import time
import urllib.parse

import sqlalchemy as sa
from sqlalchemy import event

from .mixed import READ_WEIGHTS, REQUESTS_FILED, STATUS_CHANGES, _request_body
from .profile import signed_in_clients
from .run import OUT, bench_url

STATUS, FILE = "status change", "request filed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--n", type=int, default=200, help="measured requests")
    parser.add_argument("--warm", type=int, default=40, help="requests served first and not measured")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="replay only this kind (a path of the mix), each after a write")
    parser.add_argument("--cprofile", default="", help="write a cProfile of the measured requests to this file")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = bench_url(args.db)
    from congdoan import create_app
    from congdoan.extensions import db

    from . import data
    app = create_app(instance_path=str(OUT / "instance"), SECRET_KEY="bench-secret", RATELIMIT_ENABLED=False)
    with app.app_context():
        engine = db.engine
    statements = [0]

    @event.listens_for(engine, "after_cursor_execute")
    def _count(*_):
        statements[0] += 1

    ids = data.endpoint_ids()
    clients = signed_in_clients(app, ids)
    reader = {"/viec/to/1": "leader", "/de-xuat/tat-ca?trang_thai=approved": "accountant"}
    change = next(e for e in ids["extra_endpoints"] if e[2].get("BENCH_METHOD") == "POST")
    change_path, change_body = change[1], dict(urllib.parse.parse_qsl(change[2]["BENCH_BODY"]))
    last = int(change[2]["BENCH_IDS"].split("-")[1])
    with app.app_context():
        free = db.session.execute(sa.text(
            "SELECT id FROM tasks WHERE status = 'not_started' AND id <= :last ORDER BY id DESC LIMIT 5000"),
            {"last": last}).scalars().all()
    filing = dict(urllib.parse.parse_qsl(_request_body()))

    def serve(kind: str):
        if kind == STATUS:
            client, csrf = clients["chair"]
            response = client.post(change_path.replace("{id}", str(free.pop())), data=change_body,
                                   headers={"X-CSRFToken": csrf, "HX-Request": "true"})
        elif kind == FILE:
            client, csrf = clients["leader"]
            response = client.post("/de-xuat/moi/hieu-hy", data=filing,
                                   headers={"X-CSRFToken": csrf, "HX-Request": "true"})
        else:
            client, _ = clients[reader.get(kind, "chair")]
            response = client.get(kind)
        assert response.status_code in (200, 204, 302, 303), (kind, response.status_code)
        return response

    rng = random.Random(args.seed)
    slots = [kind for kind, weight in (*READ_WEIGHTS.items(), (STATUS, STATUS_CHANGES), (FILE, REQUESTS_FILED))
             for _ in range(weight)]
    sequence = [args.only if args.only else rng.choice(slots) for _ in range(args.warm + args.n)]
    per_kind = collections.defaultdict(lambda: [0, 0.0, 0])
    profiler = cProfile.Profile() if args.cprofile else None
    for i, kind in enumerate(sequence):
        if args.only and kind != STATUS:
            serve(STATUS)                      # a write first: the page is served cold
        measured = i >= args.warm
        queries, cpu = statements[0], time.process_time()
        if measured and profiler:
            profiler.runcall(serve, kind)
        elif measured:
            operator.call(serve, kind)         # counted under --toggle-collect=_operator_call
        else:
            serve(kind)
        if measured:
            entry = per_kind[kind]
            entry[0] += 1
            entry[1] += time.process_time() - cpu
            entry[2] += statements[0] - queries
    print(f"{'request':45} {'n':>5} {'cpu ms':>8} {'queries':>8}")
    total = [0, 0.0, 0]
    for kind, (n, cpu, queries) in sorted(per_kind.items()):
        print(f"{kind[:45]:45} {n:5} {cpu / n * 1000:8.2f} {queries / n:8.1f}")
        total = [total[0] + n, total[1] + cpu, total[2] + queries]
    print(f"{'all':45} {total[0]:5} {total[1] / total[0] * 1000:8.2f} {total[2] / total[0]:8.1f}")
    if profiler:
        profiler.dump_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
