"""Request pages through the client: submitting each kind with its own fields and evidence, clear
messages for bad input with nothing written, inline (htmx) actions, inboxes and home-page panels."""
import io
import os

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from congdoan.extensions import db
from congdoan.member_requests.kinds import KINDS
from congdoan.member_requests.models import MemberRequest, RequestFile
from congdoan.uploads.models import StoredFile

from .conftest import make_group, make_user, text_of
from .reqkit import EXE, HTML, PDF, SAMPLE, act, cast, jpeg_bytes, make_campaign, png_bytes, request_in, submit


def _files_on_disk(app) -> int:
    return sum(len(files) for _, _, files in os.walk(app.config["UPLOAD_FOLDER"]))


def post_multipart(client, url: str, fields: dict, files=(), *, htmx: bool = False):
    """A multipart POST encoded in memory (the test client would spool a large body to a temporary
    file that it never closes), with the CSRF token and the evidence files."""
    values = MultiDict(dict(fields, csrf_token=client.csrf_token()))
    for content, name in files:
        values.add("evidence", FileStorage(io.BytesIO(content), filename=name, content_type="application/octet-stream"))
    boundary, body = encode_multipart(values)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers)


def _post_new(client, kind: str, data: dict, files=(), campaign=None, htmx=False):
    form = dict(data)
    if campaign is not None:
        form["campaign_id"] = str(campaign.id)
    return post_multipart(client, f"/de-xuat/moi/{KINDS[kind].slug}", form, files, htmx=htmx)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "child_award"])
def test_submit_each_kind_with_its_fields(client, signed_in, kind):
    c = cast()
    signed_in(c.member)
    form = client.get(f"/de-xuat/moi/{KINDS[kind].slug}")
    assert form.status_code == 200
    for f in KINDS[kind].fields:
        assert f'name="{f.name}"' in form.get_data(as_text=True)
    r = _post_new(client, kind, SAMPLE[kind], files=[(png_bytes(), "anh.png"), (PDF, "giay.pdf")])
    assert r.status_code == 303, text_of(r)[:500]
    req = db.session.execute(sa.select(MemberRequest)).scalar_one()
    assert r.headers["Location"] == f"/de-xuat/{req.id}"
    assert req.kind == kind and req.requester_id == c.member.id and len(req.files) == 2
    expected = "submitted" if KINDS[kind].leader_confirms and not KINDS[kind].private else "confirmed"
    assert req.status == expected
    page = text_of(client.get(r.headers["Location"]))
    for label, value in req.display_details():
        assert label in page and value in page


def test_answers_are_normalised(client, signed_in):
    c = cast()
    signed_in(c.member)
    r = _post_new(client, "hardship", {"reason": "  Nhà  bị ngập\r\nsau bão  ", "amount": "2.500.000 đ"})
    assert r.status_code == 303
    req = db.session.execute(sa.select(MemberRequest)).scalar_one()
    assert req.details == {"reason": "Nhà bị ngập\nsau bão", "amount": 2_500_000}
    r = _post_new(client, "sick_visit", dict(SAMPLE["sick_visit"], from_date="02/11/2026", to_date="2026-11-06",
                                             unknown_field="bỏ qua"))
    req = db.session.execute(sa.select(MemberRequest).order_by(MemberRequest.id.desc())).scalars().first()
    assert req.details["from_date"] == "2026-11-02" and "unknown_field" not in req.details


