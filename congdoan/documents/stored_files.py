"""The files of a document as downloaded: the signed .docx and its PDF as stored, or a draft rendered and
kept in the disk cache of rendered drafts (cache.py)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ..errors import DomainError
from ..extensions import db
from ..organisation.models import Organisation
from ..plans.document import content_hash, document_of
from ..plans.kinds import PLAN, DocumentKind
from ..plans.models import Plan, PlanStatus
from ..text import fold
from . import pdf as pdf_tools
from .cache import DocxCache
from .context import render_org
from .models import PlanTemplate, SignedDocument
from .pdf_jobs import pdf_state
from .render import TemplateError, render_plan, renderer_fingerprint, template_digest
from .templates import kind_template


@dataclass(frozen=True)
class FileOut:
    data: bytes
    filename: str
    mimetype: str


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:limit].rstrip("-") or "van-ban"


def signed_for(plan_id: int) -> SignedDocument | None:
    return db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == plan_id)).scalar()


def _filename(plan: Plan, number: str | None, ext: str, draft: bool) -> str:
    parts = (["du-thao"] if draft else []) + ([_slug(number, 20)] if number else []) + \
        [_slug(plan.document_kind.label), _slug(plan.subject)]
    return "-".join(parts) + "." + ext


def docx_cache() -> DocxCache:
    """Where rendered drafts are kept: instance/cache/docx unless DOCX_CACHE_DIR says otherwise;
    DOCX_CACHE_MAX_FILES (256) and DOCX_CACHE_MAX_BYTES (64 MB) bound it, 0 turns it off."""
    config = current_app.config
    directory = config.get("DOCX_CACHE_DIR") or os.path.join(current_app.instance_path, "cache", "docx")
    return DocxCache(directory, max_files=int(config.get("DOCX_CACHE_MAX_FILES", 256)),
                     max_bytes=int(config.get("DOCX_CACHE_MAX_BYTES", 64 * 1024 * 1024)))


def _template_for_key(org: Organisation, kind: DocumentKind = PLAN) -> str:
    """What identifies the template a render would use, without loading its bytes: the stored
    SHA-256 of the union's own template (its bytes never change: a new upload is a new row), or
    the digest of the built-in file (of the kind's own file for a kind other than the plan)."""
    if kind.key != PLAN.key:
        return "built-in:" + template_digest(kind_template(kind, org))
    if org.plan_template_id is not None:
        digest = db.session.execute(sa.select(PlanTemplate.sha256)
                                    .where(PlanTemplate.id == org.plan_template_id)).scalar()
        if digest is not None:
            return "union:" + digest
    return "built-in:" + template_digest(None)


def draft_key(doc: dict, org: dict, template: str, draft: bool) -> str:
    """The cache key of a rendered draft: everything the file's content depends on."""
    return content_hash({"doc": doc, "org": org, "template": template, "draft": draft,
                         "renderer": renderer_fingerprint()})


def plan_docx(plan: Plan) -> FileOut:
    """The plan as a Word file: the stored signed bytes for an issued plan, else a render marked
    "DỰ THẢO" (every plan that is not issued is a draft as a document).

    A draft is rendered once per content: the bytes are kept (docx_cache) under a key of the
    document, the settings the renderer reads, the template and the renderer itself, and served
    again until one of them changes. Computing the key reads the plan's parts as plain rows
    (~1 ms); rendering costs ~25 ms for a large plan."""
    signed = signed_for(plan.id)
    if signed is not None:
        return FileOut(signed.docx, _filename(plan, signed.number, "docx", False), DOCX_MIME)
    draft = plan.state not in (PlanStatus.ISSUED, PlanStatus.ARCHIVED)   # an archived plan prints its own number
    org, kind = Organisation.get(), plan.document_kind
    doc, settings = document_of(plan), render_org(org, kind)
    name = _filename(plan, None if draft else plan.number, "docx", draft)
    cache = docx_cache()
    key = draft_key(doc, settings, _template_for_key(org, kind), draft)
    data = cache.get(key)
    if data is None:
        try:
            data = render_plan(doc, org=settings, draft=draft, template=kind_template(kind, org))
        except TemplateError as exc:
            raise DomainError(f"Không tạo được tệp Word: {exc}") from None
        cache.put(key, data)
    return FileOut(data, name, DOCX_MIME)


def pdf_status() -> tuple[bool, str]:
    """(True, "") when PDFs can be made here, else (False, why) in Vietnamese."""
    return pdf_tools.pdf_available()


def signed_pdf(signed: SignedDocument) -> FileOut:
    """The stored PDF of a signed plan. It is made by the worker after signing (pdf_jobs.py), never
    here: until then this refuses (409) with what the plan page says (being made, failed, or why
    PDFs cannot be made on this server)."""
    plan = signed.plan
    name = _filename(plan, signed.number, "pdf", False)
    if signed.pdf_sha256 is not None:
        return FileOut(signed.pdf, name, "application/pdf")
    raise DomainError(pdf_state(signed).message)
