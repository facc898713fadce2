"""In a real browser a committee member writes a plan from nothing, reorders its parts, sees the
preview, copies it into next year's draft and compares two versions."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from congdoan.extensions import db
from congdoan.plans.models import Plan

from ..conftest import PASSWORD, make_group, make_user
from .conftest import settled, sign_in

pytestmark = pytest.mark.browser


def test_committee_member_drafts_reorders_previews_copies_and_compares(page):
    make_group("Tổ Khối 1")
    make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.click("nav >> text=Kế hoạch")
    page.click("text=+ Soạn kế hoạch mới")
    page.fill("input[name=subject]", "Hoạt động Công đoàn năm học 2024 - 2025")
    page.fill("input[name=period]", "Năm học 2024 - 2025")
    page.click("button:has-text('Tạo dự thảo')")
    expect(page.locator("h1")).to_have_text("Hoạt động Công đoàn năm học 2024 - 2025")
    page.evaluate("window.__marker = 'same-page'")

    # Legal bases.
    page.fill("#new-basis", "Căn cứ Điều lệ Công đoàn Việt Nam.")
    page.click("button:has-text('+ Thêm căn cứ')")
    expect(page.locator("#plan-bases .part")).to_have_count(1)
    settled(page)                  # the block came back with its form: htmx binds it once settled
    page.fill("#new-basis", "Căn cứ Nghị quyết Đại hội Công đoàn trường nhiệm kỳ 2023 - 2028;")
    page.click("button:has-text('+ Thêm căn cứ')")
    expect(page.locator("#plan-bases .part")).to_have_count(2)

    # Two sections, in the wrong order, then fixed with ↑.
    page.fill("#new-section", "CHỈ TIÊU")
    page.click("button:has-text('+ Thêm mục')")
    expect(page.locator(".doc-section-title")).to_have_count(1)
    settled(page)
    page.fill("#new-section", "NHIỆM VỤ CHUNG:")
    page.click("button:has-text('+ Thêm mục')")
    expect(page.locator(".doc-section-title")).to_have_count(2)
    settled(page)
    second = page.locator(".doc-section", has_text="NHIỆM VỤ CHUNG")
    second.locator(".section-head").hover()
    second.locator(".section-head").get_by_role("button", name="Chuyển mục lên").click()
    expect(page.locator(".doc-section-title").first).to_have_text("I. NHIỆM VỤ CHUNG:")
    expect(page.locator(".doc-section-title").nth(1)).to_have_text("II. CHỈ TIÊU")
    settled(page)

    # Lines with a bold deadline.
    section = page.locator(".doc-section", has_text="II. CHỈ TIÊU")
    section.locator("select[name=kind]").select_option("bullet")
    section.locator("textarea[name=text]").fill("Phấn đấu 100% người lao động là đoàn viên, báo cáo **trước ngày 16/9/2024**.")
    section.get_by_role("button", name="+ Thêm dòng").click()
    expect(page.locator(".doc-section", has_text="II. CHỈ TIÊU").locator("strong", has_text="trước ngày 16/9/2024")).to_be_visible()
    settled(page)

    # Schedule rows and activities.
    for period, activity in (("9/2024", "Tổ chức Tết Trung thu cho con đoàn viên"), ("10/2024", "Kỷ niệm ngày 20/10")):
        page.fill("#new-row", period)
        page.locator("#plan-schedule").get_by_role("button", name="+ Thêm", exact=True).click()
        row = page.locator(".schedule-row", has_text=period)
        expect(row).to_be_visible()
        # A person cannot click within the moment htmx settles the new row (and binds its forms).
        settled(page)
        row.locator("textarea[name=text]").fill(activity)
        row.get_by_role("button", name="+ Thêm việc").click()
        expect(page.locator(".schedule-row", has_text=period).locator(".activity")).to_have_count(1)
        settled(page)

    # An inline edit of the first basis, with a validation message on the way.
    basis = page.locator("#plan-bases .part").first
    basis.hover()
    basis.get_by_role("button", name="Sửa").click()
    edit = page.locator("#plan-bases .part form")
    expect(edit).to_be_visible()
    settled(page)
    edit.locator("textarea[name=text]").fill("")
    edit.get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-bases .field-error")).to_have_text("Vui lòng nhập nội dung căn cứ.")
    settled(page)
    edit.locator("textarea[name=text]").fill("Căn cứ Điều lệ Công đoàn Việt Nam khóa XIII.")
    edit.get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-bases")).to_contain_text("khóa XIII")
    assert page.evaluate("window.__marker") == "same-page"          # all of it without a reload

    # The preview reads like the printed document.
    page.click("text=Xem bản in")
    expect(page.locator("p.type")).to_have_text("KẾ HOẠCH")
    expect(page.locator(".section-title").first).to_have_text("I. NHIỆM VỤ CHUNG:")
    expect(page.locator("table.schedule tbody tr")).to_have_count(2)
    expect(page.locator(".draft-mark")).to_have_text("DỰ THẢO")
    page.go_back()

    # Copy into next year's draft.
    page.click("text=Tạo bản mới từ kế hoạch này")
    page.click("button:has-text('Tạo dự thảo mới')")
    expect(page.locator("h1")).to_have_text("Hoạt động Công đoàn năm học 2025 - 2026")
    expect(page.locator(".schedule-row").first).to_contain_text("9/2025")

    # Compare two versions of the first plan.
    original = db.session.execute(sa.select(Plan).order_by(Plan.id)).scalars().first()
    page.goto(f"/ke-hoach/{original.id}/lich-su")
    rows = page.locator("table.versions tbody tr")
    assert rows.count() >= 10
    rows.last.locator("input[name=tu]").check()
    rows.first.locator("input[name=den]").check()
    page.click("button:has-text('So sánh')")
    expect(page.locator("h1")).to_contain_text("So sánh phiên bản 1 và")
    expect(page.locator(".diff-part", has_text="Căn cứ")).to_contain_text("khóa XIII")
    expect(page.locator(".diff-part", has_text="Mục I. NHIỆM VỤ CHUNG:")).to_be_visible()


def test_the_preview_rules_sit_centred_under_their_lines(page):
    """The short rules under the union's name and under the subject are centred under their text and
    below it, as in the Word file (a more specific `.page p { margin: 0 }` pushed them left onto it)."""
    from ..plan_factories import make_plan
    author = make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])
    plan = make_plan(author, "Tổ chức các hoạt động chào mừng ngày Nhà giáo Việt Nam 20/11/2024")
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}/xem-truoc")
    for rule, above, box in ((".rule", ".head-left .up.b", ".head-left"), (".subject-rule", ".subject", ".page")):
        r = page.locator(rule).first.bounding_box()
        text = page.locator(above).last.bounding_box()
        container = page.locator(box).first.bounding_box()
        assert r["width"] > 0
        assert abs((r["x"] + r["width"] / 2) - (container["x"] + container["width"] / 2)) < 40, rule
        assert r["y"] >= text["y"] + text["height"], f"{rule} overlaps the text above it"


def test_every_editor_button_is_reached_and_seen_with_the_keyboard(page):
    """The parts' Sửa / ↑ / ↓ / Xóa buttons were display:none until hovered: a keyboard reached 11 of
    424 of them on a fresh draft."""
    from ..plan_factories import make_plan
    author = make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])
    plan = make_plan(author)
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}")
    buttons = page.locator(".part-actions button")
    total = buttons.count()
    assert total >= 12
    reached = set()
    for _ in range(total * 3 + 80):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            const box = el.closest('.part-actions');
            if (!box) return null;
            const all = Array.from(document.querySelectorAll('.part-actions button'));
            return [all.indexOf(el), getComputedStyle(box).opacity];
        }""")
        if info:
            index, opacity = info
            assert float(opacity) == 1, "a focused editor button is invisible"
            reached.add(index)
    assert len(reached) == total
