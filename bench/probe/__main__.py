"""python -m bench.probe --base-url http://127.0.0.1:PORT [--database-url postgresql://...]

The outside probe of issue 15: an attacker's scripts against a served instance. Prints one line
per check and closes with `probe: N findings, M checks`; exit code 1 when anything was found."""
from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from .context import Probe
from .report import Report

# Order matters: the points that lock accounts (2), cut the database off (6) or end sessions (1)
# come after those that need the demo accounts signed in.
POINTS = ("access", "hostile", "p3_signin", "p4_duties", "p5_values", "p7_once", "p8_costly",
          "p1_sessions", "p6_failures", "p2_throttle")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe", description=__doc__)
    parser.add_argument("--base-url", required=True, help="the served instance, on 127.0.0.0/8")
    parser.add_argument("--database-url", help="its PostgreSQL database: counts, and the outage of point 6")
    parser.add_argument("--only", nargs="*", choices=POINTS, help="run only these modules")
    parser.add_argument("--workers", type=int, default=4, help="parallel requests for the sweeps")
    args = parser.parse_args(argv)
    report = Report()
    probe = Probe(args.base_url, args.database_url, report, workers=args.workers)
    started = time.perf_counter()
    if "p8_costly" in (args.only or POINTS):
        from .p8_costly import start_building
        start_building(probe)
    for name in args.only or POINTS:
        module = importlib.import_module(f".{name}", __package__)
        point = getattr(module, "POINT", name)
        t0 = time.perf_counter()
        try:
            module.run(probe)
        except Exception as exc:        # a check that could not finish is itself a finding
            report.finding(point, f"{name} could not finish", f"{type(exc).__name__}: {exc}")
            traceback.print_exc(file=sys.stderr)
        print(f"-- {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    print(report.summary())
    print(f"run time {time.perf_counter() - started:.0f} s")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
