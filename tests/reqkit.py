"""Factories and sample files for the requests tests: a small union, campaigns, requests moved
through the workflow by the right people, real PNG/JPEG/PDF bytes and disguised ones."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import sqlalchemy as sa

from congdoan.dates import local_today
from congdoan.extensions import db
from congdoan.member_requests import services, workflow
from congdoan.member_requests.kinds import KINDS
from congdoan.member_requests.models import Campaign, MemberRequest

from .conftest import make_group, make_user
from .samples import EXE, HTML, PDF, jpeg_bytes, png_bytes, upload  # noqa: F401  (re-exported)


def cast(chair=None):
    """A union: two groups with leaders, members, the committee, the accountant, an admin. `chair`: the
    chair already in office (a union has one), else one is made."""
    g1, g2 = make_group("Tổ Khối 1"), make_group("Tổ Khối 2")
    leader = make_user("Vũ Thị Mai", leads=g1)
    member = make_user("Nguyễn Thị Thanh", group=g1)
    neighbour = make_user("Trần Thị Yến", group=g1)
    other_leader = make_user("Lê Thị Thu Hà", leads=g2)
    other_member = make_user("Đặng Thị Phương", group=g2)
    chair = chair or make_user("Nguyễn Thị Hoa", roles=["chair", "committee"], group=g2)
    committee = make_user("Đỗ Văn Hùng", roles=["committee"], group=g2)
    accountant = make_user("Phạm Thị Lan", roles=["accountant", "committee"], group=g2)
    cashier = make_user("Thủ Quỹ Riêng", roles=["accountant"], group=g2)
    admin = make_user("Ngô Văn Tuấn", roles=["admin"], group=g2)
    return SimpleNamespace(g1=g1, g2=g2, leader=leader, member=member, neighbour=neighbour,
                           other_leader=other_leader, other_member=other_member, chair=chair,
                           committee=committee, accountant=accountant, cashier=cashier, admin=admin)


SAMPLE = {
    "child_award": {"child_name": "Nguyễn Minh An", "school": "Trường Tiểu học Thành Tô", "class_name": "3A2",
                    "achievement": "Hoàn thành xuất sắc nhiệm vụ học tập", "school_year": "2025 - 2026"},
    "sick_visit": {"patient": "Bản thân", "from_date": "2026-11-02", "to_date": "2026-11-06",
                   "place": "Bệnh viện Việt Tiệp", "note": "Mổ ruột thừa"},
    "wedding_funeral": {"occasion": "Hỷ (cưới hỏi)", "relation": "Con", "person_name": "Nguyễn Văn Bình",
                        "event_date": "2026-12-20", "place": "Hải An"},
    "maternity": {"birth_date": "2026-10-10", "leave_from": "2026-10-01", "leave_to": "2027-03-31"},
    "hardship": {"reason": "Nhà bị tốc mái sau bão số 3", "amount": "3.000.000"},
    "emulation": {"title": "Lao động tiên tiến", "school_year": "2025 - 2026"},
    "suggestion": {"subject": "Góp ý về giờ sinh hoạt", "content": "Đề nghị dời sinh hoạt tổ sang thứ Năm."},
}


def make_campaign(actor, *, kind: str = "child_award", title: str = "Khen thưởng con đoàn viên dịp Trung thu 2026",
                  deadline: dt.date | None = None) -> Campaign:
    values, errors = services.check_campaign(kind, title, "Nộp ảnh giấy khen.", deadline or local_today() + dt.timedelta(days=10))
    assert not errors, errors
    campaign = services.create_campaign(values, actor=actor)
    db.session.commit()
    return campaign


def submit(user, kind: str = "wedding_funeral", *, campaign: Campaign | None = None, data: dict | None = None,
           files=None) -> MemberRequest:
    if kind == "child_award" and campaign is None:
        campaign = db.session.execute(sa.select(Campaign).where(Campaign.kind == "child_award")).scalars().first()
        if campaign is None:
            raise AssertionError("child_award needs a campaign")
    if files is None:
        files = [upload(png_bytes(), "giay-khen.png")] if KINDS[kind].evidence_required else []
    req = services.submit(user, KINDS[kind], dict(SAMPLE[kind], **(data or {})), files, campaign=campaign)
    db.session.commit()
    return req


def act(req: MemberRequest, action: str, actor, *, note: str = "Ghi chú", amount="500.000") -> MemberRequest:
    workflow.apply(req, action, actor, expected=req.version, note=note, amount=amount)
    db.session.commit()
    return req


# How to reach each state from `submitted` (payable kinds) and who takes each action.
PATHS = {
    "submitted": [],
    "returned": ["ask"],
    "confirmed": ["confirm"],
    "queried": ["confirm", "query"],
    "approved": ["confirm", "approve"],
    "refused": ["confirm", "refuse"],
    "done": ["confirm", "approve", "pay"],
    "withdrawn": ["withdraw"],
}
UNPAID_PATHS = dict(PATHS, done=["confirm", "resolve"])
ACTOR_OF = {"confirm": "leader", "ask": "leader", "answer": "member", "withdraw": "member", "query": "chair",
            "approve": "chair", "resolve": "chair", "refuse": "chair", "pay": "accountant"}


def request_in(c, state: str, kind: str = "wedding_funeral") -> MemberRequest:
    """A request by c.member (group 1, leader c.leader) brought to `state` by the right people."""
    req = submit(c.member, kind)
    path = (PATHS if KINDS[kind].payable else UNPAID_PATHS)[state]
    for action in path:
        act(req, action, getattr(c, ACTOR_OF[action]))
    assert req.status == state, (req.status, state)
    return req
