"""A campaign's signing list (Danh sách ký nhận) in Word and Excel: who is on it and in which order,
the voucher numbers, the total in numbers and in words, an A4 layout whose header row repeats on every
page, privacy of the private kinds; and the payment record in the lists and exports."""
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from congdoan.dates import fmt_date, local_today
from congdoan.money import vnd_in_words
from congdoan.member_requests.kinds import KINDS

from .conftest import text_of
from .reqkit import act, cast, make_campaign, submit

YEAR = local_today().year


@pytest.mark.parametrize("amount,words", [
    (0, "Không đồng"), (15, "Mười lăm đồng"), (21, "Hai mươi mốt đồng"), (105, "Một trăm linh năm đồng"),
    (1_500_000, "Một triệu năm trăm nghìn đồng"), (1_000_005, "Một triệu không trăm linh năm đồng"),
    (2_015_000, "Hai triệu không trăm mười lăm nghìn đồng"), (34_000, "Ba mươi tư nghìn đồng"),
    (1_250_000_000, "Một tỷ hai trăm năm mươi triệu đồng"),
])
def test_amounts_in_words(amount, words):
    assert vnd_in_words(amount) == words


def _campaign(c, title="Khen thưởng con đoàn viên dịp Trung thu 2026"):
    """Paid (Thanh, Tổ Khối 1), approved (Yến, Tổ Khối 1), approved (Phương, Tổ Khối 2), refused, waiting."""
    campaign = make_campaign(c.chair, title=title)
    paid = submit(c.member, "child_award", campaign=campaign)
    act(paid, "confirm", c.leader)
    act(paid, "approve", c.chair, amount="300.000")
    act(paid, "pay", c.accountant)
    yen = submit(c.neighbour, "child_award", campaign=campaign,
                 data={"child_name": "Trần Gia Huy", "class_name": "5A1", "achievement": "<Giải Nhất> & “bơi”"})
    act(yen, "confirm", c.leader)
    act(yen, "approve", c.chair, amount="200.000")
    phuong = submit(c.other_member, "child_award", campaign=campaign, data={"child_name": "Đặng Bảo Ngọc"})
    act(phuong, "confirm", c.other_leader)
    act(phuong, "approve", c.chair, amount="1.000.005")
    refused = submit(c.leader, "child_award", campaign=campaign, data={"child_name": "Vũ Minh Khang"})
    act(refused, "refuse", c.committee, note="Không đủ điều kiện")
    return campaign


def _docx(client, campaign) -> Document:
    response = client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.docx")
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "danh-sach-ky-nhan-" in response.headers["Content-Disposition"]
    return Document(io.BytesIO(response.data))


def _cells(row) -> list[str]:
    seen, out = set(), []
    for cell in row.cells:              # a merged cell is listed once per grid column
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell.text)
    return out


def test_the_word_signing_list(client, signed_in):
    c = cast()
    campaign = _campaign(c, title="Trung thu 2026 <cho các cháu> & gia đình")
    signed_in(c.accountant)
    doc = _docx(client, campaign)
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)  # A4
    assert section.page_width < section.page_height                                                      # portrait
    texts = [p.text for p in doc.paragraphs]
    assert "DANH SÁCH KÝ NHẬN" in texts and "Trung thu 2026 <cho các cháu> & gia đình" in texts
    assert "Bằng chữ: Một triệu năm trăm nghìn không trăm linh năm đồng." in texts
    assert any(t.endswith(f"năm {YEAR}") and "ngày" in t for t in texts)
    header, table, signs = doc.tables
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.rows[0].cells[1].text
    rows = [_cells(r) for r in table.rows]
    assert rows[0] == ["STT", "Họ và tên", "Tổ", "Nội dung", "Số tiền (đồng)", "Số phiếu chi", "Ký nhận"]
    # approved and paid only, by group then by given name (Thanh before Yến in Tổ Khối 1)
    assert [r[:3] for r in rows[1:-1]] == [["1", "Nguyễn Thị Thanh", "Tổ Khối 1"], ["2", "Trần Thị Yến", "Tổ Khối 1"],
                                          ["3", "Đặng Thị Phương", "Tổ Khối 2"]]
    assert [r[4:] for r in rows[1:-1]] == [["300.000", f"PC-001/{YEAR}", ""], ["200.000", "", ""],
                                          ["1.000.005", "", ""]]
    assert "<Giải Nhất> & “bơi”" in rows[2][3]                                 # escaped, not swallowed
    assert rows[-1][0] == "Tổng cộng: 3 người" and rows[-1][1] == "1.500.005"
    # the header row repeats on every page, no row splits across pages, the table fills the text width
    trs = table._tbl.findall(qn("w:tr"))
    assert trs[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for tr in trs[1:])
    width = int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))
    text_width = section.page_width - section.left_margin - section.right_margin
    assert abs(width * 635 - text_width) < Mm(1)                                 # twips -> EMU
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    sign_cells = [cell.text for cell in signs.rows[0].cells]
    assert "NGƯỜI LẬP" in sign_cells[0] and "Phạm Thị Lan" in sign_cells[0]
    assert "KẾ TOÁN" in sign_cells[1] and "CHỦ TỊCH" in sign_cells[2] and "Nguyễn Thị Hoa" in sign_cells[2]


