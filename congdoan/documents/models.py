"""The issued side of documents: the register counter, the signed files, the images and templates
that go into them.

Large binary columns are deferred: a plan page that only needs "is it signed, what number" never
drags the file bytes out of the database.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db


class DocumentCounter(db.Model):
    """The last register number given, per calendar year and kind of document ("KH" for plans).

    Signing bumps this row as its first write (UPDATE ... SET seq = seq + 1): on PostgreSQL that
    takes the row lock, on SQLite the single write lock, so two signatures at the same moment are
    numbered one after the other and never share a number. A rolled-back signature rolls the bump
    back with it, so no number is skipped either.
    """
    __tablename__ = "document_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("seq >= 0", name="seq_not_negative"),)


class SignedDocument(db.Model):
    """A plan as it was signed and issued: the exact bytes, rendered once, and their SHA-256.

    Every later download returns these bytes; nothing (settings, template, images) changes them.
    (year, kind, seq) is unique: the register can never hold one number twice, whatever the locking.
    """
    __tablename__ = "signed_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="RESTRICT"), unique=True)
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(10))
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(50))            # as printed: "01/KH-CĐ"
    issued_on: Mapped[dt.date]                                   # the date line of the document
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)   # the new-plans panel
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    signer_name: Mapped[str] = mapped_column(sa.String(120))
    signer_title: Mapped[str] = mapped_column(sa.String(100))
    sign_on_behalf: Mapped[str] = mapped_column(sa.String(100), default="")
    subject: Mapped[str] = mapped_column(sa.String(500))
    union_name: Mapped[str] = mapped_column(sa.String(200), default="")
    verify_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    docx: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_at: Mapped[dt.datetime | None]

    plan = relationship("Plan")
    signer = relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("year", "kind", "seq", name="uq_signed_documents_year_kind_seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.CheckConstraint("(pdf IS NULL) = (pdf_sha256 IS NULL)", name="pdf_has_hash"),
    )


class UserSignature(db.Model):
    """A person's own signature image (a PNG re-encoded from their upload, metadata stripped)."""
    __tablename__ = "user_signatures"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    image: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int]
    height: Mapped[int]
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlanTemplate(db.Model):
    """A Word template of the plan uploaded by the union. The active one is named by
    Organisation.plan_template_id; none active means the built-in templates/docx/ke-hoach.docx."""
    __tablename__ = "plan_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    uploaded_by = relationship("User")
