"""The review list a copy to the next year leaves (congdoan/plans/copy_review.py): stored at copy
time for the real 2023 - 2024 plan, resolved by an edit, a deletion or "Giữ nguyên", shown only to
those who may edit the draft, and in the way of submitting until it is gone through."""
import re

import pytest
import sqlalchemy as sa

from congdoan.documents.word_import import import_plan
from congdoan.extensions import db
from congdoan.plans import copy_review
from congdoan.plans import creating as plan_creating
from congdoan.plans import editing as plan_editing
from congdoan.plans.copy_review import CopyReviewItem
from congdoan.plans.document import load_plan_tree, to_document
from congdoan.plans.models import Plan, PlanStatus

from .conftest import make_user, text_of
from .doc_factories import example_docx
from .plan_factories import make_plan


@pytest.fixture
def author():
    return make_user("Lê Thị Thu Hà", roles=["committee"])


@pytest.fixture
def example(author):
    plan, _ = import_plan(example_docx().read_bytes(), "ke-hoach.docx", actor=author)
    db.session.commit()
    return plan


def _items(plan_id: int) -> list[CopyReviewItem]:
    return db.session.execute(sa.select(CopyReviewItem).where(CopyReviewItem.plan_id == plan_id)
                              .order_by(CopyReviewItem.position)).scalars().all()


def _all_text(doc: dict) -> list[str]:
    texts = [doc["subject"], doc["period"], doc["schedule_title"], doc["opening"], *doc["bases"]]
    texts += [line["text"] for s in doc["sections"] for line in s["lines"]]
    texts += [a["text"] for r in doc["schedule"] for a in r["activities"]] + [r["period"] for r in doc["schedule"]]
    return texts


def test_copying_the_real_plan_moves_its_school_year_everywhere_and_lists_what_is_left(example, author):
    copy = plan_creating.copy_plan(example, actor=author, shift=1)
    db.session.commit()
    doc = to_document(load_plan_tree(copy.id))
    school_year = re.compile(r"2023\s*[-–—]\s*2024")
    pairs = list(zip(_all_text(to_document(example)), _all_text(doc), strict=True))
    had_it = [(old, new) for old, new in pairs if school_year.search(old)]
    assert len(had_it) >= 15
    assert [new for old, new in had_it if school_year.search(new)] == [], "a line still says năm học 2023 - 2024"
    assert ("Căn cứ kết quả đạt được của Công đoàn năm học 2022 - 2023",
            "Căn cứ kết quả đạt được của Công đoàn năm học 2023 - 2024") in pairs
    assert any("Căn cứ vào nhiệm vụ năm học 2024 – 2025" in t for t in doc["bases"] + [doc["opening"]])
    items = _items(copy.id)
    fragments = {f["fragment"]: f for item in items for f in item.findings}
    assert fragments["79 năm"]["suggestion"] == "80 năm"
    assert fragments["94 năm"]["suggestion"] == "95 năm"
    assert fragments["48 năm"]["reason"] == "anniversary_dates"
    assert {"2019 – 2024", "2019 -2024"} <= set(fragments)                       # terms and periods
    assert all(item.open for item in items) and copy_review.pending_count(copy.id) == len(items) >= 8
    # each row names a part of the new draft
    line_ids = {line.id for s in copy.sections for line in s.lines}
    activity_ids = {a.id for r in copy.rows for a in r.activities}
    for item in items:
        assert item.part_id in {"line": line_ids, "activity": activity_ids}.get(item.part_kind, {item.part_id})
    assert _items(example.id) == []


def test_a_copy_without_moving_the_years_has_nothing_to_review(example, author):
    copy = plan_creating.copy_plan(example, actor=author, shift=0)
    assert _items(copy.id) == []


def test_editing_the_line_or_deleting_it_resolves_it_and_keep_resolves_one(example, author):
    copy = plan_creating.copy_plan(example, actor=author, shift=1)
    db.session.commit()
    items = [i for i in _items(copy.id) if i.part_kind in ("line", "activity")]
    first, second, third = items[:3]
    part = plan_editing.get_part(copy, first.part_kind, first.part_id)
    plan_editing.update_part(copy, first.part_kind, part.id, part.rev, {"text": part.text + " (đã sửa)",
                                                                         "kind": getattr(part, "kind", None)},
                             actor=author)
    part = plan_editing.get_part(copy, second.part_kind, second.part_id)
    plan_editing.delete_part(copy, second.part_kind, part.id, part.rev, actor=author)
    copy_review.keep(copy, third.id, actor=author)
    db.session.commit()
    assert (first.resolution, second.resolution, third.resolution) == ("edited", "deleted", "kept")
    assert first.resolved_by_id == author.id and first.resolved_at is not None
    assert copy_review.pending_count(copy.id) == len(_items(copy.id)) - 3


def test_only_who_may_edit_the_draft_sees_and_acts_on_the_list(client, signed_in, as_, example, author):
    copy = plan_creating.copy_plan(example, actor=author, shift=1)
    db.session.commit()
    item = _items(copy.id)[0]
    other = make_user("Đỗ Văn Hùng", roles=["committee"])
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    signed_in(other)
    assert "cần soát lại" not in text_of(client.get(f"/ke-hoach/{copy.id}"))
    assert client.get(f"/ke-hoach/{copy.id}/soat-lai").status_code == 403
    assert client.post_form(f"/ke-hoach/{copy.id}/soat-lai/{item.id}/giu-nguyen").status_code == 403
    assert item.open
    as_(chair)
    assert client.get(f"/ke-hoach/{copy.id}/soat-lai").status_code == 200


