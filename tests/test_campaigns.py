"""Collection campaigns: the committee opens, extends, closes and reopens them; members submit within
the deadline and are refused after it or once closed, with nothing written; the accountant exports a
campaign's list and any filtered list to Excel with Vietnamese headers and the approved total."""
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from congdoan.dates import fmt_date, local_today
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.member_requests import services
from congdoan.member_requests.kinds import KINDS
from congdoan.member_requests.models import Campaign, MemberRequest
from congdoan.member_requests.services import CampaignClosed
from congdoan.uploads.models import StoredFile

from .conftest import text_of
from .reqkit import SAMPLE, act, cast, make_campaign, png_bytes, submit, upload
from .test_requests_pages import post_multipart

TODAY = local_today()


def _submit_page(client, campaign, data=None, files=None):
    return post_multipart(client, f"/de-xuat/moi/khen-thuong-con", dict(data or SAMPLE["child_award"],
                          campaign_id=str(campaign.id)), files if files is not None else [(png_bytes(), "giay-khen.png")])


def test_committee_opens_a_campaign_and_members_hear_of_it(client, signed_in):
    c = cast()
    signed_in(c.chair)
    r = client.post_form("/dot-tiep-nhan/moi", {"kind": "child_award", "title": "Khen thưởng con đoàn viên Trung thu 2026",
                                                "description": "Gửi thành tích học tập của con trước ngày 16/9.",
                                                "deadline": (TODAY + dt.timedelta(days=5)).isoformat()})
    assert r.status_code == 303
    campaign = db.session.execute(sa.select(Campaign)).scalar_one()
    assert campaign.kind == "child_award" and campaign.deadline == TODAY + dt.timedelta(days=5)
    assert campaign.created_by_id == c.chair.id
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="campaign_opened")}
    assert c.member.id in told and c.other_member.id in told and c.chair.id not in told


@pytest.mark.parametrize("data,field,message", [
    ({"kind": "", "title": "X", "deadline": "2099-01-01"}, "kind", "Vui lòng chọn loại đề xuất"),
    ({"kind": "child_award", "title": "", "deadline": (TODAY + dt.timedelta(days=1)).isoformat()}, "title",
     "Vui lòng nhập tên đợt."),
    ({"kind": "child_award", "title": "X", "deadline": "16/13/2026"}, "deadline", "hạn cuối hợp lệ"),
    ({"kind": "child_award", "title": "X", "deadline": (TODAY - dt.timedelta(days=1)).isoformat()}, "deadline",
     "không được trước hôm nay"),
])
def test_campaign_form_errors(client, signed_in, data, field, message):
    c = cast()
    signed_in(c.chair)
    r = client.post_form("/dot-tiep-nhan/moi", data)
    assert r.status_code == 422 and message in text_of(r)
    assert f'id="{field}-error"' in r.get_data(as_text=True)
    assert db.session.query(Campaign).count() == 0


def test_only_the_committee_manages_campaigns(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair)
    for who in (c.member, c.leader, c.cashier, c.admin):
        signed_in(who)
        assert client.get("/dot-tiep-nhan/moi").status_code == 403
        assert client.post_form(f"/dot-tiep-nhan/{campaign.id}/dong").status_code == 403
        assert client.post_form(f"/dot-tiep-nhan/{campaign.id}/sua", {"title": "x", "deadline": "2099-01-01"}).status_code == 403
        client.post_form("/dang-xuat")
    assert db.session.get(Campaign, campaign.id).closed_at is None


def test_members_see_open_campaigns_and_submit_within(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair)
    signed_in(c.member)
    home = text_of(client.get("/"))
    assert campaign.title in home and fmt_date(campaign.deadline) in home
    r = _submit_page(client, campaign)
    assert r.status_code == 303
    req = db.session.execute(sa.select(MemberRequest)).scalar_one()
    assert req.campaign_id == campaign.id and req.status == "submitted"
    assert "bạn đã gửi 1" in text_of(client.get("/"))
    assert campaign.title in text_of(client.get(f"/de-xuat/{req.id}"))


def test_deadline_is_the_last_day_inclusive():
    c = cast()
    campaign = make_campaign(c.chair, deadline=TODAY + dt.timedelta(days=3))
    last = campaign.deadline
    assert campaign.is_open(last) and not campaign.is_open(last + dt.timedelta(days=1))
    req = services.submit(c.member, KINDS["child_award"], SAMPLE["child_award"], [upload(png_bytes())],
                          campaign=campaign, today=last)
    assert req.id
    db.session.rollback()
    with pytest.raises(CampaignClosed, match=f"hết ngày {fmt_date(last)}"):
        services.submit(c.member, KINDS["child_award"], SAMPLE["child_award"], [upload(png_bytes())],
                        campaign=campaign, today=last + dt.timedelta(days=1))


