"""Drafting together, in two browsers at once: the author names a co-editor, who finds the draft on her
home page, edits a line that the author then sees; both edit the same line and the second to save gets
the stale message with her own text still in the box."""
import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD, make_user
from ..plan_factories import make_plan
from .conftest import settled, sign_in

pytestmark = pytest.mark.browser


def _signed_in(browser, live_server, email):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, email, PASSWORD)
    return page


def _open_line_editor(page, line_id):
    line = page.locator(f"#line-{line_id}")
    line.hover()
    line.get_by_role("button", name="Sửa").click()
    expect(page.locator(f"#line-{line_id} textarea[name=text]")).to_be_visible()
    settled(page)
    return page.locator(f"#line-{line_id}")


def test_author_and_coeditor_draft_the_same_plan(browser, live_server, in_flight):
    author = make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])
    make_user("Vũ Thị Mai", email="mai@thanhto.demo", roles=["committee"])
    make_user("Đỗ Văn Hùng", email="hung@thanhto.demo", roles=["committee"])
    plan = make_plan(author, "Tổ chức Tết Trung thu năm 2024")
    first, second = (line.id for line in plan.sections[0].lines)

    ha = _signed_in(browser, live_server, "ha@thanhto.demo")
    mai = _signed_in(browser, live_server, "mai@thanhto.demo")
    try:
        # The author names Mai on the draft's page.
        ha.goto(f"/ke-hoach/{plan.id}")
        panel = ha.locator("#plan-coeditors")
        expect(panel).to_contain_text("Chưa có người cùng soạn.")
        panel.get_by_label("Thêm Ủy viên Ban Chấp hành cùng soạn").select_option(label="Vũ Thị Mai")
        panel.get_by_role("button", name="Thêm").click()
        expect(ha.locator("#plan-coeditors")).to_contain_text(
            "Đã thêm Vũ Thị Mai làm người cùng soạn dự thảo “Tổ chức Tết Trung thu năm 2024”.")
        expect(ha.locator("#plan-coeditors li")).to_have_text("Vũ Thị Mai Bớt")

        # Mai is told, finds the draft on her home page and edits a line.
        mai.goto("/")
        expect(mai.locator(".bell-count")).to_have_text("1")
        drafts = mai.locator("#coedited-drafts")
        expect(drafts).to_contain_text("Dự thảo bạn cùng soạn")
        drafts.get_by_role("link", name="Tổ chức Tết Trung thu năm 2024").click()
        expect(mai.locator("h1")).to_have_text("Tổ chức Tết Trung thu năm 2024")
        expect(mai.get_by_role("button", name="Trình Ban Chấp hành duyệt")).to_have_count(0)
        line = _open_line_editor(mai, first)
        line.locator("textarea[name=text]").fill("Tổ chức vui Tết Trung thu cho con đoàn viên.")
        line.get_by_role("button", name="Lưu").click()
        expect(mai.locator(f"#line-{first}")).to_contain_text("Tổ chức vui Tết Trung thu cho con đoàn viên.")
        expect(mai.locator("#plan-meta")).to_contain_text("bởi Vũ Thị Mai")

        # The author sees Mai's line.
        ha.reload()
        expect(ha.locator(f"#line-{first}")).to_contain_text("Tổ chức vui Tết Trung thu cho con đoàn viên.")
        expect(ha.locator("#plan-meta")).to_contain_text("bởi Vũ Thị Mai")

        # Both open the second line; Mai saves first, then the author.
        ha_line, mai_line = _open_line_editor(ha, second), _open_line_editor(mai, second)
        mai_line.locator("textarea[name=text]").fill("Mỗi cháu một phần quà trị giá 50.000 đồng.")
        mai_line.get_by_role("button", name="Lưu").click()
        expect(mai.locator(f"#line-{second}")).to_contain_text("50.000 đồng")
        settled(mai)
        ha_line.locator("textarea[name=text]").fill("Mỗi cháu một phần quà trị giá 70.000 đồng.")
        ha_line.get_by_role("button", name="Lưu").click()
        stale = ha.locator(f"#line-{second} .alert-warning")
        expect(stale).to_contain_text("Dòng này vừa được Vũ Thị Mai sửa lúc")
        expect(stale).to_contain_text("Mỗi cháu một phần quà trị giá 50.000 đồng.")
        expect(ha.locator(f"#line-{second} textarea[name=text]")).to_have_value(
            "Mỗi cháu một phần quà trị giá 70.000 đồng.")

        # The history names who saved what.
        ha.goto(f"/ke-hoach/{plan.id}/lich-su")
        expect(ha.locator("table.versions tbody tr").first).to_contain_text("Vũ Thị Mai")
    finally:
        for page in (ha, mai):
            page.context.close()
        in_flight.wait_idle()
