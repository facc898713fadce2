"""SCALE=1 against SCALE=10, page by page, in alternation: issue 20's ratio measured so that the machine's
drift cancels out.

    python -m bench.compare [--db sqlite|postgresql] [--rounds 3] [--duration 10] [--only PATH-SUBSTRING]

`bench.run` measures every page at one scale, then (minutes later) every page at the other. On a shared
2-core machine a 10 s run of the same page moves by ±20 % from one run to the next (07/12/2026: the
accountant's list at ×10 on PostgreSQL gave 8.16 and then 11.16 ms of server CPU, the search box 108.5
and then 39.0, with nothing changed in between), so the ratio of two such runs carries the drift of
both. Here both data sets that `make bench SCALE=1` and `make bench SCALE=10` built are served at once,
each by its own gunicorn (4 sync workers; the idle one costs nothing), and each page is measured at ×1
and at ×10 back to back, `--rounds` times, the order swapped every round. A page's ratio is the median
of its rounds' ratios; the spread of those ratios is printed beside it.

The status change is not measured here: each of its requests moves a task that has not moved before,
and a data set's movable tasks are spent by its first run. `bench.run` measures it on a fresh data set.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys

from .run import OUT, bench_url, check, endpoints, measure, reuse, serve, sign_in_all


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def mark(ratio: float) -> str:
    """A ratio as the report prints it, in bold past issue 20's 1.25."""
    return f"**{ratio:.2f}**" if ratio > 1.25 else f"{ratio:.2f}"


def table(rows: list[tuple[str, list[dict]]], title: str) -> tuple[str, list[str]]:
    """The report: per page, the median of the rounds' ×1 and ×10 figures, and the median of the rounds'
    ratios with their range (a round's ratio pairs two runs seconds apart); and the pages past 1.25."""
    lines = [title, "",
             "| page | CPU ms/req ×1 → ×10 | ratio | range | p95 ms ×1 → ×10 | ratio | range |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    worst = []
    for name, rounds in rows:
        cpu = [r[10]["cpu_ms"] / r[1]["cpu_ms"] for r in rounds]
        p95 = [r[10]["p95"] / r[1]["p95"] for r in rounds]
        cpu1, cpu10 = (statistics.median(r[s]["cpu_ms"] for r in rounds) for s in (1, 10))
        p951, p9510 = (statistics.median(r[s]["p95"] for r in rounds) for s in (1, 10))
        lines.append(f"| {name} | {cpu1:.2f} → {cpu10:.2f} | {mark(statistics.median(cpu))} | {spread(cpu)} | "
                     f"{p951:.0f} → {p9510:.0f} | {mark(statistics.median(p95))} | {spread(p95)} |")
        if max(statistics.median(cpu), statistics.median(p95)) > 1.25:
            worst.append(name)
    return "\n".join(lines), worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", default="", help="measure only the pages whose path contains this (and the ceiling)")
    args = parser.parse_args()

    servers = {}
    try:
        for scale in (1, 10):
            url = bench_url(args.db, scale)
            prepared = reuse(url)
            server, base = serve(url, args.workers)
            servers[scale] = (server, base, sign_in_all(base, prepared["ids"]))
        pages = [(name, path, extra, who) for name, path, extra, who in endpoints(prepared["ids"])
                 if "BENCH_IDS" not in extra and (not args.only or args.only in path or path == "/healthz")]
        for name, path, _, who in pages:
            for server, base, sessions in servers.values():
                if who in sessions:
                    check(sessions[who], path)

        rows = []
        for name, path, extra, who in pages:
            envs = {scale: {**extra, **({"BENCH_COOKIE": sessions[who].cookie, "BENCH_CSRF": sessions[who].csrf}
                                        if who in sessions else {})}
                    for scale, (_, _, sessions) in servers.items()}
            rounds = []
            for number in range(args.rounds):
                order = (1, 10) if number % 2 == 0 else (10, 1)
                got = {scale: measure(servers[scale][0].pid, servers[scale][1] + path, envs[scale],
                                      duration=args.duration, connections=args.connections) for scale in order}
                if any(r["errors"] or r["non2xx"] for r in got.values()):
                    raise RuntimeError(f"{path}: errors in the run: {got}")
                rounds.append(got)
            rows.append((name, rounds))
            print(f"  measured {name}", flush=True)
    finally:
        for server, _, _ in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    report, worst = table(rows, f"{args.db}: ×1 and ×10 served at once, each page measured at both scales back "
                                f"to back, {args.rounds} rounds of {args.duration} s, gunicorn {args.workers} sync "
                                f"workers each, wrk {args.connections} connections. Ratio = ×10 / ×1, median of the "
                                f"rounds (their range).")
    print("\n" + report)
    OUT.mkdir(exist_ok=True)
    (OUT / f"compare-{args.db}.md").write_text(report + "\n", encoding="utf-8")
    if worst:
        print(f"\nOver 1.25: {', '.join(worst)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
