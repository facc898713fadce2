"""Issue 17 point 3: Word 97-2003 (.doc) plans are converted by LibreOffice and imported as usual.

The fixtures in tests/fixtures/legacy/ were made by LibreOffice from the example plan
(congdoan/demo/ke-hoach-cong-doan-nam-hoc-2023-2024.docx, with an empty paragraph between its two
adjacent tables and after the last one, as Word always writes them):
`soffice --headless --convert-to doc` and `--convert-to rtf`. They need LibreOffice, which CI
installs (.ci/run) as it does for the PDF tests.
"""
from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from congdoan.documents import pdf
from congdoan.documents.word_import import legacy as legacy_doc
from congdoan.documents import word_import as S
from congdoan.errors import ValidationFailed
from congdoan.extensions import db
from congdoan.plans.models import Plan, PlanStatus

from .conftest import make_user, text_of
from .doc_factories import example_docx

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
DOC = FIXTURES / "ke-hoach-2023-2024.doc"
RTF = FIXTURES / "ke-hoach-2023-2024.rtf"


def upload(client, data: bytes, name: str, mode: str = "draft"):
    file = FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(), "mode": mode, "file": file})
    return client.post("/ke-hoach/nhap-word", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def plan_count() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar()


def test_the_fixtures_are_what_they_claim_by_their_bytes():
    assert DOC.read_bytes().startswith(legacy_doc.OLE_MAGIC)
    assert legacy_doc.kind_of(DOC.read_bytes()) == "doc"
    assert legacy_doc.kind_of(RTF.read_bytes()) == "rtf"
    assert legacy_doc.kind_of(example_docx().read_bytes()) is None


def test_a_doc_plan_is_converted_and_imported_whole(client, signed_in):
    assert pdf.soffice_path(), "LibreOffice is needed for this test (apt-get install libreoffice-writer-nogui)"
    signed_in(make_user(roles=["committee"]))
    started = time.monotonic()
    response = upload(client, DOC.read_bytes(), "ke-hoach-cu.doc")
    elapsed = time.monotonic() - started
    assert response.status_code == 303, text_of(response)
    plan = db.session.execute(sa.select(Plan)).scalar_one()
    # the same plan as the .docx it was saved from
    assert plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024"
    assert (plan.upper_union, plan.union_name, plan.place) == \
        ("LĐLĐ QUẬN HẢI AN", "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ", "Thành Tô")
    assert len(plan.bases) == 6 and len(plan.sections) == 4 and len(plan.rows) == 11
    assert plan.rows[0].period == "8/2023" and plan.recipient_lines == ["Như trên;", "Lưu: VT."]
    assert plan.state == PlanStatus.DRAFT and plan.number is None
    report = text_of(client.get(response.headers["Location"]))
    assert "ke-hoach-cu.doc" in report and "đã được chuyển sang .docx" in report
    assert elapsed < 30


def test_an_rtf_plan_goes_the_same_way():
    actor = make_user(roles=["committee"])
    plan, _ = S.import_plan(RTF.read_bytes(), "ke-hoach.doc", actor=actor)
    assert plan.subject == "Hoạt động Công đoàn năm học 2023 - 2024" and len(plan.rows) == 11


def test_a_docx_renamed_doc_is_read_directly_without_libreoffice(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("LibreOffice must not run for a .docx")
    monkeypatch.setattr(pdf, "convert", never)
    plan, _ = S.import_plan(example_docx().read_bytes(), "ke-hoach.doc", actor=make_user(roles=["committee"]))
    assert len(plan.rows) == 11


def test_without_libreoffice_the_form_says_so_and_nothing_is_written(client, signed_in, monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    signed_in(make_user(roles=["committee"]))
    page = text_of(client.get("/ke-hoach/nhap-word"))
    assert "chưa cài LibreOffice nên chưa đọc được tệp .doc" in page
    response = upload(client, DOC.read_bytes(), "ke-hoach.doc")
    assert response.status_code == 422
    assert ("Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc; hãy lưu tệp thành .docx trong Word "
            "rồi tải lên lại") in text_of(response)
    assert plan_count() == 0


def test_a_corrupt_doc_is_refused_in_vietnamese_and_nothing_is_written(client, signed_in):
    signed_in(make_user(roles=["committee"]))
    whole = DOC.read_bytes()
    # cut short: the OLE2 directory (at the end) is gone
    response = upload(client, whole[:20_000], "hong.doc")
    assert response.status_code == 422 and "tệp bị hỏng hoặc không phải văn bản Word" in text_of(response)
    # the directory names a Word stream but the sectors hold noise: LibreOffice reads nothing of a plan
    noisy = whole[:512] + bytes((i * 7919) % 251 for i in range(len(whole) - 4096)) + whole[-3584:]
    response = upload(client, noisy, "hong.doc")
    assert response.status_code == 422
    assert "Tệp .doc" in text_of(response) and "hỏng" in text_of(response)
    assert plan_count() == 0


def test_other_old_office_files_are_named(client, signed_in):
    signed_in(make_user(roles=["committee"]))
    xls = legacy_doc.OLE_MAGIC + b"\x00" * 600 + "Workbook".encode("utf-16-le") + b"\x00" * 600
    response = upload(client, xls, "ke-hoach.doc")
    assert response.status_code == 422 and "Đây là tệp Excel 97-2003" in text_of(response)
    assert plan_count() == 0


@pytest.fixture
def slow_soffice(tmp_path, monkeypatch):
    """A stand-in soffice that never finishes: it records its pid and sleeps."""
    pid_file = tmp_path / "pid"
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("CONGDOAN_SOFFICE", str(script))
    return pid_file


def test_a_conversion_that_takes_too_long_is_stopped(slow_soffice, monkeypatch):
    monkeypatch.setattr(legacy_doc, "CONVERT_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as refused:
        S.import_plan(DOC.read_bytes(), "cham.doc", actor=make_user(roles=["committee"]))
    assert time.monotonic() - started < 10
    assert "mất quá 1 giây nên đã dừng" in refused.value.message
    pid = int(slow_soffice.read_text())
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):    # the whole process group was ended
        os.kill(pid, 0)
    assert plan_count() == 0


def test_the_import_profile_runs_no_macro_and_fetches_no_linked_content(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_doc.tempfile, "gettempdir", lambda: str(tmp_path))
    settings = legacy_doc.profile_dir() / "user" / "registrymodifications.xcu"
    text = settings.read_text(encoding="utf-8")
    for setting in ('"MacroSecurityLevel" oor:op="fuse"><value>3<',
                    '"DisableMacrosExecution" oor:op="fuse"><value>true<',
                    '"BlockUntrustedRefererLinks" oor:op="fuse"><value>true<'):
        assert setting in text
    settings.write_text("<oor:items/>", encoding="utf-8")     # LibreOffice lost them: written again
    assert "BlockUntrustedRefererLinks" in (legacy_doc.profile_dir() / "user" / "registrymodifications.xcu").read_text()


# --- content a file only links to ------------------------------------------------------------------
#
# lien-ket-ngoai.rtf (written by hand, as bytes: `python -m tests.test_import_legacy_doc rtf DIR`) is a
# short plan with a web link, two pictures named by INCLUDEPICTURE fields (one on a web server, one a
# file:/// path on this server) and an INCLUDETEXT field naming a file of this server.
# lien-ket-ngoai.doc is a plan with a web link and two linked pictures (the same two addresses),
# written as .docx (`python -m tests.test_import_legacy_doc docx DIR`, python-docx with r:link
# pictures) and saved by LibreOffice (`soffice --headless --convert-to doc`, with nothing at those
# addresses, so that nothing was stored in it): LibreOffice drops an RTF's INCLUDEPICTURE whose
# target is missing, so the .doc could not be made from the .rtf. Before this test, the server was
# asked for the .doc's picture, and the .rtf's file:/// picture was copied into the converted file.

LINKS_PORT = 47811                       # the address written into both fixtures
LINKED_DIR = Path("/tmp/congdoan-lien-ket")
SECRET_TEXT = "BÍ MẬT 4711 của máy chủ"


def _linked_plan_rtf() -> bytes:
    def esc(text: str) -> str:
        return "".join("\\" + ch if ch in "\\{}" else ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in text)

    def para(text: str = "", *, bold=False, centre=False, raw: str = "") -> str:
        return ("\\pard\\plain" + ("\\qc" if centre else "\\qj") + "\\f0\\fs26" + ("\\b " if bold else " ")
                + esc(text) + raw + "\\par\n")

    def field(instruction: str, result: str = "") -> str:
        return "{\\field{\\*\\fldinst {" + instruction + "}}{\\fldrslt {" + esc(result) + "}}}"

    web = f"http://127.0.0.1:{LINKS_PORT}"
    body = [para("CÔNG ĐOÀN GIÁO DỤC HUYỆN AN LÃO", centre=True),
            para("CĐCS TRƯỜNG TIỂU HỌC AN THẮNG", bold=True, centre=True),
            para("Số: 03/KH-CĐ", centre=True), para("An Thắng, ngày 05 tháng 9 năm 2024", centre=True),
            para("KẾ HOẠCH", bold=True, centre=True), para("Tổ chức Tết Trung thu năm 2024", bold=True, centre=True),
            para("I. MỤC ĐÍCH", bold=True),
            para("- Tạo niềm vui cho các cháu; xem ",
                 raw=field(f'HYPERLINK "{web}/trang-lien-ket"', "hướng dẫn") + "."),
            para(centre=True, raw=field(f'INCLUDEPICTURE "{web}/anh-lien-ket.png" \\\\d')),
            para(centre=True, raw=field(f'INCLUDEPICTURE "{(LINKED_DIR / "anh.png").as_uri()}" \\\\d')),
            para(raw=field(f'INCLUDETEXT "{LINKED_DIR / "bi-mat.txt"}"')),
            para("II. NỘI DUNG", bold=True), para("- Rước đèn, phá cỗ cho con đoàn viên."),
            para("Nơi nhận:", bold=True), para("- Lưu: VT."),
            para("TM. BAN CHẤP HÀNH", bold=True, centre=True), para("CHỦ TỊCH", bold=True, centre=True),
            para("Nguyễn Văn An", bold=True, centre=True)]
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman\\fcharset0 Times New Roman;}}\n"
            "\\paperw11906\\paperh16838\\margl1701\\margr1134\\margt1134\\margb1134\n"
            + "".join(body) + "}\n").encode("ascii")


