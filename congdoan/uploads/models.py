"""One uploaded file. The bytes live under app.config["UPLOAD_FOLDER"] at `storage_key`; the row keeps
what is needed to serve it safely (the type found by reading the content, never the browser's claim)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db


class StoredFile(db.Model):
    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))   # sniffed from the bytes
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    uploaded_by = relationship("User")

    __table_args__ = (sa.CheckConstraint("size >= 0", name="size_not_negative"),)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB".replace(".", ",")
        return f"{max(self.size // 1024, 1)} KB"

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.original_name!r} {self.content_type}>"
