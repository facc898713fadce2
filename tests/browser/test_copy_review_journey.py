"""In a real browser a committee member copies the real 2023 - 2024 plan (seed-demo) to the next
school year, is shown what the copy could not settle, fixes one line in its inline editor, keeps
one as it is, is refused the submission while lines are left, then goes through them and submits."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from congdoan.demo.union import DEMO_PASSWORD

from .conftest import seed_demo, settled, sign_in

pytestmark = pytest.mark.browser

SOURCE = "Hoạt động Công đoàn năm học 2023 - 2024"
COPY = "Hoạt động Công đoàn năm học 2024 - 2025"


def test_copy_to_next_year_review_list_fix_keep_and_submit(app, page):
    seed_demo(app)

    sign_in(page, "ha.le@thanhto.demo", DEMO_PASSWORD)
    page.click("nav >> text=Kế hoạch")
    page.click(f"text={SOURCE}")
    page.get_by_role("link", name="Tạo bản mới từ kế hoạch này").click()
    page.get_by_role("button", name="Tạo dự thảo mới").click()

    # Straight to the review list: the copy's old years and counts, each with its suggestion.
    expect(page.locator("h1")).to_have_text("Soát lại sau khi tạo bản mới")
    expect(page.locator("#messages")).to_contain_text(f"Đã tạo dự thảo “{COPY}” từ “{SOURCE}”, dời +1 năm.")
    items = page.locator(".review-item")
    total = items.count()
    assert total >= 8
    expect(page.locator("#review-count")).to_contain_text(f"Còn {total} dòng cần soát lại")
    qdnd = items.filter(has_text="79 năm ngày thành lập QĐNDVN")
    expect(qdnd).to_contain_text("Số năm kỷ niệm không kèm mốc ngày nên không được tính lại. Gợi ý: 80 năm.")
    expect(items.filter(has_text="nhiệm kỳ 2019 -2024").first).to_contain_text("không phải một năm học")

    # Fix one line in its inline editor, opened by the link.
    qdnd.get_by_role("link", name="Sửa dòng này").click()
    expect(page).to_have_url(re.compile(r"/activity/\d+/sua#activity-\d+$"))
    editor = page.locator("li.activity form")
    expect(editor).to_be_visible()
    settled(page)
    text = editor.locator("textarea[name=text]")
    text.fill(text.input_value().replace("79 năm", "80 năm"))
    editor.get_by_role("button", name="Lưu").click()
    expect(page.locator(".activity", has_text="80 năm ngày thành lập QĐNDVN")).to_be_visible()
    settled(page)
    banner = page.locator("#copy-review-banner")
    expect(banner).to_contain_text(f"Còn {total - 1} dòng cần soát lại sau khi tạo bản mới")

    # Keep one as it is, on the list.
    banner.get_by_role("link", name="Xem danh sách cần soát lại").click()
    expect(page.locator(".review-item.done", has_text="80 năm ngày thành lập QĐNDVN")).to_contain_text("Đã sửa")
    kept = page.locator(".review-item:not(.done)").filter(has_text="94 năm ngày thành lập Công đoàn Việt Nam")
    kept.get_by_role("button", name="Giữ nguyên").click()
    expect(page.locator(".review-item", has_text="94 năm ngày thành lập Công đoàn Việt Nam")).to_contain_text(
        "Đã giữ nguyên “94 năm” ở mục I, dòng 1; còn")
    expect(page.locator("#review-count")).to_contain_text(f"Còn {total - 2} dòng cần soát lại")
    settled(page)

    # The list survives a reload; the draft cannot be submitted while lines are left.
    page.reload()
    expect(page.locator(".review-item.done")).to_have_count(2)
    page.get_by_role("link", name="Mở dự thảo").click()
    page.get_by_role("button", name="Trình Ban Chấp hành duyệt").click()
    expect(page.locator("#messages")).to_contain_text(
        f"Chưa thể trình Ban Chấp hành duyệt: còn {total - 2} dòng cần soát lại sau khi tạo bản mới")
    expect(page.locator("h1")).to_have_text("Soát lại sau khi tạo bản mới")

    # Go through the rest, then submit.
    for left in range(total - 2, 0, -1):
        page.locator(".review-item:not(.done)").first.get_by_role("button", name="Giữ nguyên").click()
        expect(page.locator(".review-item:not(.done)")).to_have_count(left - 1)
        settled(page)
    expect(page.locator("#review-count")).to_contain_text("Đã soát hết các dòng.")
    page.get_by_role("link", name="Trở về dự thảo để trình Ban Chấp hành duyệt").click()
    expect(page.locator("#copy-review-banner")).to_contain_text("Đã soát hết các dòng sau khi tạo bản mới.")
    page.get_by_role("button", name="Trình Ban Chấp hành duyệt").click()
    expect(page.locator("#messages")).to_contain_text("Đã trình Ban Chấp hành duyệt kế hoạch “Hoạt động Công đoàn năm học 2024 - 2025” (lần 1)")
