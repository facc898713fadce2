"""The finding record: one line per check (OK, FINDING with its detail, or NOT RUN with why)."""
from __future__ import annotations

import sys
import threading
from collections import Counter
from dataclasses import dataclass


@dataclass
class Result:
    point: str
    name: str
    outcome: str          # "OK", "FINDING", "NOT RUN"
    detail: str = ""


class Report:
    def __init__(self, out=sys.stdout):
        self.results: list[Result] = []
        self.out = out
        self._lock = threading.Lock()

    def _add(self, result: Result) -> None:
        with self._lock:
            self.results.append(result)
            line = f"{result.outcome:<8} [{result.point}] {result.name}"
            if result.detail:
                line += f" — {result.detail}"
            print(line, file=self.out, flush=True)

    def check(self, point: str, name: str, ok: bool, detail: str = "") -> bool:
        self._add(Result(point, name, "OK" if ok else "FINDING", "" if ok else detail))
        return ok

    def finding(self, point: str, name: str, detail: str) -> None:
        self._add(Result(point, name, "FINDING", detail))

    def note(self, point: str, name: str, detail: str) -> None:
        """A measured figure: counted as a passed check, printed with its value."""
        self._add(Result(point, name, "OK", detail))

    def not_run(self, point: str, name: str, why: str) -> None:
        self._add(Result(point, name, "NOT RUN", why))

    @property
    def findings(self) -> list[Result]:
        return [r for r in self.results if r.outcome == "FINDING"]

    def summary(self) -> str:
        checks = [r for r in self.results if r.outcome != "NOT RUN"]
        lines = ["", "per point:"]
        points = sorted({r.point for r in self.results}, key=_point_key)
        for point in points:
            c = Counter(r.outcome for r in self.results if r.point == point)
            lines.append(f"  {point:<10} {c['FINDING']} findings, {c['OK'] + c['FINDING']} checks"
                         + (f", {c['NOT RUN']} not run" if c["NOT RUN"] else ""))
        lines.append(f"probe: {len(self.findings)} findings, {len(checks)} checks")
        return "\n".join(lines)


def _point_key(point: str):
    return (0, int(point)) if point.isdigit() else (1, point)
