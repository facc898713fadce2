"""What static/app.js does on every page, in a real browser: a failed save says so instead of failing
silently, and a file too large for the server is refused on the phone before it is sent. When the file
did not parse (a merge spliced two versions of it), none of this happened and no test noticed."""
import pytest
from playwright.sync_api import expect

from congdoan.plans.models import PlanStatus

from ..conftest import PASSWORD, make_group, make_user
from ..plan_factories import make_plan
from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_save_that_cannot_reach_the_server_says_it_was_not_saved(page, browser_errors):
    author = make_user("Lê Thị Thu Hà", email="ha@thanhto.demo", roles=["committee"])
    plan = make_plan(author, status=PlanStatus.DRAFT)
    sign_in(page, "ha@thanhto.demo", PASSWORD)
    page.goto(f"/ke-hoach/{plan.id}")
    # The connection drops as the officer adds a section (a phone leaving Wi-Fi).
    page.route("**/section/them", lambda route: route.abort("internetdisconnected"))
    browser_errors.allow(r"ERR_INTERNET_DISCONNECTED|htmx:sendError|htmx:afterRequest")   # htmx logs the failed request
    page.fill("#new-section", "TỔ CHỨC THỰC HIỆN")
    page.click("button:has-text('+ Thêm mục')")
    expect(page.locator("#messages [role=alert]")).to_contain_text("Mất kết nối tới máy chủ")
    expect(page.locator("#messages [role=alert]")).to_contain_text("chưa được lưu")
    # What was typed is still there to send again.
    expect(page.locator("#new-section")).to_have_value("TỔ CHỨC THỰC HIỆN")


def test_a_photo_over_the_limit_is_refused_before_it_is_sent(phone, tmp_path):
    make_user("Nguyễn Thị Thanh", email="thanh@thanhto.demo", group=make_group("Tổ Khối 1"))
    big = tmp_path / "anh-giay-khen.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024))
    sign_in(phone, "thanh@thanhto.demo", PASSWORD)
    phone.goto("/de-xuat/moi/tham-om")
    uploads = []
    phone.on("request", lambda r: r.method == "POST" and uploads.append(r.url))
    phone.set_input_files("input[type=file][name=evidence]", str(big))
    note = phone.locator(".size-error[role=alert]")
    expect(note).to_contain_text("anh-giay-khen.jpg")
    expect(note).to_contain_text("lớn hơn 10 MB")
    assert phone.eval_on_selector("input[type=file][name=evidence]", "el => el.files.length") == 0
    assert uploads == []
