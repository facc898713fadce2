"""A line's own weight (issue 17 point 6, bold exactly as the source shows it): a first-level item is
printed bold by the item style, but a union that writes its "1." items upright gets them upright, in
the stored document, the preview, the editor, the Word file, the versions and their diff."""
from __future__ import annotations

import io
import json

import sqlalchemy as sa
from docx import Document

from congdoan.documents import stored_files
from congdoan.documents import word_import as S
from congdoan.documents.word_import import import_plan_docx
from congdoan.extensions import db
from congdoan.plans import creating as plan_creating
from congdoan.plans import versions as plan_versions
from congdoan.plans.diff import diff_documents
from congdoan.plans.document import content_hash, document_of, to_document
from congdoan.plans.models import Plan, PlanLine, PlanVersion

from .doc_factories import make_committee
from .plan_corpus import PLANS
from .plan_factories import make_plan
from .test_import_corpus import effective

UPRIGHT = "nghi-mat-muc-chu-thuong"


def _lines(document: dict, section: int) -> list[dict]:
    return document["sections"][section]["lines"]


def test_importer_keeps_the_weight_of_items_written_upright():
    document = import_plan_docx(PLANS[UPRIGHT]().data).document
    first, second = _lines(document, 0), _lines(document, 1)
    assert first[0] == {"kind": "subsection", "level": 0, "weight": "normal",
                        "text": "Tạo điều kiện để đoàn viên nghỉ ngơi, phục hồi sức khỏe sau một năm công tác."}
    assert [line.get("weight") for line in second] == ["normal", "normal", "normal", None, None, None]
    # A letter item wholly bold in the source: its body style is upright, so its text carries the bold.
    assert second[3] == {"kind": "subsection", "level": 1, "label": "a)",
                         "text": "**Công đoàn hỗ trợ 1.000.000 đồng mỗi đoàn viên.**"}


def test_items_bold_in_the_source_keep_the_style_default():
    """Wholly bold items (the item style's own weight) and partly bold ones carry no weight."""
    for name in ("nam-hoc-chu-cai-go-tay", "an-toan-gach-chan", "20-11-heading-danh-so"):
        document = import_plan_docx(PLANS[name]().data).document
        assert not [line for section in document["sections"] for line in section["lines"]
                    if "weight" in line], name
    partly = _lines(import_plan_docx(PLANS["an-toan-gach-chan"]().data).document, 1)[2]
    assert partly["text"] == "**Tập huấn** cho an toàn, vệ sinh viên" and "weight" not in partly


def test_upright_items_in_preview_editor_and_word_file(client, signed_in):
    committee = make_committee()
    plan, _result = S.import_plan(PLANS[UPRIGHT]().data, "nghi-mat.docx", actor=committee.chair)
    db.session.commit()
    signed_in(committee.chair)
    html = client.get(f"/ke-hoach/{plan.id}/xem-truoc").get_data(as_text=True)
    assert '<p class="body">1. Tạo điều kiện để đoàn viên nghỉ ngơi' in html
    assert '<p class="body">3. Kinh phí</p>' in html
    assert 'class="body b">3.' not in html
    editor = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    assert '<div class="doc-text">3. Kinh phí</div>' in editor
    exported = Document(io.BytesIO(stored_files.plan_docx(plan).data))
    paragraph = next(p for p in exported.paragraphs if p.text.startswith("3. Kinh phí"))
    assert [(r.text, effective(r, paragraph, "bold")) for r in paragraph.runs if r.text] == \
        [("3. ", False), ("Kinh phí", False)]


def test_a_plan_without_weights_keeps_its_document_and_hash(app):
    committee = make_committee()
    plan = make_plan(committee.chair)
    document = to_document(plan)
    assert not [line for s in document["sections"] for line in s["lines"] if "weight" in line]
    # The lines are exactly what was written: no new key, so the hash of an older plan is unchanged.
    assert document["sections"][1]["lines"] == [{"kind": "subsection", "level": 0, "text": "Việc chính"},
                                                {"kind": "paragraph", "level": 0, "text": "Đoạn văn."}]
    assert content_hash(document_of(plan)) == content_hash(document)
    stored = db.session.execute(sa.select(PlanVersion.content).where(PlanVersion.plan_id == plan.id)).scalar()
    assert "weight" not in stored


def test_weight_is_kept_by_write_back_versions_copies_and_text_edits(client, signed_in):
    committee = make_committee()
    plan, _result = S.import_plan(PLANS[UPRIGHT]().data, "nghi-mat.docx", actor=committee.chair)
    db.session.commit()
    line = plan.sections[1].lines[2]
    assert (line.text, line.weight) == ("Kinh phí", "normal")
    assert _lines(document_of(plan), 1)[2]["weight"] == "normal" == _lines(to_document(plan), 1)[2]["weight"]
    version = json.loads(plan_versions.versions(plan)[0].content)
    assert _lines(version, 1)[2]["weight"] == "normal"
    # The editor saves the text (and kind, level, label) it shows; the line keeps its weight.
    signed_in(committee.chair)
    r = client.post_form(f"/ke-hoach/{plan.id}/line/{line.id}",
                         {"rev": str(line.rev), "kind": "subsection", "level": "0", "text": "Kinh phí đi lại"},
                         htmx=True)
    assert r.status_code == 200 and '<div class="doc-text">3. Kinh phí đi lại</div>' in r.get_data(as_text=True)
    line = db.session.get(PlanLine, line.id)
    assert (line.text, line.weight) == ("Kinh phí đi lại", "normal")
    copy = plan_creating.copy_plan(db.session.get(Plan, plan.id), actor=committee.chair, shift=1)
    db.session.commit()
    assert [l.weight for l in copy.sections[1].lines] == ["normal", "normal", "normal", "", "", ""]


def test_diff_reports_a_change_of_weight():
    old = import_plan_docx(PLANS[UPRIGHT]().data).document
    new = json.loads(json.dumps(old))
    del new["sections"][1]["lines"][2]["weight"]
    items = [item for part in diff_documents(old, new) for item in part.items]
    assert [(item.op, item.label, str(item.html)) for item in items] == \
        [("changed", "Dòng 3 (đổi định dạng đậm/nghiêng)", "3. Kinh phí")]
    assert [part.items for part in diff_documents(old, old) if part.items] == []
