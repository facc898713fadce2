"""The campaign's list exported at factory scale (issue 20 point 3): one statement streamed in batches and
a sheet written row by row into a temporary file. What the file says is what it said before (the same
cells as the in-memory writer made from the ORM objects, in the same order), a private request's reason
never reaches someone who may not see it, text never becomes a formula, and an export that fails halfway
answers with the error page, leaving no file behind."""
from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet import _writer as openpyxl_writer

from congdoan import exports
from congdoan.extensions import db
from congdoan.member_requests import export, queries
from congdoan.member_requests.kinds import DATE, date_value

from .conftest import text_of
from .test_exports import sheet_facts
from .reqkit import act, cast, make_campaign, submit
from .test_query_counts import count_queries

EXPORTED_AT = dt.datetime(2026, 11, 20, 1, 30)      # frozen: the subtitle says when the list was made


@pytest.fixture(autouse=True)
def _frozen_time(monkeypatch):
    monkeypatch.setattr(export, "utcnow", lambda: EXPORTED_AT)


def _campaign(c):
    """Every state a list shows (paid with its record, approved, refused with a note, waiting), a
    withdrawn request the list leaves out, and an answer that looks like a formula."""
    campaign = make_campaign(c.chair)
    paid = submit(c.member, "child_award", campaign=campaign)
    act(paid, "confirm", c.leader)
    act(paid, "approve", c.chair, amount="300.000")
    act(paid, "pay", c.accountant)
    approved = submit(c.neighbour, "child_award", campaign=campaign,
                      data={"child_name": "Trần Gia Huy", "class_name": "5A1", "achievement": "=1+1 Giải Nhất"})
    act(approved, "confirm", c.leader)
    act(approved, "approve", c.chair, amount="200.000")
    refused = submit(c.other_member, "child_award", campaign=campaign,
                     data={"child_name": "Đặng Bảo Ngọc", "achievement": "+84 Giải Ba vẽ tranh"})
    act(refused, "confirm", c.other_leader)
    act(refused, "refuse", c.chair, note="-Chưa đủ điều kiện")
    submit(c.leader, "child_award", campaign=campaign, data={"child_name": "Vũ Minh Khang",
                                                             "achievement": "@SUM(A1:A9)"})
    gone = submit(c.member, "child_award", campaign=campaign, data={"child_name": "Nguyễn Hủy Bỏ"})
    act(gone, "withdraw", c.member)
    return campaign


def _approved(req):
    return req.amount_approved if req.status in export.COUNTED else None


def _paid(req) -> list:
    paid = req.payment
    return [paid.paid_on, paid.voucher, paid.receiver] if paid is not None else [export._local_date(req.paid_at), "", ""]


def _before(campaign):
    """The file the export made before it was streamed: the campaign page's requests as ORM objects,
    their cells built by the former code, written by the in-memory writer."""
    kind = campaign.spec
    requests_ = db.session.execute(queries.campaign_requests(campaign)).scalars().all()
    rows = [[n, req.requester.full_name, req.group.name if req.group else ""]
            + [date_value(req.details.get(f.name)) if f.type == DATE else req.details.get(f.name) for f in kind.fields]
            + [req.status_label, export._local_date(req.submitted_at), _approved(req), *_paid(req),
               req.decision_note]
            for n, req in enumerate(requests_, start=1)]
    total = sum(_approved(r) or 0 for r in requests_)
    return exports.xlsx_bytes(campaign.title.upper(), export.campaign_headers(kind), rows, totals={export.AMOUNT: total},
                              subtitle=export._subtitle(len(requests_)), sheet_name=kind.label)


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == exports.XLSX_MIMETYPE
    response.direct_passthrough = False
    data = response.get_data()
    assert int(response.headers["Content-Length"]) == len(data)
    response.close()
    return data


