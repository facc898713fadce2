"""The PDF of a signed plan, made by the worker (congdoan/jobs) and never inside a web request.

Signing queues a "pdf" job (key "pdf:<signed document id>") in the signing transaction. The worker
reads the stored .docx, ends its transaction (nothing is locked while LibreOffice works, up to
CONVERT_TIMEOUT), converts, and stores the PDF and its SHA-256 in the same transaction as the job's
"done". The sweeper queues the PDF of signed plans that have none and no job: plans signed before
the worker existed, or while LibreOffice was missing and installed since.

What the plan page says (`pdf_state`): "ready" (the link), "pending" (Đang tạo bản PDF…, polled),
"failed" (a plain Vietnamese sentence; the detail is for the administrator) or "unavailable" (no
LibreOffice here: the reason, as before).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..dates import utcnow
from ..extensions import db
from ..jobs.models import FAILED, Job
from ..jobs.queue import Permanent, enqueue, handler
from ..jobs.worker import sweeper
from . import pdf as pdf_tools
from .models import SignedDocument

CONVERT_TIMEOUT = 120          # LibreOffice's limit; the job's lease (300 s) outlasts it
PENDING_MESSAGE = "Bản PDF đang được tạo, vui lòng thử lại sau ít giây."
FAILED_MESSAGE = ("Không tạo được bản PDF của văn bản này; vẫn tải được bản Word (.docx) đã ký. "
                  "Quản trị viên đã được báo để xử lý.")


def job_key(signed_id: int) -> str:
    return f"pdf:{signed_id}"


def queue_pdf(signed: SignedDocument) -> Job | None:
    """Queue the PDF of a just-signed document in the current transaction, when PDFs can be made."""
    if not pdf_tools.pdf_available()[0]:
        return None
    return enqueue("pdf", {"signed_id": signed.id}, key=job_key(signed.id))


@dataclass(frozen=True)
class PdfState:
    state: str                 # ready | pending | failed | unavailable
    message: str = ""          # for everyone who may read the plan
    detail: str = ""           # the last error, for the administrator only


def pdf_state(signed: SignedDocument) -> PdfState:
    if signed.pdf_sha256 is not None:
        return PdfState("ready")
    job = db.session.execute(sa.select(Job.status, Job.last_error).where(Job.key == job_key(signed.id))).first()
    if job is not None:
        if job.status == FAILED:
            return PdfState("failed", FAILED_MESSAGE, job.last_error)
        return PdfState("pending", PENDING_MESSAGE)
    ok, reason = pdf_tools.pdf_available()
    if not ok:
        return PdfState("unavailable", reason)
    return PdfState("pending", PENDING_MESSAGE)      # the worker's sweep queues it


@handler("pdf", title="tạo bản PDF của văn bản đã ký", max_attempts=3, lease_seconds=CONVERT_TIMEOUT + 180)
def _make_pdf(payload: dict) -> None:
    signed_id = int(payload["signed_id"])
    row = db.session.execute(sa.select(SignedDocument.docx, SignedDocument.pdf_sha256)
                             .where(SignedDocument.id == signed_id)).first()
    if row is None:
        raise Permanent(f"Không còn văn bản đã ký số {signed_id}.")
    if row.pdf_sha256 is not None:
        return                                         # made already (a retry after a lost commit)
    docx = row.docx
    db.session.commit()                                # hold nothing while LibreOffice works
    try:
        data = pdf_tools.convert_to_pdf(docx, timeout=CONVERT_TIMEOUT)
    except pdf_tools.PdfError as exc:
        raise RuntimeError(str(exc)) from None
    from .verification import sha256_hex
    db.session.execute(
        sa.update(SignedDocument).where(SignedDocument.id == signed_id, SignedDocument.pdf_sha256.is_(None))
        .values(pdf=data, pdf_sha256=sha256_hex(data), pdf_at=utcnow())
        .execution_options(synchronize_session=False))


@sweeper
def queue_missing_pdfs() -> int:
    """Queue the PDF of every signed document that has none and no job (at most 100 a sweep)."""
    if not pdf_tools.pdf_available()[0]:
        return 0
    keys = sa.literal("pdf:") + sa.cast(SignedDocument.id, sa.String)
    missing = db.session.execute(
        sa.select(SignedDocument.id).where(SignedDocument.pdf_sha256.is_(None),
                                           ~sa.exists().where(Job.key == keys))
        .order_by(SignedDocument.id).limit(100)).scalars().all()
    for signed_id in missing:
        enqueue("pdf", {"signed_id": signed_id}, key=job_key(signed_id))
    return len(missing)