def test_after_the_deadline_a_submission_is_refused_with_nothing_written(client, signed_in, app):
    c = cast()
    campaign = make_campaign(c.chair)
    campaign.deadline = TODAY - dt.timedelta(days=1)
    db.session.commit()
    signed_in(c.member)
    form = client.get(f"/de-xuat/moi/khen-thuong-con?dot={campaign.id}")
    assert "đã hết hạn nhận" in text_of(form) and "<form method=\"post\" enctype" not in form.get_data(as_text=True)
    r = _submit_page(client, campaign)
    assert r.status_code == 409
    assert f"đã hết hạn nhận (hạn cuối: hết ngày {fmt_date(campaign.deadline)})" in text_of(r)
    assert db.session.query(MemberRequest).count() == 0 and db.session.query(StoredFile).count() == 0
    assert campaign.title not in text_of(client.get("/"))          # no longer on the home page


def test_a_closed_campaign_refuses_then_extends_and_reopens(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair)
    signed_in(c.chair)
    assert client.post_form(f"/dot-tiep-nhan/{campaign.id}/dong").status_code == 303
    again = client.post_form(f"/dot-tiep-nhan/{campaign.id}/dong")
    assert again.status_code == 409 and "đã đóng" in text_of(again)
    client.post_form("/dang-xuat")
    signed_in(c.member)
    r = _submit_page(client, campaign)
    assert r.status_code == 409 and "đã đóng, không nhận thêm đề xuất" in text_of(r)
    assert db.session.query(MemberRequest).count() == 0
    client.post_form("/dang-xuat")
    signed_in(c.chair)
    assert client.post_form(f"/dot-tiep-nhan/{campaign.id}/mo-lai").status_code == 303
    client.post_form("/dang-xuat")
    signed_in(c.member)
    assert _submit_page(client, campaign).status_code == 303


