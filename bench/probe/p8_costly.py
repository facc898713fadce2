"""Point 8: costly inputs. A Word template whose Jinja multiplies the subject or loops a hundred
million times is refused at upload or stopped quickly at render (> 5 s is a finding); a member
import .xlsx of ~300 KB holding one 300 MB shared string is refused quickly in Vietnamese (> 3 s);
a .docx plan import of ~200 KB holding ~68 MB of text is refused or imported in a few seconds
(> 10 s)."""
from __future__ import annotations

import io
import re
import time
import zipfile

from . import flows
from .client import form_with
from .context import ADMIN, CHAIR, Probe, is_vietnamese, short

POINT = "8"
RENDER_LIMIT, XLSX_LIMIT, DOCX_LIMIT = 5.0, 3.0, 10.0
TIMEOUT = 15.0          # well past every limit: a worker still busy after it is a finding anyway


def _rezip(source: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item.filename)))
    return out.getvalue()


def hostile_templates(default: bytes) -> dict[str, bytes]:
    xml = zipfile.ZipFile(io.BytesIO(default)).read("word/document.xml").decode("utf-8")
    out = {}
    for label, extra in (("{{ subject * 200 }}", "{{ subject * 200 }}"),
                         ("{{ subject * 1500 }}", "{{ subject * 1500 }}"),
                         ("a loop of range(10**8)", "{% for i in range(100000000) %}{% endfor %}"),
                         # the same cost with only the plan's own names (range may be unknown to the app)
                         ("nested loops over the subject (~60 million turns)",
                          "{% for a in subject * 1000 %}{% for b in subject %}{% endfor %}{% endfor %}")):
        changed = xml.replace("{{ subject }}", "{{ subject }}" + extra, 1)
        out[label] = _rezip(default, {"word/document.xml": changed.encode("utf-8")})
    return out


def _timed(c, method, path, **kw):
    started = time.perf_counter()
    try:
        resp = c.request(method, path, timeout=TIMEOUT, **kw)
    except (TimeoutError, OSError) as exc:
        return None, time.perf_counter() - started, f"no answer in {TIMEOUT:.0f} s ({type(exc).__name__})"
    return resp, time.perf_counter() - started, ""


def templates(probe: Probe) -> None:
    report = probe.report
    chair = probe.session(CHAIR)
    default = chair.get("/cai-dat/mau-van-ban/mac-dinh/tai-ve")
    if default.status != 200:
        report.finding(POINT, "the default template downloads", f"HTTP {default.status}")
        return
    # A subject under 250 characters: the template's own cost is measured, not point 5's long subjects.
    subject = ("Kế hoạch tổ chức hoạt động kỷ niệm ngày thành lập Công đoàn Việt Nam " * 4)[:240].strip()
    for label, data in hostile_templates(default.body).items():
        page = chair.get("/cai-dat/")
        form = form_with(page.text, field="template")
        resp, took, err = _timed(chair, "POST", "/cai-dat/mau-van-ban", data=form.values() if form else [],
                                 files={"template": ("mau-doc-hai.docx", data,
                                                     "application/vnd.openxmlformats-officedocument."
                                                     "wordprocessingml.document")})
        if resp is None or resp.status >= 500 or took > RENDER_LIMIT:
            report.finding(POINT, f"template with {label}: upload answers quickly",
                           err or f"HTTP {resp.status} after {took:.1f} s")
            _restore_template(probe)
            continue
        if resp.status not in (302, 303, 204):
            report.check(POINT, f"template with {label}: refused at upload in Vietnamese ({took:.1f} s)",
                         is_vietnamese(resp.text), f"HTTP {resp.status}: {short(resp.text)}")
            continue
        _, plan_id = flows.create_plan(chair, subject)
        r, took, err = _timed(chair, "GET", f"/ke-hoach/{plan_id}/tai-ve.docx")
        ok = r is not None and took <= RENDER_LIMIT and r.status < 500 and \
            (r.status == 200 or is_vietnamese(r.text))
        report.check(POINT, f"template with {label}: accepted, render stopped quickly ({took:.1f} s)", ok,
                     err or f"HTTP {r.status} after {took:.1f} s, {len(r.body):,} bytes")
        _restore_template(probe)


