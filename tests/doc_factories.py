"""Factories for the documents tests: a committee, a plan approved through the real services, images."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw

from congdoan.approvals.services import submit, vote
from congdoan.documents import signatures
from congdoan.extensions import db
from congdoan.people.models import User
from congdoan.plans.models import Plan, PlanStatus

from .conftest import make_user
from .plan_factories import make_plan


@dataclass
class Committee:
    chair: User
    vice: User
    members: list[User]       # the five other committee members

    @property
    def everyone(self) -> list[User]:
        return [self.chair, self.vice, *self.members]


def make_committee(*, signature: bool = True) -> Committee:
    """A committee of seven: the chair, a vice chair and five members. The chair has a signature image."""
    chair = make_user("Nguyễn Thị Hoa", email="chutich@thu.demo", roles=["chair", "committee"])
    vice = make_user("Trần Văn Minh", email="phochutich@thu.demo", roles=["vice_chair", "committee"])
    members = [make_user(f"Ủy Viên {i}", email=f"uyvien{i}@thu.demo", roles=["committee"]) for i in range(1, 6)]
    if signature:
        signatures.save_signature(chair, png())
        db.session.commit()
    return Committee(chair, vice, members)


def approve(plan: Plan, committee: Committee) -> Plan:
    """Submit by the chair and four votes for out of seven: approved by the decision rule."""
    with current_app.test_request_context():
        submit(plan, actor=committee.chair)
        for voter in [committee.chair, committee.vice, *committee.members[:2]]:
            vote(plan, voter=voter, choice="for")
    db.session.commit()
    assert plan.state == PlanStatus.APPROVED, plan.state
    return plan


def approved_plan(committee: Committee, subject: str = "Kế hoạch thử năm học 2024 - 2025", **fields) -> Plan:
    return approve(make_plan(committee.chair, subject, **fields), committee)


def png(size=(400, 150), color=(20, 30, 140), mode="RGBA") -> bytes:
    image = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(image).line([(10, 120), (90, 20), (200, 130), (390, 30)], fill=color, width=7)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg(size=(400, 150), exif: bytes | None = None) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).ellipse([20, 20, 130, 130], outline=(200, 0, 0), width=8)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif or b"")
    return out.getvalue()


def example_docx() -> Path:
    """The real 2023-2024 plan, kept in the repo as demo data (congdoan.demo.EXAMPLE_DOCX)."""
    from congdoan.demo import EXAMPLE_DOCX
    return EXAMPLE_DOCX