@pytest.mark.parametrize("kind,data,field,message", [
    ("wedding_funeral", {"occasion": "", "relation": "Con", "person_name": "A", "event_date": "2026-12-20"},
     "occasion", "Vui lòng chọn việc."),
    ("wedding_funeral", dict(SAMPLE["wedding_funeral"], occasion="Khác"), "occasion", "lựa chọn không hợp lệ"),
    ("wedding_funeral", dict(SAMPLE["wedding_funeral"], event_date="31/02/2026"), "event_date", "ngày không hợp lệ"),
    ("sick_visit", dict(SAMPLE["sick_visit"], to_date="2026-10-01"), "to_date", "không được trước từ ngày"),
    ("sick_visit", dict(SAMPLE["sick_visit"], place=""), "place", "Vui lòng nhập nơi điều trị."),
    ("hardship", {"reason": "Bão", "amount": "hai triệu"}, "amount", "Số tiền không hợp lệ"),
    ("hardship", {"reason": "Bão", "amount": "-2000000"}, "amount", "Số tiền không được âm."),
    ("hardship", {"reason": "Bão", "amount": ""}, "amount", "Vui lòng nhập số tiền đề nghị hỗ trợ."),
    ("hardship", {"reason": "", "amount": "100000"}, "reason", "Vui lòng nhập lý do, hoàn cảnh."),
    ("emulation", dict(SAMPLE["emulation"], school_year="2025 - 2027"), "school_year", "Năm học không hợp lệ"),
    ("suggestion", {"subject": "x" * 201, "content": "y"}, "subject", "Tiêu đề quá dài"),
])
def test_missing_or_bad_fields_are_shown_and_nothing_is_written(client, signed_in, app, kind, data, field, message):
    c = cast()
    signed_in(c.member)
    before = _files_on_disk(app)
    r = _post_new(client, kind, data, files=[(png_bytes(), "anh.png")])
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert message in text_of(r)
    assert f'id="{field}-error"' in page
    assert "chọn lại tệp minh chứng" in text_of(r)          # the browser forgets chosen files
    assert db.session.query(MemberRequest).count() == 0 and db.session.query(StoredFile).count() == 0
    assert _files_on_disk(app) == before


@pytest.mark.parametrize("content,name,message", [
    (HTML, "giay-khen.jpg", "không phải là JPG, PNG, WebP hoặc PDF thật"),
    (EXE, "anh.png", "không phải là JPG, PNG, WebP hoặc PDF thật"),
    (png_bytes()[:30] + b"\x00" * 40, "hong.png", "không phải là ảnh hợp lệ"),
], ids=["html-as-jpg", "exe-as-png", "broken-png"])
def test_disguised_evidence_is_refused_with_nothing_kept(client, signed_in, app, content, name, message):
    c = cast()
    signed_in(c.member)
    before = _files_on_disk(app)
    r = _post_new(client, "wedding_funeral", SAMPLE["wedding_funeral"],
                  files=[(png_bytes(), "that.png"), (content, name)])
    assert r.status_code == 422 and message in text_of(r) and name in text_of(r)
    assert db.session.query(MemberRequest).count() == 0 and db.session.query(StoredFile).count() == 0
    assert _files_on_disk(app) == before     # the good first file was removed again


def test_oversize_evidence_gets_a_clear_message(client, signed_in, app):
    c = cast()
    signed_in(c.member)
    before = _files_on_disk(app)
    big = png_bytes() + b"\x00" * (10 * 1024 * 1024)
    r = _post_new(client, "wedding_funeral", SAMPLE["wedding_funeral"], files=[(big, "anh-lon.png")])
    assert r.status_code == 413
    assert "lớn hơn 10 MB" in text_of(r) and "anh-lon.png" in text_of(r)
    assert db.session.query(MemberRequest).count() == 0 and _files_on_disk(app) == before


def test_a_body_over_the_app_limit_is_413_with_a_vietnamese_message(client, signed_in, app):
    c = cast()
    signed_in(c.member)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        r = _post_new(client, "wedding_funeral", SAMPLE["wedding_funeral"],
                      files=[(b"\x00" * (2 * 1024 * 1024), "qua-lon.png")])
        assert r.status_code == 413
        assert "vượt quá 1 MB cho một lần gửi nên chưa được lưu" in text_of(r)
        htmx = _post_new(client, "wedding_funeral", SAMPLE["wedding_funeral"],
                         files=[(b"\x00" * (2 * 1024 * 1024), "qua-lon.png")], htmx=True)
        assert htmx.status_code == 413 and htmx.headers["HX-Retarget"] == "#messages"
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert db.session.query(MemberRequest).count() == 0


