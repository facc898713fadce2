"""Time and peak memory of the input ceilings (issue 15 point 8; docs/input-ceilings.md).

    python -m bench.ceilings [WORD]     (only the cases whose label contains WORD)

Each case runs in a fresh Python process reading a file built beforehand, so the peak resident
memory (getrusage ru_maxrss) is that of the read alone (the CPU time includes LibreOffice's for a
.doc; its memory is its own process's); the table shows the process's peak before
the read (Python + the libraries), the peak after it, their difference (tracemalloc is left off: it
slows allocation-heavy reads several times over), the wall time and the CPU time (user + system: on a busy machine the wall time
mostly measures the other processes). Cases: the largest accepted .xlsx (50,000 members; and text close to
the total ceiling), the largest accepted .docx plan (read alone, and imported as the web request does:
stored and previewed), the refused bombs, a .doc converted by LibreOffice, and hostile templates.
Figures are measured here, never asserted in the tests.
"""
from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
WORDS = ("công đoàn kế hoạch tổ chức thực hiện đoàn viên năm học tháng hội nghị ban chấp hành phong "
         "trào thi đua chăm lo đời sống người lao động quyền lợi nghĩa vụ Nguyễn Trần Lê Phạm Thị Văn "
         "Hoa Minh Lan Hà Mai Hương Hùng Ngọc Tuấn Thanh").split()


# ------------------------------------------------------------------------------------- files

