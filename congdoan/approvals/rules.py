"""The decision rule, as a pure function so its edges are easy to test.

Default (docs/domain.md): approved when the votes for exceed half of ALL committee members in office;
returned as soon as enough votes against make that impossible. A 2/3 variant is offered as a
setting. Members who have not voted are not counted as against: they can still vote for.
"""
from __future__ import annotations

from dataclasses import dataclass


def votes_needed(rule: str, members: int) -> int:
    if rule == "two_thirds_all":
        return -(-2 * members // 3)          # ceil(2n/3)
    return members // 2 + 1                  # more than half


@dataclass(frozen=True)
class Outcome:
    decision: str | None                     # "approve", "return" or None (still open)
    needed: int
    note: str                                # Vietnamese: which rule decided


def decide(rule: str, members: int, votes_for: int, votes_against: int) -> Outcome:
    needed = votes_needed(rule, members)
    rule_text = ("quá nửa tổng số Ủy viên BCH" if rule != "two_thirds_all" else "ít nhất 2/3 tổng số Ủy viên BCH")
    if members <= 0:
        return Outcome(None, needed, "")
    if votes_for >= needed:
        return Outcome("approve", needed,
                       f"Được duyệt: {votes_for}/{members} Ủy viên BCH đồng ý, đạt {rule_text} "
                       f"(cần {needed}).")
    still_possible = members - votes_against
    if still_possible < needed:
        return Outcome("return", needed,
                       f"Không được thông qua: {votes_against}/{members} Ủy viên BCH không đồng ý, "
                       f"số phiếu đồng ý tối đa còn có thể đạt là {still_possible}, không đủ {rule_text} "
                       f"(cần {needed}).")
    return Outcome(None, needed, "")