def test_too_many_files(client, signed_in):
    c = cast()
    signed_in(c.member)
    r = _post_new(client, "wedding_funeral", SAMPLE["wedding_funeral"],
                  files=[(png_bytes(), f"a{i}.png") for i in range(6)])
    assert r.status_code == 422 and "tối đa 5 tệp" in text_of(r)


def test_evidence_can_be_added_while_open_only_by_the_requester(client, signed_in):
    c = cast()
    req = submit(c.member)
    signed_in(c.member)
    r = post_multipart(client, f"/de-xuat/{req.id}/minh-chung", {}, [(jpeg_bytes(), "them.jpg")])
    assert r.status_code == 303
    assert len(db.session.get(MemberRequest, req.id).files) == 1
    bad = post_multipart(client, f"/de-xuat/{req.id}/minh-chung", {}, [(HTML, "x.jpg")])
    assert bad.status_code == 422 and "x.jpg" in text_of(bad)
    act(req, "withdraw", c.member)
    closed = post_multipart(client, f"/de-xuat/{req.id}/minh-chung", {}, [(PDF, "y.pdf")])
    assert closed.status_code == 409 and "Đã rút" in text_of(closed)
    assert db.session.query(RequestFile).count() == 1


def test_leader_confirms_inline_from_the_inbox(client, signed_in):
    c = cast()
    req = submit(c.member)
    signed_in(c.leader)
    inbox = client.get("/de-xuat/cho-xac-nhan")
    html = inbox.get_data(as_text=True)
    assert f'id="req-card-{req.id}"' in html and "Nguyễn Văn Bình" in text_of(inbox)
    assert f'hx-target="#req-card-{req.id}"' in html
    r = client.post_form(f"/de-xuat/{req.id}/thao-tac/confirm", {"version": req.version, "view": "card"}, htmx=True)
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "<html" not in body and f'id="req-card-{req.id}"' in body
    assert "Đã xác nhận đề xuất" in text_of(r) and "Chờ BCH xét duyệt" in text_of(r)
    assert "Xác nhận</button>" not in body
    assert db.session.get(MemberRequest, req.id).status == "confirmed"
    assert "Không có đề xuất nào chờ bạn xác nhận." in text_of(client.get("/de-xuat/cho-xac-nhan"))


def test_inline_action_on_the_detail_page_swaps_the_request(client, signed_in):
    c = cast()
    req = request_in(c, "confirmed")
    signed_in(c.chair)
    r = client.post_form(f"/de-xuat/{req.id}/thao-tac/approve", {"version": req.version, "amount": "700000"}, htmx=True)
    assert r.status_code == 200 and f'<section id="request-{req.id}"' in r.get_data(as_text=True)
    assert f"Đã duyệt đề xuất “{req.title}”." in text_of(r) and "700.000 đ" in text_of(r)


def test_illegal_inline_action_goes_to_the_message_area(client, signed_in):
    c = cast()
    req = request_in(c, "refused")
    signed_in(c.chair)
    r = client.post_form(f"/de-xuat/{req.id}/thao-tac/approve", {"version": req.version, "amount": "1"}, htmx=True)
    assert r.status_code == 409 and r.headers["HX-Retarget"] == "#messages"
    assert "Không thể duyệt đề xuất đang ở trạng thái “Không duyệt”." in text_of(r)


def test_unknown_action_is_404(client, signed_in):
    c = cast()
    req = submit(c.member)
    signed_in(c.member)
    assert client.post_form(f"/de-xuat/{req.id}/thao-tac/delete", {"version": 1}).status_code == 404


def test_buttons_follow_what_each_person_may_do(client, signed_in):
    c = cast()
    req = request_in(c, "confirmed")
    signed_in(c.chair)
    html = client.get(f"/de-xuat/{req.id}").get_data(as_text=True)
    assert "/thao-tac/approve" in html and "/thao-tac/refuse" in html and "/thao-tac/query" in html
    assert "/thao-tac/confirm" not in html and "/thao-tac/pay" not in html
    client.post_form("/dang-xuat")
    signed_in(c.member)
    html = client.get(f"/de-xuat/{req.id}").get_data(as_text=True)
    assert "/thao-tac/withdraw" in html and "/thao-tac/approve" not in html
    client.post_form("/dang-xuat")
    signed_in(c.cashier)       # accountant but not on the committee
    html = client.get(f"/de-xuat/{req.id}").get_data(as_text=True)
    assert "/thao-tac/" not in html


