"""Verification of an issued document: the code printed on it (with its QR link), made when it is signed,
and the public page's checks: a code looked up, a file compared byte for byte with the signed one."""
from __future__ import annotations

import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app

from ..errors import DomainError
from ..extensions import db
from .models import SignedDocument

# Verification codes: no 0/O, 1/I/L, so a code read aloud or typed from paper cannot be mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

MAX_VERIFY_BYTES = 15 * 1024 * 1024


def url_path(endpoint: str, **values) -> str:
    """A URL path built from the URL map: works in a request, a command or a worker thread."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def verify_url(code: str) -> str:
    """The public page that checks this code, as printed on the document."""
    return current_app.config.get("BASE_URL", "").rstrip("/") + url_path("documents.verify", code=code)


def sha256_hex(data: bytes) -> str:
    """The digest a stored file (signed .docx, its PDF, a template) is known and verified by."""
    return hashlib.sha256(data).hexdigest()


def new_verify_code() -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.execute(sa.select(SignedDocument.id).where(SignedDocument.verify_code == code)).first():
            return code
    raise DomainError("Không tạo được mã xác thực, vui lòng thử lại.")  # 31^10 codes: never in practice


def normalise_code(raw: str | None) -> str:
    return re.sub(r"[^A-Z0-9]", "", (raw or "").upper())[:32]


def find_by_code(raw: str | None) -> SignedDocument | None:
    code = normalise_code(raw)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.execute(sa.select(SignedDocument).where(SignedDocument.verify_code == code)).scalar()


def compare_file(signed: SignedDocument, data: bytes) -> str | None:
    """"docx" or "pdf" when the bytes are exactly the signed file (or its stored PDF), else None."""
    digest = sha256_hex(data)
    if digest == signed.sha256:
        return "docx"
    if signed.pdf_sha256 and digest == signed.pdf_sha256:
        return "pdf"
    return None
