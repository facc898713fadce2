"""Issue 17 point 6 in a real browser: a Word plan with underlined words is imported; the editor and
the preview show them underlined; a person underlines more words by typing <u>…</u>."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from congdoan.demo.union import DEMO_PASSWORD

from ..plan_corpus import PLANS
from .conftest import import_word, seed_demo, settled, sign_in

pytestmark = pytest.mark.browser


def test_underline_is_imported_shown_and_typed(app, page, tmp_path):
    seed_demo(app)
    source = tmp_path / "an-toan-lao-dong.docx"
    source.write_bytes(PLANS["an-toan-gach-chan"]().data)

    sign_in(page, "chutich@thanhto.demo", DEMO_PASSWORD)
    import_word(page, source)
    plan_id = re.search(r"/ke-hoach/(\d+)/bao-cao-nhap", page.url).group(1)

    page.goto(f"/ke-hoach/{plan_id}")
    line = page.locator("li.line", has_text="Treo băng rôn")
    line.get_by_role("button", name="Sửa").click()
    settled(page)
    form = page.locator("li.line form")
    expect(form.locator(".hint", has_text="Chữ đậm")).to_contain_text("<u>chữ gạch chân</u>")
    form.locator("textarea[name=text]").fill("Treo <u>băng rôn</u>, khẩu hiệu tại cổng trường.")
    form.get_by_role("button", name="Lưu").click()
    settled(page)
    expect(page.locator("li.line u", has_text="băng rôn")).to_be_visible()

    page.goto(f"/ke-hoach/{plan_id}/xem-truoc")
    body = page.locator("article.page")
    expect(body.locator("u", has_text="Luật An toàn, vệ sinh lao động")).to_be_visible()
    expect(body.locator("u", has_text="an toàn lao động")).to_be_visible()
    expect(body.locator("u", has_text="băng rôn")).to_be_visible()
    expect(body).to_contain_text("Treo băng rôn, khẩu hiệu tại cổng trường.")
    expect(body).not_to_contain_text("<u>")
