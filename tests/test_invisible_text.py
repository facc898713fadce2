"""Invisible controls cannot disguise a name: bidi overrides, embeddings and isolates, zero-width
characters and marks, the BOM and C0/C1 controls are taken out of every string a form, an upload,
a member import or a Word import brings in; text is NFC-normalised."""
from __future__ import annotations

import io
import unicodedata

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from congdoan.extensions import db
from congdoan.forms import Form
from congdoan.people.models import User
from congdoan.plans.models import Plan
from congdoan.text import clean_text, strip_invisible
from congdoan.uploads.service import save_upload

from .conftest import make_user
from .samples import PDF, upload

INVISIBLE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
             "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\x00", "\x07", "\x1b", "\x7f",
             "\x85", "\x9b", "\u2028", "\u2029", "\u2060", "\u061c"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_clean_text_takes_out_every_invisible_control(char):
    assert clean_text(f"Nguyễn{char}Văn An") == "NguyễnVăn An"
    assert strip_invisible(f"hoa-don{char}fdp.exe") == "hoa-donfdp.exe"


def test_clean_text_normalises_to_nfc_and_keeps_lines_where_multiline():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert clean_text(decomposed) == "Nguyễn Văn An" and clean_text(decomposed) != decomposed
    assert clean_text("Dòng một\u202e\nDòng hai", multiline=True) == "Dòng một\nDòng hai"
    assert strip_invisible("a\tb\nc", multiline=True) == "a\tb\nc"
    assert strip_invisible("a\tb\nc") == "a b c"


class _Sample(Form):
    class Meta:
        csrf = False
    name = StringField()
    note = TextAreaField()
    hidden = HiddenField()
    password = PasswordField()


def test_the_base_form_cleans_every_string_field_but_passwords(app):
    with app.test_request_context(method="POST"):
        form = _Sample(formdata=MultiDict({
            "name": "Nguyễn\u202eVăn\u200b An", "note": "Dòng\u2066 một\nDòng hai\x00",
            "hidden": "12\u200f", "password": "mật\u202ekhẩu"}))
        assert form.name.data == "NguyễnVăn An"
        assert form.note.data == "Dòng một\nDòng hai"
        assert form.hidden.data == "12"
        assert form.password.data == "mật\u202ekhẩu"       # a password is whatever the person typed


def test_an_uploaded_file_name_loses_its_override(app):
    user = make_user()
    stored = save_upload(upload(PDF, "giay-ra-vien\u202efdp.exe.pdf", "application/pdf"), uploaded_by=user)
    db.session.commit()
    assert stored.original_name == "giay-ra-vienfdp.exe.pdf"


def test_a_person_and_a_plan_subject_typed_with_an_override_are_stored_clean(client, signed_in):
    admin = make_user("Quản Trị", roles=["admin"], email="admin@thanhto.demo")
    signed_in(admin)
    r = client.post_form("/quan-tri/nguoi-dung/them", {"full_name": "Nguyễn\u202eVăn An",
                                                         "email": "an@thanhto.demo"})
    assert r.status_code in (200, 303)
    user = db.session.execute(sa.select(User).where(User.email == "an@thanhto.demo")).scalar_one()
    assert user.full_name == "NguyễnVăn An"
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    client.post_form("/dang-xuat")
    signed_in(chair)
    client.post_form("/ke-hoach/moi", {"subject": "Tết\u202e Trung thu\u200b 2026", "period": "9/2026\u2067"})
    plan = db.session.execute(sa.select(Plan)).scalar_one()
    assert (plan.subject, plan.period) == ("Tết Trung thu 2026", "9/2026")


def test_member_import_names_lose_their_overrides(client, signed_in):
    admin = make_user("Quản Trị", roles=["admin"], email="admin@thanhto.demo")
    signed_in(admin)
    csv = "Họ và tên,Email,Điện thoại,Tổ,Vai trò\nTrần\u202e Thị Bình\u200b,binh@thanhto.demo,,,\n".encode()
    client.post_form("/quan-tri/nguoi-dung/nhap", {"file": (io.BytesIO(csv), "ds\u202evsc.csv")},
                     content_type="multipart/form-data")
    user = db.session.execute(sa.select(User).where(User.email == "binh@thanhto.demo")).scalar_one()
    assert user.full_name == "Trần Thị Bình"


def test_a_word_import_loses_the_overrides_in_its_text():
    import docx
    from congdoan.demo import EXAMPLE_DOCX
    from congdoan.documents.word_import import import_plan_docx
    document = docx.Document(str(EXAMPLE_DOCX))
    touched = 0
    for para in document.paragraphs:
        for run in para.runs:
            if "Căn cứ" in run.text or "Hoạt động Công đoàn" in run.text:
                run.text = run.text.replace("Căn cứ", "Căn\u202e cứ\u200b").replace(
                    "Hoạt động", "Hoạt\u2066 động")
                touched += 1
    assert touched
    out = io.BytesIO()
    document.save(out)
    result = import_plan_docx(out.getvalue())
    text = repr(result.document)
    for char in INVISIBLE:
        assert char not in "".join(str(v) for v in _strings(result.document)), f"U+{ord(char):04X}"
    assert "Căn cứ" in text


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