def _restore_template(probe: Probe) -> None:
    chair = probe.session(CHAIR)
    page = chair.get("/cai-dat/")
    chair.post("/cai-dat/mau-van-ban/dung", {"template_id": ""})
    for tid in set(re.findall(r"/cai-dat/mau-van-ban/(\d+)/xoa", page.text)):
        chair.post(f"/cai-dat/mau-van-ban/{tid}/xoa", {})


def bomb_xlsx(size: int = 300 * 1024 * 1024) -> bytes:
    """A valid workbook whose one shared string is `size` characters long (deflate: ~300 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                   '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
                   '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
                   'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                   'org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
                   'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                   'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" '
                   't="inlineStr"><is><t>Email</t></is></c></row></sheetData></worksheet>')
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                f.write(chunk)
            f.write(b"</t></si></sst>")
    return out.getvalue()


def bomb_docx(source: bytes, size: int = 68 * 1024 * 1024) -> bytes:
    """The example plan with one paragraph of `size` characters added to its body."""
    xml = zipfile.ZipFile(io.BytesIO(source)).read("word/document.xml")
    head, tail = xml.rsplit(b"<w:sectPr", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "word/document.xml":
                zout.writestr(item.filename, zin.read(item.filename))
                continue
            with zout.open("word/document.xml", "w", force_zip64=True) as f:
                f.write(head + b"<w:p><w:r><w:t>")
                chunk = "Nội dung lặp lại rất dài. ".encode() * 40000
                written = 0
                while written < size:
                    f.write(chunk)
                    written += len(chunk)
                f.write(b"</w:t></w:r></w:p><w:sectPr" + tail)
    return out.getvalue()


def member_import(probe: Probe) -> None:
    report = probe.report
    admin = probe.session(ADMIN)
    data = _built(probe, "xlsx")
    page = admin.get("/quan-tri/nguoi-dung/nhap")
    form = form_with(page.text, field="file")
    resp, took, err = _timed(admin, "POST", "/quan-tri/nguoi-dung/nhap", data=form.values() if form else [],
                             files={"file": ("danh-sach.xlsx", data, "application/vnd.openxmlformats-"
                                             "officedocument.spreadsheetml.sheet")})
    ok = resp is not None and took <= XLSX_LIMIT and resp.status < 500 and is_vietnamese(resp.text)
    report.check(POINT, f"member import .xlsx of {len(data) // 1024} KB holding a 300 MB string: refused "
                        f"quickly in Vietnamese ({took:.1f} s)", ok,
                 err or f"HTTP {resp.status} after {took:.1f} s: {short(resp.text, 100)}")


def plan_import(probe: Probe) -> None:
    report = probe.report
    chair = probe.session(CHAIR)
    data = _built(probe, "docx")
    page = chair.get("/ke-hoach/nhap-word")
    form = form_with(page.text, field="file")
    resp, took, err = _timed(chair, "POST", "/ke-hoach/nhap-word", data=form.values() if form else [],
                             files={"file": ("ke-hoach-lon.docx", data, "application/vnd.openxmlformats-"
                                             "officedocument.wordprocessingml.document")})
    ok = resp is not None and took <= DOCX_LIMIT and resp.status < 500 and \
        (resp.status in (302, 303) or is_vietnamese(resp.text))
    report.check(POINT, f"plan import .docx of {len(data) // 1024} KB holding ~68 MB of text: refused or "
                        f"imported in a few seconds ({took:.1f} s)", ok,
                 err or f"HTTP {resp.status} after {took:.1f} s: {short(resp.text, 100)}")


def start_building(probe: Probe) -> None:
    """The two bombs take ~20 s of deflate: built in the background while the other points run
    (zlib lets go of the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    from congdoan.demo import EXAMPLE_DOCX
    if "bombs" in probe.state:
        return
    with open(EXAMPLE_DOCX, "rb") as handle:
        example = handle.read()
    pool = ThreadPoolExecutor(2)
    probe.state["bombs"] = {"xlsx": pool.submit(bomb_xlsx), "docx": pool.submit(bomb_docx, example)}
    pool.shutdown(wait=False)


def _built(probe: Probe, kind: str) -> bytes:
    start_building(probe)
    return probe.state["bombs"][kind].result()


def run(probe: Probe) -> None:
    templates(probe)
    member_import(probe)
    plan_import(probe)
