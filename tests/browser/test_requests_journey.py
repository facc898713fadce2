"""The requests journey in a real browser: the committee opens a Trung thu campaign, a member submits
her child's award with a photo, the group leader confirms it from a phone, the committee approves it
with an amount, the accountant exports the list and marks it paid, and another member sees none of it."""
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from congdoan.dates import local_today
from congdoan.extensions import db
from congdoan.member_requests.models import MemberRequest

from ..conftest import PASSWORD, make_group, make_user
from ..samples import png_bytes
from .conftest import settled, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def new_page(browser, live_server):
    """A fresh browser (own cookies) per person; phone=True for a 390 px phone."""
    contexts = []

    def _open(phone: bool = False):
        options = dict(locale="vi-VN", base_url=live_server, accept_downloads=True)
        if phone:
            options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
        else:
            options.update(viewport={"width": 1280, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page
    yield _open
    for context in contexts:
        context.close()


def test_child_award_from_campaign_to_payment(new_page, tmp_path):
    khoi1, khoi2 = make_group("Tổ Khối 1"), make_group("Tổ Khối 2")
    make_user("Vũ Thị Mai", email="mai@thanhto.demo", roles=["committee"], leads=khoi1)
    make_user("Nguyễn Thị Thanh", email="thanh@thanhto.demo", group=khoi1)
    make_user("Nguyễn Thị Hoa", email="chutich@thanhto.demo", roles=["chair", "committee"], group=khoi2)
    make_user("Phạm Thị Lan", email="ketoan@thanhto.demo", roles=["accountant", "committee"], group=khoi2)
    make_user("Đặng Thị Phương", email="phuong@thanhto.demo", group=khoi2)
    photo = tmp_path / "giay-khen.png"
    photo.write_bytes(png_bytes(120, 80))

    # The chair opens the campaign.
    chair = new_page()
    sign_in(chair, "chutich@thanhto.demo", PASSWORD)
    chair.goto("/dot-tiep-nhan/moi")
    chair.select_option("select[name=kind]", "child_award")
    chair.fill("input[name=title]", "Khen thưởng con đoàn viên dịp Tết Trung thu")
    chair.fill("textarea[name=description]", "Gửi ảnh giấy khen của cháu.")
    chair.fill("input[name=deadline]", (local_today() + dt.timedelta(days=14)).isoformat())
    chair.click("text=Mở đợt và thông báo")
    expect(chair.locator("h1")).to_have_text("Khen thưởng con đoàn viên dịp Tết Trung thu")
    expect(chair.locator("main")).to_contain_text("Đang nhận")

    # The member sees it on her home page and submits her child's award with a photo.
    member = new_page()
    sign_in(member, "thanh@thanhto.demo", PASSWORD)
    panel = member.locator("section.campaigns-panel")
    expect(panel).to_contain_text("Khen thưởng con đoàn viên dịp Tết Trung thu")
    panel.get_by_role("link", name="Gửi").click()
    member.fill("input[name=child_name]", "Nguyễn Bảo Anh")
    member.fill("input[name=school]", "Trường Tiểu học Thành Tô")
    member.fill("input[name=class_name]", "4A1")
    member.fill("input[name=achievement]", "Hoàn thành xuất sắc nhiệm vụ học tập và rèn luyện")
    member.fill("input[name=school_year]", "2025 - 2026")
    member.click("text=Gửi đề xuất")
    expect(member.locator("#school_year-error")).to_have_count(0)
    expect(member.locator("#evidence-error")).to_contain_text("Vui lòng đính kèm")      # forgot the photo
    settled(member)
    member.set_input_files("input[name=evidence]", str(photo))
    member.click("text=Gửi đề xuất")
    expect(member.locator(".status")).to_have_text("Chờ tổ trưởng xác nhận")
    expect(member.locator(".next-step")).to_contain_text("Chờ tổ trưởng Vũ Thị Mai xác nhận.")
    req = db.session.execute(sa.select(MemberRequest)).scalar_one()
    detail_url = f"/de-xuat/{req.id}"
    evidence_url = f"/de-xuat/{req.id}/minh-chung/{req.files[0].file_id}"

    # The group leader confirms from her phone, without leaving the inbox.
    leader = new_page(phone=True)
    sign_in(leader, "mai@thanhto.demo", PASSWORD)
    expect(leader.locator("main")).to_contain_text("Chờ bạn xác nhận")
    leader.get_by_role("link", name="Xác nhận ngay").click()
    card = leader.locator(f"#req-card-{req.id}")
    expect(card).to_contain_text("Nguyễn Bảo Anh")
    expect(card.locator("img")).to_be_visible()
    settled(leader)
    assert leader.evaluate("document.documentElement.scrollWidth") <= 390
    leader.evaluate("window.__marker = 'still-here'")
    card.get_by_role("button", name="Xác nhận").click()
    expect(card).to_contain_text("Đã xác nhận đề xuất")
    expect(card.locator(".status")).to_have_text("Chờ BCH xét duyệt")
    assert leader.evaluate("window.__marker") == "still-here"

    # The chair approves it with an amount (a wrong amount first).
    chair.goto("/de-xuat/cho-duyet")
    chair.get_by_role("link", name=f"Khen thưởng con đoàn viên #{req.id}").click()
    chair.fill("input[name=amount]", "hai trăm nghìn")
    chair.get_by_role("button", name="Duyệt").click()
    expect(chair.locator(".field-error")).to_contain_text("Số tiền không hợp lệ")
    settled(chair)
    chair.fill("input[name=amount]", "200.000")
    chair.get_by_role("button", name="Duyệt").click()
    expect(chair.locator(".status")).to_have_text("Đã duyệt, chờ chi")
    expect(chair.locator(".decision")).to_contain_text("200.000 đ")

    # The accountant exports the campaign's list, then marks the request paid.
    accountant = new_page()
    sign_in(accountant, "ketoan@thanhto.demo", PASSWORD)
    accountant.goto(f"/dot-tiep-nhan/{req.campaign_id}")
    with accountant.expect_download() as info:
        accountant.click("#campaign-export")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header + 1][1] == "Nguyễn Thị Thanh" and rows[header + 1][3] == "Nguyễn Bảo Anh"
    assert rows[header + 1][10] == 200_000 and rows[-1][0] == "Tổng cộng" and rows[-1][10] == 200_000
    accountant.goto("/de-xuat/cho-chi")
    accountant.get_by_role("link", name="Ghi nhận đã chi").click()
    expect(accountant.get_by_role("button", name="Xác nhận đã chi")).to_be_visible()
    settled(accountant)            # the form opened in the card is bound by htmx once settled
    accountant.get_by_role("button", name="Xác nhận đã chi").click()
    expect(accountant.locator(f"#req-card-{req.id} .status")).to_have_text("Đã chi")

    # The member sees every step with who and when.
    member.goto(detail_url)
    expect(member.locator(".status")).to_have_text("Đã chi")
    timeline = member.locator(".timeline")
    for step in ("Gửi đề xuất", "Tổ trưởng xác nhận", "Ban Chấp hành duyệt: 200.000 đ", "Kế toán đã chi",
                 "Vũ Thị Mai", "Nguyễn Thị Hoa", "Phạm Thị Lan"):
        expect(timeline).to_contain_text(step)

    # Another member sees none of it.
    other = new_page()
    sign_in(other, "phuong@thanhto.demo", PASSWORD)
    other.goto("/de-xuat/")
    expect(other.locator("main")).to_contain_text("Bạn chưa gửi đề xuất nào")
    assert other.goto(detail_url).status == 404
    assert other.goto(evidence_url).status == 404
    expect(other.locator("body")).not_to_contain_text("Nguyễn Bảo Anh")
    assert other.goto("/de-xuat/tat-ca").status == 403