def test_requester_answers_a_question(client, signed_in):
    c = cast()
    req = request_in(c, "returned")
    signed_in(c.member)
    page = text_of(client.get(f"/de-xuat/{req.id}"))
    assert "Việc cần làm" in page and "Ghi chú" in page     # the leader's question is shown
    r = client.post_form(f"/de-xuat/{req.id}/thao-tac/answer", {"version": req.version, "note": "Đã rõ"})
    assert r.status_code == 303
    assert db.session.get(MemberRequest, req.id).status == "submitted"


def test_my_requests_paginate_and_show_what_needs_me(client, signed_in):
    c = cast()
    for _ in range(22):
        submit(c.member, "suggestion")
    asked = request_in(c, "returned")
    signed_in(c.member)
    first = client.get("/de-xuat/")
    assert "Trang 1 / 2" in text_of(first) and "23 đề xuất" in text_of(first)
    assert f'id="req-card-{asked.id}"' in first.get_data(as_text=True) and "Cần bạn trả lời câu hỏi" in text_of(first)
    second = client.get("/de-xuat/?trang=2")
    assert "Trang 2 / 2" in text_of(second)
    assert client.get("/de-xuat/?trang=99").status_code == 200


def test_home_panels_show_the_inboxes_with_counts(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair)
    submit(c.member)
    submit(c.neighbour)
    submit(c.other_member, "sick_visit")
    approved = request_in(c, "approved")
    assert approved.status == "approved"
    signed_in(c.leader)
    home = text_of(client.get("/"))
    assert "Chờ bạn xác nhận 2 đề xuất của tổ bạn" in home
    assert campaign.title in home and "Đợt đang nhận đề xuất" in home
    client.post_form("/dang-xuat")
    signed_in(c.chair)
    home = text_of(client.get("/"))
    assert "Chờ BCH xét duyệt 1 đề xuất" in home
    client.post_form("/dang-xuat")
    signed_in(c.cashier)
    home = text_of(client.get("/"))
    assert "Đã duyệt, chờ chi 1 đề xuất · 500.000 đ" in home
    assert "Chờ BCH xét duyệt" not in home
    client.post_form("/dang-xuat")
    signed_in(c.member)
    home = text_of(client.get("/"))
    assert "Đề xuất của tôi" in home and "Chờ bạn xác nhận" not in home and "Chờ BCH" not in home


def test_nav_links_by_role(client, signed_in):
    c = cast()
    signed_in(c.member)
    nav = client.get("/").get_data(as_text=True)
    assert "Đề xuất của tôi" in nav and "Chờ xác nhận" not in nav and "Quản lý đề xuất" not in nav
    client.post_form("/dang-xuat")
    signed_in(c.leader)
    nav = client.get("/").get_data(as_text=True)
    assert "Chờ xác nhận" in nav and "Quản lý đề xuất" not in nav
    client.post_form("/dang-xuat")
    signed_in(c.cashier)
    assert "Quản lý đề xuất" in client.get("/").get_data(as_text=True)


def test_a_member_without_a_group_goes_straight_to_the_committee(client, signed_in):
    loner = make_user("Không Thuộc Tổ")
    chair = make_user("Chủ Tịch", roles=["chair"])
    req = submit(loner)
    assert req.status == "confirmed"
    assert "chưa thuộc tổ công đoàn nào" in req.events[0].note
    headless = make_group("Tổ Không Trưởng")
    member = make_user(group=headless)
    req2 = submit(member)
    assert req2.status == "confirmed" and "chưa có tổ trưởng" in req2.events[0].note
    leader_group = make_group("Tổ Có Trưởng")
    leader = make_user(leads=leader_group)
    own = submit(leader)
    assert own.status == "confirmed" and "Người gửi là tổ trưởng" in own.events[0].note
    assert chair


