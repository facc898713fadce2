"""Saving and serving uploaded files.

save_upload() reads the upload in chunks (never more than max_bytes + 1 into the temporary file),
hashes it, decides its type from the first bytes (magic numbers: a .jpg that is really HTML or an
.exe is refused), re-opens images with Pillow to refuse broken or booby-trapped ones, then moves it
under UPLOAD_FOLDER and adds a StoredFile row (flush only). When the transaction rolls back, the files
it stored are deleted again, so a refused submission leaves nothing behind on disk or in the database.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile

from flask import abort, current_app, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..errors import DomainError
from ..extensions import db
from ..images import MAX_PIXELS, TooManyPixels, open_image
from ..text import clean_text, file_name
from .models import StoredFile

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB

# Content type -> the extension the stored and downloaded file gets.
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})
IMAGES_AND_PDF = IMAGES | {"application/pdf"}
TYPE_NAMES = {"image/jpeg": "JPG", "image/png": "PNG", "image/webp": "WebP", "application/pdf": "PDF"}

_CHUNK = 64 * 1024


class UploadError(DomainError):
    """A file the rules refuse: wrong type, broken, empty. The message names the file."""

    status = 422


class FileTooLarge(UploadError):
    status = 413


def sniff(head: bytes) -> str | None:
    """The content type told by a file's first bytes, among the types we accept; None otherwise."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def allowed_label(allowed) -> str:
    names = [TYPE_NAMES[t] for t in ("image/jpeg", "image/png", "image/webp", "application/pdf") if t in allowed]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " hoặc " + names[-1]


def display_name(filename: str | None) -> str:
    """The original file name, cleaned for display and storage (no path, no control characters)."""
    name = clean_text((filename or "").replace("\\", "/").rsplit("/", 1)[-1]) or "tep"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) <= 9 else name[:200]
    return name


def _folder() -> str:
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    return folder


def path_of(stored: StoredFile) -> str:
    # Keys are generated here (hex + extension), so joining them cannot leave the folder.
    return os.path.join(current_app.config["UPLOAD_FOLDER"], stored.storage_key[:2], stored.storage_key)


def _check_image(path: str, name: str) -> None:
    try:
        with open_image(path) as image:
            image.verify()
    except TooManyPixels as exc:
        size = f"{exc.size} điểm ảnh; " if exc.size else ""
        raise UploadError(f"Ảnh “{name}” có kích thước quá lớn ({size}tối đa {MAX_PIXELS // 1_000_000} triệu "
                          "điểm ảnh).") from None
    except Exception:   # Pillow raises many types for broken input; all mean "not a usable image"
        raise UploadError(f"Tệp “{name}” không phải là ảnh hợp lệ hoặc đã bị hỏng. "
                          f"Vui lòng chụp hoặc xuất lại ảnh rồi tải lên.") from None


def save_upload(file_storage, *, allowed=IMAGES_AND_PDF, max_bytes: int = DEFAULT_MAX_BYTES,
                uploaded_by=None) -> StoredFile:
    """Check and store one uploaded file; returns its StoredFile (added and flushed).

    Refuses (UploadError, with a Vietnamese message naming the file) an empty upload, a file larger
    than `max_bytes` (FileTooLarge), a file whose bytes are not one of the `allowed` types whatever
    its name says, and an image Pillow cannot read.
    """
    name = display_name(getattr(file_storage, "filename", ""))
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise UploadError("Chưa chọn tệp nào để tải lên.")
    folder = _folder()
    digest = hashlib.sha256()
    size = 0
    fd, tmp_path = tempfile.mkstemp(prefix=".upload-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = file_storage.stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLarge(f"Tệp “{name}” lớn hơn {max_bytes // MB} MB. Vui lòng giảm dung lượng "
                                       f"(chụp lại ảnh ở chất lượng thấp hơn hoặc nén PDF) rồi tải lên lại.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadError(f"Tệp “{name}” rỗng (0 byte).")
        with open(tmp_path, "rb") as handle:
            content_type = sniff(handle.read(16))
        if content_type not in allowed:
            raise UploadError(f"Tệp “{name}” không phải là {allowed_label(allowed)} thật (đã kiểm tra nội dung "
                              f"tệp, không chỉ đuôi tên). Chỉ nhận tệp {allowed_label(allowed)}.")
        if content_type in IMAGES:
            _check_image(tmp_path, name)
        key = secrets.token_hex(16) + EXTENSIONS[content_type]
        final_dir = os.path.join(folder, key[:2])
        os.makedirs(final_dir, exist_ok=True)
        final_path = os.path.join(final_dir, key)
        os.replace(tmp_path, final_path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise
    db.session.info.setdefault("uploads_written", []).append(final_path)
    stored = StoredFile(original_name=name, content_type=content_type, size=size, sha256=digest.hexdigest(),
                        storage_key=key, uploaded_by_id=getattr(uploaded_by, "id", uploaded_by))
    db.session.add(stored)
    db.session.flush()
    return stored


_SPELLINGS = {"image/jpeg": {".jpg", ".jpeg", ".jfif"}, "image/png": {".png"}, "image/webp": {".webp"},
              "application/pdf": {".pdf"}}


def download_name(stored: StoredFile) -> str:
    """The original name with the extension of the real type (a PNG named .pdf downloads as .png)."""
    stem, dot, ext = stored.original_name.rpartition(".")
    if dot and stem and "." + ext.lower() in _SPELLINGS.get(stored.content_type, set()):
        return file_name(stored.original_name)
    return file_name((stem if dot and stem else stored.original_name) + EXTENSIONS.get(stored.content_type, ""))


def send_stored_file(stored: StoredFile, *, as_attachment: bool | None = None):
    """Serve a stored file. The caller has already checked that the person may see it.

    Images are shown inline, anything else is downloaded; the type sent is the sniffed one and the
    response may not run anything (CSP sandbox), so even a file that slipped through is inert.
    """
    path = path_of(stored)
    if not os.path.isfile(path):
        abort(404)
    attach = (not stored.is_image) if as_attachment is None else as_attachment
    response = send_file(path, mimetype=stored.content_type, as_attachment=attach,
                         download_name=download_name(stored), conditional=True, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _forget(session) -> None:
    session.info.pop("uploads_written", None)


def _delete_uncommitted(session, transaction) -> None:
    """The outermost transaction ended without a commit (rolled back, or the session closed on an
    error): the rows of the files it stored are gone, so remove their bytes too."""
    if transaction.parent is not None:
        return
    for path in session.info.pop("uploads_written", []):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


event.listen(Session, "after_commit", _forget)             # runs before after_transaction_end
event.listen(Session, "after_transaction_end", _delete_uncommitted)
