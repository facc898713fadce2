"""Rules and state changes for requests and campaigns. Services validate and flush; the view commits
once. Status changes go through workflow.py only."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..audit.service import record
from ..dates import fmt_date, local_today, parse_vn_date, utcnow
from ..errors import DomainError, PermissionDenied
from ..finder.keys import request_key
from ..extensions import db
from ..notifications.service import notify
from ..people.models import User
from ..text import clean_text, fold
from ..uploads.service import DEFAULT_MAX_BYTES, IMAGES_AND_PDF, save_upload
from . import workflow
from .kinds import KINDS, Kind
from .models import Campaign, MemberRequest, RequestEvent, RequestFile
from .notify import path_for
from .workflow import InvalidInput

MAX_FILES = 5                       # per submission (the app refuses bodies above MAX_CONTENT_LENGTH)
MAX_FILES_PER_REQUEST = 20
EVIDENCE_MAX_BYTES = DEFAULT_MAX_BYTES
TITLE_MAX = 200
DESCRIPTION_MAX = 5000


class CampaignClosed(DomainError):
    """A submission to a campaign that is closed or past its deadline."""


def _present(files) -> list:
    return [f for f in (files or []) if f is not None and getattr(f, "filename", "")]


# --- requests ---------------------------------------------------------------------------------------

def submit(requester: User, kind: Kind, raw, files=(), *, campaign: Campaign | None = None,
           today: dt.date | None = None) -> MemberRequest:
    """File a request of `kind` with its answers `raw` and evidence `files`, optionally in a campaign.

    Refuses: a campaign that is closed or past its deadline (CampaignClosed), a campaign of another
    kind; missing or invalid answers, missing evidence where the kind requires it, too many files
    (InvalidInput, per field); a file that is too large, empty or not really an image or a PDF
    (UploadError). Nothing is kept when it refuses: the caller rolls back, which also removes any
    file already stored.
    """
    if campaign is None and kind.campaign_only:
        raise CampaignClosed(f"Đề xuất “{kind.label}” chỉ được nhận theo đợt do Ban Chấp hành mở; "
                             f"hiện không có đợt nào đang nhận.")
    if campaign is not None:
        message = campaign.closed_message(today)
        if message:
            raise CampaignClosed(message)
        if campaign.kind != kind.code:
            raise DomainError(f"Đợt “{campaign.title}” chỉ nhận đề xuất loại “{campaign.spec.label}”.")
    details, errors = kind.validate(raw)
    files = _present(files)
    if len(files) > MAX_FILES:
        errors["evidence"] = f"Mỗi lần gửi tối đa {MAX_FILES} tệp minh chứng."
    elif kind.evidence_required and not files:
        errors["evidence"] = "Vui lòng đính kèm ít nhất một ảnh hoặc tệp PDF minh chứng."
    if errors:
        raise InvalidInput(errors)
    summary = kind.summary_of(details)
    req = MemberRequest(kind=kind.code, requester_id=requester.id, group_id=requester.group_id,
                        campaign_id=campaign.id if campaign else None, details=details, summary=summary,
                        summary_key=fold(summary)[:300],
                        search_text=request_key(kind.label, summary, kind.display(details)),
                        events=[], files=[])     # new: nothing to load before appending to them
    workflow.start(req, requester)      # sets the first status, adds and flushes
    for upload in files:
        stored = save_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=EVIDENCE_MAX_BYTES, uploaded_by=requester)
        req.files.append(RequestFile(file_id=stored.id))
    db.session.flush()
    return req


def add_evidence(req: MemberRequest, files, actor: User) -> int:
    """Attach more evidence to an open request (the requester only). Returns how many were added."""
    if not req.can_add_evidence(actor):
        if actor.id != req.requester_id:
            raise PermissionDenied("Chỉ người gửi mới được bổ sung minh chứng cho đề xuất này.")
        raise DomainError(f"Không thể bổ sung minh chứng khi đề xuất đang ở trạng thái “{req.status_label}”.")
    files = _present(files)
    if not files:
        raise InvalidInput({"evidence": "Vui lòng chọn ít nhất một tệp để tải lên."})
    if len(files) > MAX_FILES:
        raise InvalidInput({"evidence": f"Mỗi lần gửi tối đa {MAX_FILES} tệp minh chứng."})
    if len(req.files) + len(files) > MAX_FILES_PER_REQUEST:
        raise InvalidInput({"evidence": f"Một đề xuất có tối đa {MAX_FILES_PER_REQUEST} tệp minh chứng."})
    names = []
    for upload in files:
        stored = save_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=EVIDENCE_MAX_BYTES, uploaded_by=actor)
        req.files.append(RequestFile(file_id=stored.id))
        names.append(stored.original_name)
    req.events.append(RequestEvent(request_id=req.id, actor_id=actor.id, action="evidence",
                                   note=", ".join(names)))
    db.session.flush()
    record("request_evidence_added", req, actor=actor, summary=f"Bổ sung {len(files)} tệp minh chứng cho đề xuất #{req.id}",
           data={"files": [link.file_id for link in req.files[-len(files):]]})
    return len(files)


# --- campaigns --------------------------------------------------------------------------------------

def check_campaign(kind_code, title, description, deadline, *, existing: Campaign | None = None,
                   today: dt.date | None = None):
    """Clean a campaign's fields. Returns (values, errors) with Vietnamese messages per field."""
    today = today or local_today()
    errors: dict[str, str] = {}
    values: dict = {}
    if existing is None:
        if kind_code not in KINDS:
            errors["kind"] = "Vui lòng chọn loại đề xuất của đợt."
        values["kind"] = kind_code
    values["title"] = clean_text(title)
    if not values["title"]:
        errors["title"] = "Vui lòng nhập tên đợt."
    elif len(values["title"]) > TITLE_MAX:
        errors["title"] = f"Tên đợt quá dài (tối đa {TITLE_MAX} ký tự)."
    values["description"] = clean_text(description, multiline=True)
    if len(values["description"]) > DESCRIPTION_MAX:
        errors["description"] = f"Mô tả quá dài (tối đa {DESCRIPTION_MAX} ký tự)."
    day = deadline if isinstance(deadline, dt.date) else parse_vn_date(deadline)
    if day is None:
        errors["deadline"] = "Vui lòng nhập hạn cuối hợp lệ (ví dụ 15/09/2026)."
    elif day < today and (existing is None or day != existing.deadline):
        errors["deadline"] = "Hạn cuối không được trước hôm nay."
    elif day.year > today.year + 2:
        errors["deadline"] = "Hạn cuối quá xa (tối đa 2 năm)."
    values["deadline"] = day
    return values, errors