def test_a_group_that_loses_its_leader_is_confirmed_by_the_committee(client, signed_in):
    c = cast()
    req = submit(c.member)
    c.g1.leader_id = None
    db.session.commit()
    signed_in(c.chair)
    inbox = text_of(client.get("/de-xuat/cho-duyet"))
    assert "BCH xác nhận thay" in inbox
    r = client.post_form(f"/de-xuat/{req.id}/thao-tac/confirm", {"version": req.version})
    assert r.status_code == 303
    after = db.session.get(MemberRequest, req.id)
    assert after.status == "confirmed" and "xác nhận thay" in after.events[-1].note


def test_the_status_filter_uses_the_words_of_the_list(client, signed_in):
    """The list says "Đã chi" or "Đã trả lời" of a finished request; the filter offered "Hoàn tất"."""
    c = cast()
    paid = request_in(c, "done")
    signed_in(c.accountant)
    listing = client.get("/de-xuat/tat-ca")
    page = text_of(listing)
    assert "Hoàn tất" not in page
    assert '<option value="done"' in listing.get_data(as_text=True)
    assert "Đã chi / Đã trả lời" in page
    filtered = text_of(client.get("/de-xuat/tat-ca?trang_thai=done"))
    assert paid.summary in filtered and "Hoàn tất" not in filtered


def test_a_list_past_the_cap_says_more_than_and_asks_for_a_narrower_one(client, signed_in, monkeypatch):
    """A list of a kind that no campaign, group, name or period narrows is counted up to queries.CAP:
    past it the header says "Hơn N đề xuất" without an approved total, and pages go on while they are
    full; a narrowed list keeps its exact count and total, and so does a list selected by its state
    alone (or every request): its number and sum are the totals kept per state."""
    from congdoan.member_requests import queries
    c = cast()
    done = [request_in(c, "approved") for _ in range(3)]
    monkeypatch.setattr(queries, "CAP", 1)
    signed_in(c.accountant)
    page = text_of(client.get("/de-xuat/tat-ca?loai=wedding_funeral"))
    assert "Hơn 1 đề xuất" in page and "tổng đã duyệt" in page and "xem tổng đã duyệt" in page
    assert all(r.summary in page for r in done)
    for path in ("/de-xuat/tat-ca", "/de-xuat/tat-ca?trang_thai=approved"):
        exact = text_of(client.get(path))
        assert "3 đề xuất · tổng đã duyệt 1.500.000" in exact and "Hơn" not in exact
    assert "0 đề xuất" in text_of(client.get("/de-xuat/tat-ca?trang_thai=done"))
    grouped_html = client.get(f"/de-xuat/tat-ca?to={c.member.group_id}").get_data(as_text=True)
    grouped = text_of(client.get(f"/de-xuat/tat-ca?to={c.member.group_id}"))
    assert "3 đề xuất · tổng đã duyệt 1.500.000" in grouped and "Hơn" not in grouped
    # The kept <option>s of the filter bar mark the chosen group, and only it.
    assert grouped_html.count(" selected>") == 1 + grouped_html.count('value="" selected>')
    assert f'<option value="{c.member.group_id}" selected>' in grouped_html

    kind = queries.Filters(kind="wedding_funeral")
    shown, money = queries.table_page(kind, 2, size=1)
    assert money is None and (shown.page, shown.pages) == (2, 3) and [r.id for r in shown.items] == [done[1].id]
    last, _ = queries.table_page(kind, 9, size=1)          # a stale link: the last page
    assert (last.page, last.pages) == (3, 3) and [r.id for r in last.items] == [done[0].id]
    every, money = queries.table_page(queries.Filters(), 9, size=1)
    assert (every.total, every.page, every.pages, money) == (3, 3, 3, 1_500_000)
    exact, money = queries.table_page(queries.Filters(group_id=c.member.group_id), 9, size=1)
    assert (exact.total, exact.page, exact.pages, money) == (3, 3, 3, 1_500_000)
