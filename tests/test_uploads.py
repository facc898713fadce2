"""The reusable file store: types decided by content, sizes bounded, files kept outside static/,
removed again when their transaction rolls back, served with safe headers."""
import os

import pytest

from congdoan.extensions import db
from congdoan.uploads.models import StoredFile
from congdoan.uploads.service import (IMAGES, FileTooLarge, UploadError, download_name, path_of, save_upload,
                                      send_stored_file, sniff)

from .conftest import make_user
from .samples import EXE, HTML, PDF, jpeg_bytes, png_bytes, upload


def _files_on_disk(app) -> list[str]:
    root = app.config["UPLOAD_FOLDER"]
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


@pytest.mark.parametrize("data,expected", [
    (png_bytes(), "image/png"), (jpeg_bytes(), "image/jpeg"), (PDF, "application/pdf"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"), (HTML, None), (EXE, None), (b"", None),
    (b"GIF89a", None), (b"PK\x03\x04", None),
], ids=["png", "jpeg", "pdf", "webp", "html", "exe", "empty", "gif", "zip"])
def test_sniff_reads_the_first_bytes(data, expected):
    assert sniff(data[:16]) == expected


@pytest.mark.parametrize("data,name,content_type", [
    (png_bytes(), "giấy khen.png", "image/png"), (jpeg_bytes(), "IMG_0001.JPG", "image/jpeg"),
    (PDF, "giay-ra-vien.pdf", "application/pdf"),
], ids=["png", "jpeg", "pdf"])
def test_good_files_are_stored_outside_static(app, data, name, content_type):
    user = make_user()
    stored = save_upload(upload(data, name, "application/octet-stream"), uploaded_by=user)
    db.session.commit()
    assert (stored.content_type, stored.original_name, stored.size) == (content_type, name, len(data))
    import hashlib
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    path = path_of(stored)
    with open(path, "rb") as handle:
        assert handle.read() == data
    assert os.path.realpath(path).startswith(os.path.realpath(app.config["UPLOAD_FOLDER"]))
    assert "static" not in os.path.relpath(path, app.root_path).split(os.sep)[:1]
    assert stored.uploaded_by_id == user.id


@pytest.mark.parametrize("data,name", [(HTML, "anh.jpg"), (EXE, "giay-khen.jpg"), (HTML, "don.pdf"),
                                       (b"just text", "ghi-chu.png")],
                         ids=["html-as-jpg", "exe-as-jpg", "html-as-pdf", "text-as-png"])
def test_disguised_files_are_refused_and_leave_nothing(app, data, name):
    before = _files_on_disk(app)
    with pytest.raises(UploadError, match="không phải là JPG, PNG, WebP hoặc PDF thật"):
        save_upload(upload(data, name, "image/jpeg"))
    db.session.rollback()
    assert _files_on_disk(app) == before
    assert db.session.query(StoredFile).count() == 0


def test_a_broken_image_with_a_real_header_is_refused(app):
    broken = png_bytes()[:20] + b"\x00" * 50
    with pytest.raises(UploadError, match="không phải là ảnh hợp lệ"):
        save_upload(upload(broken, "vo.png"))


def test_only_the_allowed_types(app):
    with pytest.raises(UploadError, match="Chỉ nhận tệp JPG, PNG hoặc WebP"):
        save_upload(upload(PDF, "x.pdf"), allowed=IMAGES)


def test_oversize_is_refused_while_reading(app):
    before = _files_on_disk(app)
    with pytest.raises(FileTooLarge, match="lớn hơn 1 MB") as info:
        save_upload(upload(png_bytes() + b"\x00" * (1024 * 1024), "to.png"), max_bytes=1024 * 1024)
    assert info.value.status == 413
    assert _files_on_disk(app) == before


def test_empty_and_missing(app):
    with pytest.raises(UploadError, match="rỗng"):
        save_upload(upload(b"", "rong.png"))
    with pytest.raises(UploadError, match="Chưa chọn tệp"):
        save_upload(upload(b"", ""))


def test_rolled_back_transaction_removes_stored_bytes(app):
    stored = save_upload(upload(png_bytes(), "a.png"))
    path = path_of(stored)
    assert os.path.exists(path)
    db.session.rollback()
    assert not os.path.exists(path)
    kept = save_upload(upload(png_bytes(), "b.png"))
    db.session.commit()
    db.session.rollback()           # a later rollback does not touch committed files
    assert os.path.exists(path_of(kept))


def test_closing_the_session_without_commit_removes_bytes(app):
    stored = save_upload(upload(PDF, "c.pdf"))
    path = path_of(stored)
    db.session.close()
    assert not os.path.exists(path)


def test_names_are_cleaned_and_downloads_get_the_real_extension(app):
    stored = save_upload(upload(png_bytes(), "C:\\Users\\an\\..\\giay\x07 khen.pdf"))
    assert stored.original_name == "giay khen.pdf"
    assert download_name(stored) == "giay khen.png"
    same = save_upload(upload(jpeg_bytes(), "anh.jpeg"))
    assert download_name(same) == "anh.jpeg"


def test_send_sets_safe_headers(app):
    image = save_upload(upload(png_bytes(), "a.png"))
    pdf = save_upload(upload(PDF, "b.pdf"))
    db.session.commit()
    with app.test_request_context():
        shown = send_stored_file(image)
        assert shown.mimetype == "image/png"
        assert "inline" in shown.headers["Content-Disposition"]
        assert "sandbox" in shown.headers["Content-Security-Policy"]
        assert shown.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in shown.headers["Cache-Control"]
        downloaded = send_stored_file(pdf)
        assert "attachment" in downloaded.headers["Content-Disposition"]
        for response in (shown, downloaded):
            response.close()