def create_campaign(values: dict, *, actor: User) -> Campaign:
    """Open a campaign (fields checked by check_campaign) and tell every active member about it."""
    campaign = Campaign(kind=values["kind"], title=values["title"], description=values["description"],
                        deadline=values["deadline"], created_by_id=actor.id)
    db.session.add(campaign)
    db.session.flush()
    record("campaign_opened", campaign, actor=actor, summary=f"Mở đợt tiếp nhận “{campaign.title}”",
           data={"kind": campaign.kind, "deadline": campaign.deadline.isoformat()})
    members = db.session.execute(sa.select(User).where(User.active.is_(True))).scalars().all()
    notify([m for m in members if m.id != actor.id], "campaign_opened",
           f"Ban Chấp hành mở đợt tiếp nhận “{campaign.title}”, hạn cuối hết ngày {fmt_date(campaign.deadline)}.",
           path_for("campaigns.detail", campaign_id=campaign.id))
    return campaign


def update_campaign(campaign: Campaign, values: dict, *, actor: User) -> None:
    """Change the title, description or deadline (extending it reopens submissions until then)."""
    changes = {}
    for name in ("title", "description", "deadline"):
        if getattr(campaign, name) != values[name]:
            before, after = getattr(campaign, name), values[name]
            changes[name] = [str(before), str(after)]
            setattr(campaign, name, after)
    if changes:
        campaign.updated_at = utcnow()
        db.session.flush()
        summary = f"Sửa đợt tiếp nhận “{campaign.title}”"
        if "deadline" in changes:
            summary += f", hạn cuối {fmt_date(campaign.deadline)}"
        record("campaign_updated", campaign, actor=actor, summary=summary, data=changes)


def close_campaign(campaign: Campaign, *, actor: User) -> None:
    if campaign.closed_at is not None:
        raise DomainError("Đợt này đã đóng.")
    campaign.closed_at = utcnow()
    campaign.closed_by_id = actor.id
    db.session.flush()
    record("campaign_closed", campaign, actor=actor, summary=f"Đóng đợt tiếp nhận “{campaign.title}”")


def reopen_campaign(campaign: Campaign, *, actor: User) -> None:
    """Reopen a closed campaign; it accepts submissions again until its deadline."""
    if campaign.closed_at is None:
        raise DomainError("Đợt này đang mở.")
    campaign.closed_at = None
    campaign.closed_by_id = None
    db.session.flush()
    record("campaign_reopened", campaign, actor=actor, summary=f"Mở lại đợt tiếp nhận “{campaign.title}”")