def _cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_streamed_list_is_the_file_the_export_made_before(client, signed_in):
    c = cast()
    campaign = _campaign(c)
    before = _before(campaign)
    signed_in(c.cashier)
    after = _body(client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach.xlsx"))
    assert sheet_facts(after) == sheet_facts(before)
    rows = _cells(after)
    assert rows[1][0] == "4 đề xuất · xuất lúc 08:30 20/11/2026"
    data = rows[4:-1]
    # The campaign page's order (oldest first), the withdrawn request left out.
    page_order = [r.requester.full_name for r in db.session.execute(queries.campaign_requests(campaign)).scalars()]
    assert [r[1] for r in data] == page_order and [r[0] for r in data] == [1, 2, 3, 4]
    assert [r[3] for r in data] == ["Nguyễn Minh An", "Trần Gia Huy", "Đặng Bảo Ngọc", "Vũ Minh Khang"]
    assert rows[-1][0] == "Tổng cộng" and rows[-1][10] == 500_000


def test_text_that_looks_like_a_formula_stays_text_in_the_streamed_list(client, signed_in):
    c = cast()
    campaign = _campaign(c)
    signed_in(c.accountant)
    sheet = load_workbook(io.BytesIO(_body(client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach.xlsx")))).active
    written = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for text in ("=1+1 Giải Nhất", "+84 Giải Ba vẽ tranh", "@SUM(A1:A9)", "-Chưa đủ điều kiện"):
        assert written[text] == "s", text
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_a_private_campaigns_reasons_reach_only_those_who_may_see_them(app, client, signed_in):
    """A hardship campaign (a Tết support list): the committee and the accountant export every reason; a
    group leader may not export, and the list built for them holds their own request only."""
    c = cast()
    campaign = make_campaign(c.chair, kind="hardship", title="Hỗ trợ Tết cho đoàn viên khó khăn 2027")
    submit(c.member, "hardship", campaign=campaign, data={"reason": "Chồng mất việc, con nằm viện dài ngày"})
    submit(c.leader, "hardship", campaign=campaign, data={"reason": "Nhà bị ngập sau bão"})
    signed_in(c.accountant)
    everything = str(_cells(_body(client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach.xlsx"))))
    assert "Chồng mất việc, con nằm viện dài ngày" in everything and "Nhà bị ngập sau bão" in everything
    client.post_form("/dang-xuat")
    signed_in(c.leader)
    refused = client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach.xlsx")
    assert refused.status_code == 403 and "Chồng mất việc" not in refused.get_data(as_text=True)
    with app.test_request_context():
        theirs = str(_cells(_body(export.campaign_response(campaign, c.leader))))
    assert "Nhà bị ngập sau bão" in theirs and "Chồng mất việc" not in theirs and "1 đề xuất" in theirs


def test_the_list_is_one_statement_whatever_its_length(app, monkeypatch):
    """No statement per row: a list of 3 and one of 12 (read in three batches of 5) cost one each."""
    monkeypatch.setattr(export, "BATCH", 5)
    c = cast()
    campaign = make_campaign(c.chair)
    counts = []
    for size in (3, 12):
        while len(db.session.execute(queries.campaign_requests(campaign)).scalars().all()) < size:
            submit(c.member, "child_award", campaign=campaign)
        campaign.spec, queries.visible_to(c.accountant)         # what the page had loaded before
        with app.test_request_context(), count_queries() as counter:
            data = _body(export.campaign_response(campaign, c.accountant))
        counts.append(counter["n"])
        rows = _cells(data)
        assert len(rows) == 4 + size + 1 and rows[1][0].startswith(f"{size} đề xuất ·")
        assert [r[0] for r in rows[4:-1]] == list(range(1, size + 1))
    assert counts == [1, 1]


def test_an_export_that_fails_halfway_sends_no_file_and_leaves_none(client, signed_in, monkeypatch):
    c = cast()
    campaign = _campaign(c)
    calls = {"n": 0}
    real = export.status_label

    def failing(status, kind):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the database went away")
        return real(status, kind)

    monkeypatch.setattr(export, "status_label", failing)
    left_before = list(openpyxl_writer.ALL_TEMP_FILES)
    signed_in(c.accountant)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach.xlsx")
    finally:
        client.application.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert "Đã có lỗi xảy ra phía máy chủ" in text_of(response)
    assert calls["n"] == 3
    assert openpyxl_writer.ALL_TEMP_FILES == left_before
    assert not [p for p in openpyxl_writer.ALL_TEMP_FILES if os.path.exists(p)]


def test_the_filtered_list_is_one_statement_whatever_its_length(client, signed_in, monkeypatch):
    """The accountant's filtered list (/de-xuat/tat-ca.xlsx) may be every request of a factory union
    (200,000 at SCALE=10): one statement (rows, names, payment and count together) read in batches and
    written row by row, as the campaign's list is; never every request loaded first and its groups,
    campaigns and payments after."""
    import sqlalchemy as sa
    monkeypatch.setattr(export, "BATCH", 5)
    c = cast()
    campaign = _campaign(c)
    for _ in range(9):
        submit(c.member, "hardship")
    signed_in(c.accountant)
    seen = []

    def listen(conn, cursor, statement, *args):
        if any(t in statement for t in ("member_requests", "request_payments", "FROM campaigns", "FROM groups")):
            seen.append(statement)

    for url, expected in (("/de-xuat/tat-ca.xlsx?trang_thai=done", 1), ("/de-xuat/tat-ca.xlsx", 14)):
        seen.clear()
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            response = client.get(url)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        assert len(seen) == 1, seen
        rows = _cells(_body(response))
        assert rows[1][0].startswith(f"{expected} đề xuất ·")
        assert [r[0] for r in rows[4:-1]] == list(range(1, expected + 1)) and rows[-1][0] == "Tổng cộng"
    assert {r[5] for r in rows[4:-1]} == {campaign.title, None}
