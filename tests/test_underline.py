"""Underline as the source shows it (issue 17 point 6): the <u>…</u> markup, the Word importer's
w:u (direct, by character or paragraph style, switched off by w:val="none"), the preview, the Word
file and the version diff."""
from __future__ import annotations

import io

from docx import Document

from congdoan.documents import stored_files
from congdoan.documents import word_import as S
from congdoan.documents.word_import import import_plan_docx
from congdoan.documents.rich_text import rich
from congdoan.extensions import db
from congdoan.plans.diff import diff_documents
from congdoan.text import Run, fold, inline_html, parse_inline, plain, runs_to_markup

from .doc_factories import make_committee
from .plan_corpus import PLANS

LAW = "Căn cứ <u>Luật An toàn, vệ sinh lao động</u> năm 2015;"


def test_underline_markup_round_trips():
    assert parse_inline(LAW) == [Run("Căn cứ "), Run("Luật An toàn, vệ sinh lao động", underline=True),
                                 Run(" năm 2015;")]
    assert runs_to_markup(parse_inline(LAW)) == LAW
    # With bold and italic inside or around it.
    assert parse_inline("<u>**Tuyên truyền**</u> và **<u>vận động</u>** *<u>x</u> y*") == [
        Run("Tuyên truyền", bold=True, underline=True), Run(" và "),
        Run("vận động", bold=True, underline=True), Run(" "), Run("x", italic=True, underline=True),
        Run(" y", italic=True)]
    runs = [Run("Mọi "), Run("đoàn viên ", underline=True), Run("đều", bold=True, underline=True),
            Run(" tham gia", italic=True)]
    markup = runs_to_markup(runs)
    assert markup == "Mọi <u>đoàn viên **đều**</u> *tham gia*"
    assert plain(markup) == "Mọi đoàn viên đều tham gia"
    # Spaces at the edge of a marked run stay outside its markers; the words keep their look.
    assert [(r.text.strip(), r.look()) for r in parse_inline(markup) if r.text.strip()] == \
        [(r.text.strip(), r.look()) for r in runs]


def test_text_people_already_write_is_unchanged():
    """Old stored text never meant underline: blanks, C++, tags left open, a stray tag."""
    for text in ["Họ tên: ______ Lớp: __ 5 __", "Tin học C++ và C++ nâng cao", "<u>chưa đóng",
                 "a </u> b <u>", "<u> có dấu cách </u>", "<b>x</b>", "1 < 2 > 0"]:
        assert runs_to_markup(parse_inline(text)) == text
        assert not any(run.underline for run in parse_inline(text)), text
        assert plain(text) == text


def test_underline_is_stripped_for_search_and_escaped_in_html():
    assert plain(LAW) == "Căn cứ Luật An toàn, vệ sinh lao động năm 2015;"
    assert fold(plain(LAW)) == fold("Căn cứ Luật An toàn, vệ sinh lao động năm 2015;")
    assert str(inline_html("<u><script>alert(1)</script></u> & <u>**đậm**</u>")) == (
        "<u>&lt;script&gt;alert(1)&lt;/script&gt;</u> &amp; <u><strong>đậm</strong></u>")
    assert str(inline_html('<u onclick="x">y</u>')) == "&lt;u onclick=&#34;x&#34;&gt;y&lt;/u&gt;"


def test_word_output_underlines_only_the_marked_runs():
    xml = rich(LAW).xml
    assert xml.count("<w:u ") == 1
    underlined = xml[xml.index("<w:u "):]
    assert "Luật An toàn" in underlined[:underlined.index("</w:r>")]


def test_importer_reads_every_kind_of_underline():
    document = import_plan_docx(PLANS["an-toan-gach-chan"]().data).document
    assert document["bases"] == [LAW, "<u>Căn cứ Hướng dẫn số 12/HD-CĐN của Công đoàn ngành;</u>"]
    first, second = document["sections"]
    assert [line["text"] for line in first["lines"]] == [
        "Nâng cao nhận thức về <u>an toàn lao động</u> cho toàn thể đoàn viên.",   # character style
        "<u>Mọi đoàn viên</u> đều <u>được tập huấn.</u>"]                          # paragraph style, w:u none
    assert second["lines"][0]["text"] == "<u>Tuyên truyền</u> về an toàn lao động"


def test_imported_underline_shows_in_preview_and_word_file(client, signed_in):
    committee = make_committee()
    plan, _result = S.import_plan(PLANS["an-toan-gach-chan"]().data, "an-toan.docx", actor=committee.chair)
    db.session.commit()
    signed_in(committee.chair)
    html = client.get(f"/ke-hoach/{plan.id}/xem-truoc").get_data(as_text=True)
    assert "Căn cứ <u>Luật An toàn, vệ sinh lao động</u> năm 2015;" in html
    assert "<u>an toàn lao động</u>" in html and "&lt;u&gt;" not in html
    # An item only partly bold in the source: its other words at normal weight, the label bold like
    # its first words; a wholly bold item keeps the bold item style.
    assert '<p class="body"><strong>2.</strong> <strong>Tập huấn</strong> cho an toàn' in html
    assert '<p class="body b">1. <u>Tuyên truyền</u> về an toàn lao động</p>' in html
    editor = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    assert "<strong>2.</strong> <strong>Tập huấn</strong> cho an toàn" in editor
    exported = Document(io.BytesIO(stored_files.plan_docx(plan).data))
    runs = {run.text: bool(run.font.underline) for p in exported.paragraphs for run in p.runs}
    assert runs["Luật An toàn, vệ sinh lao động"] is True
    assert runs["Căn cứ "] is False


def test_version_diff_shows_words_not_markup():
    old = import_plan_docx(PLANS["an-toan-gach-chan"]().data).document
    new = {**old, "bases": ["Căn cứ <u>Luật Công đoàn</u> năm 2012;", *old["bases"][1:]]}
    html = "".join(str(item.html) for part in diff_documents(old, new) for item in part.items)
    assert "Căn cứ Luật <del>An</del><ins>Công</ins>" in html
    assert "&lt;u&gt;" not in html and "<u>" not in html