def test_submitting_is_refused_until_the_list_is_gone_through(client, signed_in, as_, example, author):
    r = signed_in(author).post_form(f"/ke-hoach/{example.id}/sao-chep", {"shift_years": "y", "years": "1"})
    copy = db.session.execute(sa.select(Plan).where(Plan.id != example.id)).scalar_one()
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/ke-hoach/{copy.id}/soat-lai")
    count = copy_review.pending_count(copy.id)
    page = text_of(client.get(f"/ke-hoach/{copy.id}"))
    assert f"Còn {count} dòng cần soát lại sau khi tạo bản mới" in page

    r = client.post_form(f"/ke-hoach/{copy.id}/trinh-duyet")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/ke-hoach/{copy.id}/soat-lai")
    page = text_of(client.get(r.headers["Location"]))
    assert f"Chưa thể trình Ban Chấp hành duyệt: còn {count} dòng cần soát lại" in page
    assert "79 năm" in page and "Gợi ý: 80 năm" in page
    assert copy.state == PlanStatus.DRAFT

    # The list is still there after signing out and in again.
    as_(author)
    assert f"Còn {count} dòng cần soát lại" in text_of(client.get(f"/ke-hoach/{copy.id}/soat-lai"))
    items = _items(copy.id)
    for item in items[:-1]:
        assert client.post_form(f"/ke-hoach/{copy.id}/soat-lai/{item.id}/giu-nguyen").status_code == 303
    r = client.post_form(f"/ke-hoach/{copy.id}/soat-lai/{items[-1].id}/giu-nguyen", htmx=True)
    assert "đã soát hết các dòng, có thể trình duyệt" in text_of(r)
    assert copy_review.pending_count(copy.id) == 0
    r = client.post_form(f"/ke-hoach/{copy.id}/trinh-duyet")
    assert r.status_code == 303 and "/duyet" in r.headers["Location"]
    db.session.refresh(copy)
    assert copy.state == PlanStatus.SUBMITTED


def test_a_keep_names_what_was_kept_and_what_is_left(client, signed_in, example, author):
    copy = plan_creating.copy_plan(example, actor=author, shift=1)
    db.session.commit()
    item = next(i for i in _items(copy.id) if any(f["fragment"] == "79 năm" for f in i.findings))
    total = copy_review.pending_count(copy.id)
    signed_in(author)
    r = client.post_form(f"/ke-hoach/{copy.id}/soat-lai/{item.id}/giu-nguyen")
    page = text_of(client.get(r.headers["Location"]))
    assert f"Đã giữ nguyên “79 năm” ở lịch công tác tháng 11/2024, việc 1; còn {total - 1} dòng cần soát lại." in page
    assert "Giữ nguyên · Lê Thị Thu Hà" in page


def test_a_plan_that_was_never_copied_submits_as_before(client, signed_in, author):
    plan = make_plan(author)
    signed_in(author)
    assert client.post_form(f"/ke-hoach/{plan.id}/trinh-duyet").status_code == 303
    db.session.refresh(plan)
    assert plan.state == PlanStatus.SUBMITTED


def test_deleting_a_section_or_a_schedule_row_resolves_the_rows_of_what_it_held(example, author):
    copy = plan_creating.copy_plan(example, actor=author, shift=1)
    db.session.commit()
    line_item = next(i for i in _items(copy.id) if i.part_kind == "line")
    activity_item = next(i for i in _items(copy.id) if i.part_kind == "activity")
    section = plan_editing.get_part(copy, "line", line_item.part_id).section
    row = plan_editing.get_part(copy, "activity", activity_item.part_id).row
    before = copy_review.pending_count(copy.id)
    inside = [i for i in _items(copy.id) if (i.part_kind == "line" and i.part_id in {x.id for x in section.lines})
              or (i.part_kind == "activity" and i.part_id in {x.id for x in row.activities})]
    plan_editing.delete_part(copy, "section", section.id, section.rev, actor=author)
    plan_editing.delete_part(copy, "row", row.id, row.rev, actor=author)
    db.session.commit()
    assert {i.resolution for i in inside} == {"deleted"}
    assert copy_review.pending_count(copy.id) == before - len(inside)


def test_the_opening_and_the_header_are_reviewed_and_resolved_by_their_editors(author):
    source = make_plan(author, "Kế hoạch năm học 2023 - 2024 chào mừng 94 năm ngày thành lập Công đoàn",
                       opening="Năm học 2023 – 2024 chào mừng kỷ niệm 79 năm ngày thành lập QĐNDVN.")
    copy = plan_creating.copy_plan(source, actor=author, shift=1)
    db.session.commit()
    assert copy.opening == "Năm học 2024 – 2025 chào mừng kỷ niệm 79 năm ngày thành lập QĐNDVN."
    header, opening = _items(copy.id)
    assert (header.part_kind, header.part_id, header.findings[0]["suggestion"]) == ("header", None, "95 năm")
    assert (opening.part_kind, opening.findings[0]["fragment"]) == ("opening", "79 năm")
    plan_editing.update_opening(copy, copy.rev, {"opening": copy.opening.replace("79", "80")}, actor=author)
    assert (header.open, opening.resolution) == (True, "edited")
    plan_editing.update_header(copy, copy.rev, {"subject": copy.subject.replace("94", "95"), "type_name": "KẾ HOẠCH",
                                                 "union_name": copy.union_name or "CĐCS Trường Tiểu học Thành Tô"},
                               actor=author)
    db.session.commit()
    assert copy_review.pending_count(copy.id) == 0 and copy.subject.endswith("95 năm ngày thành lập Công đoàn")