def _linked_plan_docx() -> bytes:
    """The same plan as .docx, its pictures linked (a:blip r:link to an external target)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    from .plan_corpus import MOTTO1, MOTTO2, SIGN, Writer

    w = Writer()
    w.header_table(["CÔNG ĐOÀN GIÁO DỤC HUYỆN AN LÃO", "**CĐCS TRƯỜNG TIỂU HỌC AN THẮNG**", "Số: 03/KH-CĐ"],
                   [f"**{MOTTO1}**", f"**{MOTTO2}**", "*An Thắng, ngày 05 tháng 9 năm 2024*"])
    w.title("KẾ HOẠCH", ["Tổ chức Tết Trung thu năm 2024"])
    w.section("I.", "MỤC ĐÍCH")
    w.line("-", "Tạo niềm vui cho các cháu.")
    for target in (f"http://127.0.0.1:{LINKS_PORT}/anh-lien-ket.png", (LINKED_DIR / "anh.png").as_uri()):
        paragraph = w.document.add_paragraph()
        paragraph.add_run().add_picture(io.BytesIO(_png()))
        blip = paragraph._p.xpath(".//a:blip")[0]
        del blip.attrib[qn("r:embed")]
        blip.set(qn("r:link"), w.document.part.relate_to(target, RT.IMAGE, is_external=True))
    w.section("II.", "NỘI DUNG")
    w.line("-", "Rước đèn, phá cỗ cho con đoàn viên.")
    w.footer(["Lưu: VT."], (*SIGN, "Nguyễn Văn An"))
    return w.built().data


def _png() -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def linked_targets(tmp_path, monkeypatch):
    """What the fixtures link to, present: a web server at their address that records each request,
    and the files of this server they name. The import profile is a new one (as on a new server)."""
    import http.server
    import shutil
    import threading

    monkeypatch.setattr(legacy_doc.tempfile, "gettempdir", lambda: str(tmp_path))
    asked: list[str] = []
    picture = _png()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):   # noqa: N802 (the name http.server calls)
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(picture)))
            self.end_headers()
            self.wfile.write(picture)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", LINKS_PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    LINKED_DIR.mkdir(exist_ok=True)
    (LINKED_DIR / "anh.png").write_bytes(picture)
    (LINKED_DIR / "bi-mat.txt").write_text(SECRET_TEXT, encoding="utf-8")
    try:
        yield asked, picture
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(LINKED_DIR, ignore_errors=True)


def test_the_link_fixtures_are_what_they_claim():
    rtf = (FIXTURES / "lien-ket-ngoai.rtf").read_bytes()
    assert rtf == _linked_plan_rtf() and legacy_doc.kind_of(rtf) == "rtf"
    doc = (FIXTURES / "lien-ket-ngoai.doc").read_bytes()
    assert legacy_doc.kind_of(doc) == "doc" and b"IDAT" not in doc        # no picture stored in it
    for address in (f"http://127.0.0.1:{LINKS_PORT}/anh-lien-ket.png", (LINKED_DIR / "anh.png").as_uri()):
        assert address.encode("utf-16-le") in doc


@pytest.mark.parametrize("name", ["lien-ket-ngoai.doc", "lien-ket-ngoai.rtf"])
def test_content_a_file_links_to_is_not_fetched(linked_targets, name):
    assert pdf.soffice_path(), "LibreOffice is needed for this test (apt-get install libreoffice-writer-nogui)"
    asked, picture = linked_targets
    data = (FIXTURES / name).read_bytes()
    converted = legacy_doc.to_docx(data)
    assert asked == []                                    # the web server was never asked
    with zipfile.ZipFile(io.BytesIO(converted)) as package:
        stored = b"".join(package.read(member) for member in package.namelist())
        text = package.read("word/document.xml").decode("utf-8")
    assert picture not in stored                          # nor the file of this server copied in
    assert SECRET_TEXT not in text and "4711" not in text
    plan, _ = S.import_plan(data, name, actor=make_user(roles=["committee"]))
    assert plan.subject == "Tổ chức Tết Trung thu năm 2024"
    assert [line.text for line in plan.sections[1].lines] == ["Rước đèn, phá cỗ cho con đoàn viên."]
    assert asked == []


def test_rtf_fields_lose_their_instructions_and_keep_their_results():
    rtf = (rb'{\rtf1 a {\field{\*\fldinst {INCLUDEPICTURE "file:///etc/x" \\d}}{\fldrslt {R}}} b '
           rb'{\field{\*\fldinst HYPERLINK "h\}" {\bin3 }{}}}{\fldrslt L}} c}')
    assert legacy_doc.inert_rtf(rtf) == \
        rb'{\rtf1 a {\field{\*\fldinst }{\fldrslt {R}}} b {\field{\*\fldinst }{\fldrslt L}} c}'
    assert legacy_doc.inert_rtf(rb"{\rtf1 \fldinst INCLUDETEXT") == rb"{\rtf1 \fldinst "
    assert legacy_doc.inert_rtf(rb"{\rtf1 plain}") == rb"{\rtf1 plain}"


if __name__ == "__main__":      # python -m tests.test_import_legacy_doc rtf|docx DIR
    import sys
    out = Path(sys.argv[2])
    if sys.argv[1] == "rtf":
        (out / "lien-ket-ngoai.rtf").write_bytes(_linked_plan_rtf())
    else:
        (out / "lien-ket-ngoai.docx").write_bytes(_linked_plan_docx())