def test_the_committee_extends_the_deadline(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair)
    campaign.deadline = TODAY - dt.timedelta(days=2)
    db.session.commit()
    signed_in(c.chair)
    form = client.get(f"/dot-tiep-nhan/{campaign.id}/sua")
    assert campaign.deadline.isoformat() in form.get_data(as_text=True)
    same = client.post_form(f"/dot-tiep-nhan/{campaign.id}/sua", {"title": "Tên mới", "description": "",
                                                                   "deadline": campaign.deadline.isoformat()})
    assert same.status_code == 303         # an old deadline may stay while other fields change
    past = client.post_form(f"/dot-tiep-nhan/{campaign.id}/sua", {"title": "Tên mới", "description": "",
                                                                   "deadline": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and "không được trước hôm nay" in text_of(past)
    new_deadline = TODAY + dt.timedelta(days=7)
    r = client.post_form(f"/dot-tiep-nhan/{campaign.id}/sua", {"title": "Tên mới", "description": "Gia hạn",
                                                                "deadline": new_deadline.isoformat()})
    assert r.status_code == 303
    assert db.session.get(Campaign, campaign.id).deadline == new_deadline
    client.post_form("/dang-xuat")
    signed_in(c.member)
    assert _submit_page(client, campaign).status_code == 303


def test_child_awards_are_only_taken_in_a_campaign(client, signed_in):
    c = cast()
    signed_in(c.member)
    page = client.get("/de-xuat/moi/khen-thuong-con")
    assert "chỉ được nhận theo đợt" in text_of(page)
    r = post_multipart(client, "/de-xuat/moi/khen-thuong-con", SAMPLE["child_award"], [(png_bytes(), "a.png")])
    assert r.status_code == 409 and db.session.query(MemberRequest).count() == 0
    assert "Chỉ nhận theo đợt; hiện chưa có đợt nào mở" in text_of(client.get("/de-xuat/moi"))
    campaign = make_campaign(c.chair)
    redirect = client.get("/de-xuat/moi/khen-thuong-con")
    assert redirect.status_code == 302 and f"dot={campaign.id}" in redirect.headers["Location"]


def test_child_award_needs_evidence(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair)
    signed_in(c.member)
    r = _submit_page(client, campaign, files=[])
    assert r.status_code == 422 and "Vui lòng đính kèm ít nhất một ảnh hoặc tệp PDF minh chứng." in text_of(r)


def test_a_campaign_of_another_kind_is_not_found(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair, kind="emulation", title="Đăng ký thi đua 2026 - 2027")
    signed_in(c.member)
    assert client.get(f"/de-xuat/moi/khen-thuong-con?dot={campaign.id}").status_code == 404


def _open_xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.direct_passthrough = False
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_index = next(i for i, row in enumerate(rows) if row[0] == "STT")
    response.close()
    return rows[0][0], rows[header_index], rows[header_index + 1:]


def _campaign_with_requests(c):
    campaign = make_campaign(c.chair)
    paid = submit(c.member, "child_award", campaign=campaign)
    act(paid, "confirm", c.leader)
    act(paid, "approve", c.chair, amount="300.000")
    act(paid, "pay", c.accountant)
    approved = submit(c.neighbour, "child_award", campaign=campaign,
                      data={"child_name": "Trần Gia Huy", "class_name": "5A1", "achievement": "=1+1 Giải Nhất"})
    act(approved, "confirm", c.leader)
    act(approved, "approve", c.chair, amount="200.000")
    refused = submit(c.other_member, "child_award", campaign=campaign, data={"child_name": "Đặng Bảo Ngọc"})
    act(refused, "confirm", c.other_leader)
    act(refused, "refuse", c.chair, note="Chưa đủ điều kiện")
    waiting = submit(c.leader, "child_award", campaign=campaign, data={"child_name": "Vũ Minh Khang"})
    gone = submit(c.member, "child_award", campaign=campaign, data={"child_name": "Nguyễn Hủy Bỏ"})
    act(gone, "withdraw", c.member)
    return campaign, paid, approved, refused, waiting


def test_accountant_exports_a_campaign_list(client, signed_in):
    c = cast()
    campaign, paid, approved, refused, waiting = _campaign_with_requests(c)
    signed_in(c.cashier)
    detail = text_of(client.get(f"/dot-tiep-nhan/{campaign.id}"))
    assert "Danh sách đề xuất (4)" in detail and "500.000 đ" in detail and "Nguyễn Hủy Bỏ" not in detail
    response = client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach.xlsx")
    assert "attachment" in response.headers["Content-Disposition"] and ".xlsx" in response.headers["Content-Disposition"]
    title, header, rows = _open_xlsx(response)
    assert title == campaign.title.upper()
    assert header == ["STT", "Họ và tên đoàn viên", "Tổ", "Họ và tên con", "Trường", "Lớp", "Thành tích", "Năm học",
                      "Trạng thái", "Ngày gửi", "Số tiền duyệt (đồng)", "Ngày chi", "Số phiếu chi", "Người nhận",
                      "Ghi chú"]
    data, total = rows[:-1], rows[-1]
    assert [r[3] for r in data] == ["Nguyễn Minh An", "Trần Gia Huy", "Đặng Bảo Ngọc", "Vũ Minh Khang"]
    assert [r[8] for r in data] == ["Đã chi", "Đã duyệt, chờ chi", "Không duyệt", "Chờ BCH xét duyệt"]
    assert [r[10] for r in data] == [300_000, 200_000, None, None]
    assert data[0][11].date() == local_today() and data[2][14] == "Chưa đủ điều kiện"
    assert data[0][12:14] == [f"PC-001/{local_today().year}", "Nguyễn Thị Thanh"] and data[1][11:14] == [None] * 3
    assert data[1][6] == "=1+1 Giải Nhất"          # text, not a formula
    assert total[0] == "Tổng cộng" and total[10] == 500_000


def test_export_of_a_filtered_list(client, signed_in):
    c = cast()
    campaign, paid, approved, refused, waiting = _campaign_with_requests(c)
    other = submit(c.member, "hardship")
    act(other, "approve", c.chair, amount="2.000.000")
    signed_in(c.cashier)
    title, header, rows = _open_xlsx(client.get("/de-xuat/tat-ca.xlsx?trang_thai=approved"))
    assert header[:7] == ["STT", "Mã", "Loại đề xuất", "Họ và tên đoàn viên", "Tổ", "Đợt", "Nội dung"]
    assert sorted(r[1] for r in rows[:-1]) == sorted([approved.id, other.id])
    assert rows[-1][0] == "Tổng cộng" and rows[-1][9] == 2_200_000
    title, header, rows = _open_xlsx(client.get(f"/de-xuat/tat-ca.xlsx?dot={campaign.id}&q=tran gia"))
    assert [r[1] for r in rows[:-1]] == [approved.id]
    page = client.get("/de-xuat/tat-ca?loai=hardship")
    assert f"/de-xuat/{other.id}" in page.get_data(as_text=True) and "Trần Gia Huy" not in text_of(page)
    assert "loai=hardship" in page.get_data(as_text=True)      # the export link keeps the filter


def test_the_full_list_paginates_and_filters_inline(client, signed_in):
    c = cast()
    for _ in range(25):
        submit(c.member, "suggestion")
    signed_in(c.chair)
    first = text_of(client.get("/de-xuat/tat-ca"))
    assert "25 đề xuất" in first and "Trang 1 / 2" in first
    inline = client.get("/de-xuat/tat-ca?q=thanh", headers={"HX-Request": "true", "HX-Trigger": "requests-filter"})
    assert "<html" not in inline.get_data(as_text=True) and "25 đề xuất" in text_of(inline)
    none = client.get("/de-xuat/tat-ca?q=khong-ai", headers={"HX-Request": "true", "HX-Trigger": "requests-filter"})
    assert "Không có đề xuất nào khớp" in text_of(none)


def test_a_long_campaign_list_paginates(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair)
    for n in range(51):
        services.submit(c.member, KINDS["child_award"], dict(SAMPLE["child_award"], child_name=f"Cháu số {n + 1}"),
                        [upload(png_bytes())], campaign=campaign)
    db.session.commit()
    signed_in(c.accountant)
    first = client.get(f"/dot-tiep-nhan/{campaign.id}")
    assert "Danh sách đề xuất (51)" in text_of(first) and "Trang 1 / 2" in text_of(first)
    assert f'href="/dot-tiep-nhan/{campaign.id}?trang=2"' in first.get_data(as_text=True)
    second = text_of(client.get(f"/dot-tiep-nhan/{campaign.id}?trang=2"))
    assert "Cháu số 51" in second and "Cháu số 50 " not in second