def xlsx_members(rows: int) -> bytes:
    from openpyxl import Workbook
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Họ và tên", "Email", "Điện thoại", "Tổ", "Vai trò"])
    draw = random.Random(8)
    for i in range(rows):
        name = " ".join(draw.choices(WORDS[-14:], k=3))
        sheet.append([name, f"dv{i}@congty.demo", f"09{i:08d}", f"Tổ sản xuất {i % 60}",
                      draw.choice(["", "", "Tổ trưởng", "Ủy viên BCH"])])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_text(rows: int, chars: int) -> bytes:
    """Members whose name cell is long: about rows × chars characters of varied text."""
    from openpyxl import Workbook
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Họ và tên", "Email"])
    draw = random.Random(9)
    for i in range(rows):
        sheet.append([" ".join(draw.choices(WORDS, k=chars // 5))[:chars], f"dv{i}@congty.demo"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _replace(source: bytes, name: str, write) -> bytes:
    original = zipfile.ZipFile(io.BytesIO(source))
    assert name in original.namelist(), name
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in original.namelist():
            if member == name:
                with target.open(member, "w", force_zip64=True) as handle:
                    write(handle)
            else:
                target.writestr(member, original.read(member))
    return out.getvalue()


def xlsx_bomb(megabytes: int) -> bytes:
    """A workbook as Excel writes it (text in a shared-strings part declared in the manifest)
    whose first shared string is `megabytes` MB long."""
    from openpyxl import Workbook
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sst_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    workbook = Workbook()
    workbook.active.append(["x"])
    saved_bytes = io.BytesIO()
    workbook.save(saved_bytes)
    saved = zipfile.ZipFile(saved_bytes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in saved.namelist():
            content = saved.read(name)
            if name == "[Content_Types].xml":
                content = content.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                          f'ContentType="{sst_type}"/></Types>'.encode())
            elif name == "xl/worksheets/sheet1.xml":
                start, end = content.index(b"<sheetData>"), content.index(b"</sheetData>")
                content = (content[:start] + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
                           b'<c r="B1" t="s"><v>1</v></c></row>' + content[end:])
            target.writestr(name, content)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
            handle.write(f'<?xml version="1.0"?><sst {ns}><si><t>'.encode())
            for _ in range(megabytes):
                handle.write(b"x" * (1024 * 1024))
            handle.write(b"</t></si><si><t>Email</t></si></sst>")
    return out.getvalue()


def docx_plan(paragraphs: int, chars: int, *, varied: bool = True) -> bytes:
    from congdoan.demo import EXAMPLE_DOCX

    def write(handle) -> None:
        handle.write(f'<?xml version="1.0"?><w:document {W}><w:body>'.encode())
        for line in ("CÔNG ĐOÀN CƠ SỞ", "KẾ HOẠCH", "Hoạt động công đoàn năm 2026", "I. MỤC ĐÍCH"):
            handle.write(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>".encode())
        draw = random.Random(15)
        same = ("Nội dung kế hoạch " * (chars // 18 + 1))[:chars]
        for i in range(paragraphs):
            text = " ".join(draw.choices(WORDS, k=chars // 5))[:chars] if varied else same
            handle.write(f"<w:p><w:r><w:t>- {text}</w:t></w:r></w:p>".encode())
        handle.write(b"</w:body></w:document>")
    return _replace(EXAMPLE_DOCX.read_bytes(), "word/document.xml", write)


def template_with(text: str) -> bytes:
    from docx import Document

    from congdoan.documents.render import DEFAULT_TEMPLATE
    document = Document(str(DEFAULT_TEMPLATE))
    anchor = [p for p in document.paragraphs if "{{ type_name }}" in p.text][0]
    anchor.insert_paragraph_before(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -------------------------------------------------------------------------------------- cases

def run_case(kind: str, path: str) -> dict:
    """In the child process: read the file the way the application does, measure."""
    import resource
    import time

    data = Path(path).read_bytes()
    if kind == "xlsx":
        from congdoan.people.member_import import ImportFileError as Refused
        from congdoan.people.member_import import read_rows

        def work():
            return f"{len(read_rows('ds.xlsx', data))} dòng"
    elif kind == "docx":
        from congdoan.documents.word_import import ImportFailed as Refused
        from congdoan.documents.word_import import import_plan_docx

        def work():
            doc = import_plan_docx(data).document
            return f"{sum(len(s['lines']) for s in doc['sections'])} dòng nội dung"
    elif kind in ("plan", "doc"):
        # the whole import as the web request does it (issue 17 point 4): a .doc converted by
        # LibreOffice, the stored plan on a fresh SQLite database, its preview's HTML
        app, Refused, work = _app_import(data, "ke-hoach.doc" if kind == "doc" else "ke-hoach.docx")
    else:
        from congdoan.documents.render import TemplateError as Refused
        from congdoan.documents.render import check_template

        def work():
            return f"thiếu {check_template(data)}"
    import openpyxl  # noqa: F401  (libraries loaded before the baseline)
    import lxml.etree  # noqa: F401
    usage = resource.getrusage(resource.RUSAGE_SELF)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)     # LibreOffice converting a .doc
    kids_cpu = kids.ru_utime + kids.ru_stime
    start = time.perf_counter()
    try:
        outcome = "nhận: " + work()
    except Refused as exc:
        outcome = "từ chối: " + str(exc)
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    after, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += kids.ru_utime + kids.ru_stime - kids_cpu
    return {"seconds": elapsed, "cpu": cpu, "rss_before_mb": before / 1024, "rss_after_mb": after / 1024, "outcome": outcome}


def _app_import(data: bytes, name: str):
    import os
    folder = tempfile.mkdtemp(prefix="bench-import-")
    from congdoan import create_app
    from congdoan.config import TestConfig
    from congdoan.errors import ValidationFailed
    from congdoan.extensions import db
    app = create_app(TestConfig, instance_path=folder,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.path.join(folder, 'b.sqlite')}")
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()

    def work():
        from congdoan.documents.word_import import import_plan
        from congdoan.organisation.models import Organisation
        from congdoan.people.models import User
        from congdoan.plans.document import document_of
        from congdoan.plans.preview import document_html
        with app.test_request_context():
            user = User(email="b@b.demo", phone="", password_hash="x")
            user.set_name("Người Soạn")
            user.set_roles(["committee"])
            db.session.add(user)
            db.session.flush()
            plan, _ = import_plan(data, name, actor=user)
            db.session.commit()
            html = document_html(plan, document_of(plan), Organisation.get())
            size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
                       if f.startswith("b.sqlite"))
            return (f"{sum(len(s.lines) for s in plan.sections)} dòng, CSDL {size / 1e6:.1f} MB, "
                    f"HTML xem trước {len(html) / 1e6:.1f} MB")
    return app, ValidationFailed, work


CASES = [
    ("xlsx: 50,000 members (largest row count accepted)", "xlsx", lambda: xlsx_members(50_000)),
    ("xlsx: 10,500 rows × 900-char cells (~9.5 M chars, near the text ceiling)", "xlsx",
     lambda: xlsx_text(10_500, 900)),
    ("xlsx bomb: one 300 MB cell", "xlsx", lambda: xlsx_bomb(300)),
    ("docx: 2,480 paragraphs × 200 chars (~498,000 chars, the largest accepted)", "docx",
     lambda: docx_plan(2_480, 199)),
    ("docx bomb: 68 MB of text in 5,000 paragraphs", "docx", lambda: docx_plan(5_000, 13_600, varied=False)),
    ("docx: 500 paragraphs × 1,100 chars (550,000 chars, refused by the text ceiling)", "docx",
     lambda: docx_plan(500, 1_100)),
    ("plan: the largest accepted .docx imported, stored and previewed", "plan", lambda: docx_plan(2_480, 199)),
    ("plan: the 68 MB-text bomb through the whole import", "plan",
     lambda: docx_plan(5_000, 13_600, varied=False)),
    ("plan: the example saved as .doc (LibreOffice conversion)", "doc",
     lambda: (ROOT / "tests/fixtures/legacy/ke-hoach-2023-2024.doc").read_bytes()),
    ("template: {{ subject * 1500 }}", "template", lambda: template_with("{{ subject * 1500 }}")),
    ("template: two nested loops of 10,000", "template", lambda: template_with(
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}")),
    ("template: the built-in one (accepted)", "template",
     lambda: __import__("congdoan.documents.render", fromlist=["x"]).DEFAULT_TEMPLATE.read_bytes()),
]


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2], sys.argv[3])))
        return
    only = sys.argv[1] if len(sys.argv) == 2 else ""   # python -m bench.ceilings bomb
    print(f"{'case':<78} {'file':>9} {'wall':>8} {'CPU':>7} {'RSS before':>11} {'RSS peak':>9} {'+RSS':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for label, kind, build in CASES:
            if only not in label:
                continue
            path = Path(folder) / "input"
            data = build()
            path.write_bytes(data)
            child = subprocess.run([sys.executable, "-m", "bench.ceilings", "--case", kind, str(path)],
                                   cwd=ROOT, capture_output=True, text=True, check=True)
            r = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"{label:<78} {len(data) / 1024:>7.0f}KB {r['seconds']:>7.2f}s {r['cpu']:>6.2f}s "
                  f"{r['rss_before_mb']:>9.0f}MB {r['rss_after_mb']:>7.0f}MB "
                  f"{r['rss_after_mb'] - r['rss_before_mb']:>5.0f}MB")
            print(f"    -> {r['outcome'][:150]}")


if __name__ == "__main__":
    main()
