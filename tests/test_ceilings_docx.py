"""Issue 15 point 8: an uploaded Word file (plan import, template) is checked before it expands.

"A 193 KB .docx holding 68 MB of text is accepted: the web request takes 34 s, the server grows to
531 MB." The hostile files are built here from the real example plan, writing the big part a piece
at a time into a deflated zip member.
"""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from congdoan.documents import ceilings
from congdoan.documents import render
from congdoan.documents.word_import import ImportFailed, import_plan_docx
from congdoan.documents.render import TemplateError, check_template

from .doc_factories import example_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def rebuilt(source: bytes, replace: dict[str, object]) -> bytes:
    original = zipfile.ZipFile(io.BytesIO(source))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in original.namelist():
            content = replace.get(name, None)
            if content is None:
                target.writestr(name, original.read(name))
            elif callable(content):
                with target.open(name, "w", force_zip64=True) as handle:
                    content(handle)
            else:
                target.writestr(name, content)
    return out.getvalue()


WORDS = ("công đoàn kế hoạch tổ chức thực hiện đoàn viên năm học tháng hội nghị ban chấp hành "
         "phong trào thi đua chăm lo đời sống người lao động quyền lợi nghĩa vụ").split()


def text_document(paragraphs: int, chars: int, *, varied: bool = False):
    """document.xml with `paragraphs` paragraphs of `chars` characters each (varied: words drawn at
    random, so the part packs like real text instead of like a bomb)."""
    def write(handle) -> None:
        handle.write(f'<?xml version="1.0"?><w:document {W}><w:body>'.encode())
        handle.write("<w:p><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p><w:p><w:r><w:t>Tổ chức</w:t></w:r></w:p>".encode())
        draw = random.Random(15)
        same = ("Nội dung kế hoạch " * (chars // 18 + 1))[:chars]
        for _ in range(paragraphs):
            text = " ".join(draw.choices(WORDS, k=chars // 5))[:chars] if varied else same
            handle.write(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode())
        handle.write(b"</w:body></w:document>")
    return write


@pytest.fixture(scope="module")
def example() -> bytes:
    return example_docx().read_bytes()


def test_a_small_docx_holding_68_mb_of_text_is_refused_before_parsing(example):
    bomb = rebuilt(example, {"word/document.xml": text_document(5000, 13_600)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ImportFailed, match="tối đa"):
        import_plan_docx(bomb)


def test_the_total_text_of_a_word_plan_has_a_ceiling(example, monkeypatch):
    # 600 paragraphs of 1,000 characters: 600,000 characters, a few MB of XML that packs normally
    assert ceilings.MAX_TEXT_CHARS == 500_000   # 5 times the longest real plan (issue 17 point 4)
    big = rebuilt(example, {"word/document.xml": text_document(600, 1000, varied=True)})
    with pytest.raises(ImportFailed) as refused:
        import_plan_docx(big)
    assert "tối đa 500.000 ký tự" in str(refused.value)
    monkeypatch.setattr(ceilings, "MAX_TEXT_CHARS", 1_000)
    with pytest.raises(ImportFailed, match="1.000 ký tự"):
        import_plan_docx(example)


def test_a_plan_just_under_the_text_ceiling_is_imported(example):
    # 498 paragraphs of 1,000 characters and the type line: just under 500,000 characters
    near = rebuilt(example, {"word/document.xml": text_document(498, 1000, varied=True)})
    result = import_plan_docx(near)
    text = sum(len(line["text"]) for section in result.document["sections"] for line in section["lines"])
    text += len(result.document["opening"]) + sum(len(b) for b in result.document["bases"])
    assert text > 450_000               # kept whole (spaces at line ends aside), nothing refused


def test_too_many_xml_elements_are_refused_while_streaming(example, monkeypatch):
    monkeypatch.setattr(ceilings, "MAX_ELEMENTS", 500)
    with pytest.raises(ImportFailed, match="500"):
        import_plan_docx(example)


def test_a_part_the_importer_reads_has_a_size_ceiling(example):
    styles = rebuilt(example, {"word/styles.xml": lambda h: [h.write(b" " * (1024 * 1024)) for _ in range(30)]})
    with pytest.raises(ImportFailed, match="word/styles.xml"):
        import_plan_docx(styles)


def test_the_example_plan_still_imports(example):
    assert import_plan_docx(example).document["subject"]


def test_a_template_zip_bomb_is_refused_before_docxtpl_loads_it():
    template = render.DEFAULT_TEMPLATE.read_bytes()
    bomb = rebuilt(template, {"word/document.xml": text_document(2000, 50_000)})
    with pytest.raises(TemplateError, match="giải nén"):
        check_template(bomb)


def test_the_68_mb_bomb_is_refused_on_the_import_page_quickly_and_nothing_is_written(example, client, signed_in):
    import time

    import sqlalchemy as sa
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from congdoan.audit.models import AuditEntry
    from congdoan.extensions import db
    from congdoan.plans.models import Plan

    from .conftest import make_user, text_of

    bomb = rebuilt(example, {"word/document.xml": text_document(5000, 13_600)})
    signed_in(make_user(roles=["committee"]))
    page = text_of(client.get("/ke-hoach/nhap-word"))
    assert "500.000 ký tự" in page                      # the form says the limit
    file = FileStorage(io.BytesIO(bomb), filename="ke-hoach.docx", content_type="application/octet-stream")
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(), "mode": "draft", "file": file})
    started = time.monotonic()
    response = client.post("/ke-hoach/nhap-word", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert time.monotonic() - started < 5
    assert response.status_code == 422 and "tối đa 16 MB" in text_of(response)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "plan_imported")).scalar() == 0
