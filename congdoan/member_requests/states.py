"""The states a request goes through. The transitions between them are in workflow.py."""
from __future__ import annotations

import enum


class Status(str, enum.Enum):
    SUBMITTED = "submitted"     # waiting for the group leader's confirmation
    RETURNED = "returned"       # the group leader asked a question; waiting for the requester
    CONFIRMED = "confirmed"     # waiting for the committee's decision
    QUERIED = "queried"         # the committee asked a question; waiting for the requester
    APPROVED = "approved"       # approved with an amount; waiting for the accountant
    REFUSED = "refused"         # refused, with a reason
    DONE = "done"               # paid (payable kinds) or answered (the others)
    WITHDRAWN = "withdrawn"     # withdrawn by the requester before the decision

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.SUBMITTED: "Chờ tổ trưởng xác nhận",
    Status.RETURNED: "Tổ trưởng hỏi lại",
    Status.CONFIRMED: "Chờ BCH xét duyệt",
    Status.QUERIED: "BCH hỏi lại",
    Status.APPROVED: "Đã duyệt, chờ chi",
    Status.REFUSED: "Không duyệt",
    Status.DONE: "Đã chi / Đã trả lời",   # a list says which: status_label()
    Status.WITHDRAWN: "Đã rút",
}

# Before the committee's decision: the requester may still withdraw or add evidence.
OPEN_STATES = frozenset({Status.SUBMITTED, Status.RETURNED, Status.CONFIRMED, Status.QUERIED})
# Waiting for the requester to answer a question.
WAITING_FOR_REQUESTER = frozenset({Status.RETURNED, Status.QUERIED})
FINAL_STATES = frozenset({Status.REFUSED, Status.DONE, Status.WITHDRAWN})