def test_the_excel_signing_list(client, signed_in):
    c = cast()
    campaign = _campaign(c)
    signed_in(c.chair)
    response = client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    setup = sheet.page_setup
    assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4) and setup.orientation == "portrait"
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "7:7"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[3][0] == "DANH SÁCH KÝ NHẬN" and rows[4][0] == campaign.title
    assert rows[6] == ["STT", "Họ và tên", "Tổ", "Nội dung", "Số tiền (đồng)", "Số phiếu chi", "Ký nhận"]
    assert [r[1] for r in rows[7:10]] == ["Nguyễn Thị Thanh", "Trần Thị Yến", "Đặng Thị Phương"]
    assert [r[4] for r in rows[7:10]] == [300_000, 200_000, 1_000_005]
    assert rows[7][5] == f"PC-001/{YEAR}"
    assert rows[10][0] == "Tổng cộng: 3 người" and rows[10][4] == 1_500_005
    assert rows[11][0] == "Bằng chữ: Một triệu năm trăm nghìn không trăm linh năm đồng."
    for col in range(1, 8):                                    # every cell of the table is boxed
        for row in range(7, 11):
            border = sheet.cell(row=row, column=col).border
            assert border.left.style == border.right.style == border.top.style == border.bottom.style == "thin"
        assert sheet.cell(row=11, column=col).border.bottom.style == "thin"      # the total row (A-D merged)
    assert all(sheet.column_dimensions[letter].width >= 5 for letter in "ABCDEFG")
    assert sheet.row_dimensions[8].height >= 30                # room to sign
    assert any(v == "NGƯỜI LẬP" for row in rows for v in row) and any(v == "Nguyễn Thị Hoa" for row in rows for v in row)


def test_a_private_kind_shows_only_its_label(client, signed_in):
    c = cast()
    campaign = make_campaign(c.chair, kind="hardship", title="Hỗ trợ đoàn viên sau bão số 3")
    req = submit(c.member, "hardship", campaign=campaign, data={"reason": "Nhà bị tốc mái, con ốm nằm viện"})
    act(req, "approve", c.chair, amount="2.000.000")
    signed_in(c.accountant)
    doc = _docx(client, campaign)
    row = _cells(doc.tables[1].rows[1])
    assert row[1] == "Nguyễn Thị Thanh" and row[3] == KINDS["hardship"].label
    data = client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.xlsx").data
    everything = " ".join(str(v) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
                          for v in row if v is not None)
    assert "tốc mái" not in everything and KINDS["hardship"].label in everything
    assert not any("tốc mái" in p.text for p in doc.paragraphs)


def test_who_gets_the_signing_list(client, signed_in, as_):
    c = cast()
    campaign = _campaign(c)
    answer = make_campaign(c.chair, kind="suggestion", title="Góp ý kế hoạch năm học")
    signed_in(c.member)
    assert client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.docx").status_code == 403
    page = client.get(f"/dot-tiep-nhan/{campaign.id}").get_data(as_text=True)
    assert "danh-sach-ky-nhan" not in page
    as_(c.leader)
    assert client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.xlsx").status_code == 403
    as_(c.cashier)
    page = client.get(f"/dot-tiep-nhan/{campaign.id}").get_data(as_text=True)
    assert f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.docx" in page
    assert f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.xlsx" in page
    assert client.get(f"/dot-tiep-nhan/{campaign.id}/danh-sach-ky-nhan.pdf").status_code == 404
    # a campaign whose kind pays nothing has no signing list
    assert "danh-sach-ky-nhan" not in client.get(f"/dot-tiep-nhan/{answer.id}").get_data(as_text=True)
    assert client.get(f"/dot-tiep-nhan/{answer.id}/danh-sach-ky-nhan.docx").status_code == 404


# --- the payment record in the lists and exports --------------------------------------------------

def test_lists_carry_the_payment_record(client, signed_in):
    c = cast()
    campaign = _campaign(c)
    signed_in(c.accountant)
    voucher = f"PC-001/{YEAR}"
    today = fmt_date(local_today())
    for url in ("/de-xuat/tat-ca", f"/dot-tiep-nhan/{campaign.id}", "/de-xuat/cho-chi"):
        page = text_of(client.get(url))
        assert voucher in page and today in page, url
        assert "Phiếu chi" in page
    inbox = text_of(client.get("/de-xuat/cho-chi"))
    assert "Phiếu chi gần đây" in inbox and "Nguyễn Thị Thanh" in inbox


def test_the_full_export_carries_the_payment_record(client, signed_in):
    c = cast()
    _campaign(c)
    signed_in(c.accountant)
    with client.get("/de-xuat/tat-ca.xlsx?trang_thai=done") as response:     # a file sent from disk: closed
        sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    names = rows[header]
    paid = rows[header + 1]
    assert paid[names.index("Số phiếu chi")] == f"PC-001/{YEAR}"
    assert paid[names.index("Người nhận")] == "Nguyễn Thị Thanh"
    assert paid[names.index("Ngày chi")].date() == local_today()
