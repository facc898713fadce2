"""Issue 17 in a real browser: a Word plan with letter items and a skipped number is imported; the
report lists what to look at, each line opening its part of the draft; a line's label style is
changed in the editor and the preview shows it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from congdoan.demo.union import DEMO_PASSWORD

from ..plan_corpus import plan_with_gaps
from .conftest import import_word, seed_demo, settled, sign_in

pytestmark = pytest.mark.browser


def test_import_report_links_to_the_parts_and_labels_are_edited(app, page, tmp_path):
    seed_demo(app)
    source = tmp_path / "tham-hoi-cuoi-nam.docx"
    source.write_bytes(plan_with_gaps().data)

    sign_in(page, "chutich@thanhto.demo", DEMO_PASSWORD)
    import_word(page, source)

    report = page.locator("ul.import-report")
    skipped = report.get_by_role("link", name=re.compile("đánh số “3.”"))
    expect(skipped).to_be_visible()
    expect(report.get_by_role("link", name=re.compile("không ghi thời gian"))).to_be_visible()
    skipped.click()

    page.wait_for_url(re.compile(r"/ke-hoach/\d+#line-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    target = page.locator(f"#{anchor}")
    expect(target).to_contain_text("2. Hoàn cảnh khó khăn")
    expect(target).to_be_in_viewport()

    letter = page.locator("li.line", has_text="Mắc bệnh hiểm nghèo")
    expect(letter).to_contain_text("b) Mắc bệnh hiểm nghèo")
    letter.get_by_role("button", name="Sửa").click()
    settled(page)
    form = page.locator("li.line form")
    form.locator("select[name=label]").select_option("a.")
    form.get_by_role("button", name="Lưu").click()
    settled(page)
    edited = page.locator("li.line", has_text="Mắc bệnh hiểm nghèo")
    expect(edited).to_contain_text("b. Mắc bệnh hiểm nghèo")    # the same count, the new style

    plan_id = re.search(r"/ke-hoach/(\d+)", page.url).group(1)
    page.goto(f"/ke-hoach/{plan_id}/xem-truoc")
    body = page.locator("article.page")
    expect(body).to_contain_text("a) Ốm đau phải nằm viện từ 7 ngày trở lên.")
    expect(body).to_contain_text("b. Mắc bệnh hiểm nghèo.")
    expect(body).to_contain_text("2. Hoàn cảnh khó khăn")
