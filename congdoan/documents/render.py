"""Where the Word file is made: render_plan assembles a document's .docx with docxtpl from its template and
the context of context.py; check_template tries a union's replacement template; docx_text reads a .docx back.

Pure Python, no Flask: the web views, the tests and scripts call the same functions. The template only
places ready-made values (context.py): templates/docx/ke-hoach.docx for a plan, built by
scripts/build_plan_template.py; bao-cao.docx for a report, scripts/build_report_template.py;
docs/document-kinds.md. A union's uploaded template replaces the plan's only: every other kind is
always rendered with its built-in template.

Rendering always runs with autoescape and StrictUndefined: user text with "<" or "&" cannot swallow
the document, and a template asking for a name the context lacks fails loudly instead of printing
nothing.
"""
from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from pathlib import Path

import jinja2
from docx import Document
from docxtpl import DocxTemplate

from congdoan import caching
from congdoan.documents import ceilings
from congdoan.documents.context import CONTEXT_NAMES, REQUIRED_PLACEHOLDERS, build_context
from congdoan.documents.sandbox import LimitedSandbox, TemplateLimit, render_budget
from congdoan.plans.kinds import KINDS, PLAN, DocumentKind, kind_of
from congdoan.text import fit

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "docx"
DEFAULT_TEMPLATE = TEMPLATES_DIR / PLAN.template
CORE_PROPERTY_MAX = 255       # characters in each of Word's core properties (title, subject, author...)


class TemplateError(Exception):
    """A Word template that cannot be used; the message is Vietnamese and meant for the user."""


# ------------------------------------------------------------------------------------- rendering

class _CachingEnvironment(LimitedSandbox):
    """autoescape + StrictUndefined, sandboxed, keeping compiled templates (congdoan.caching).

    Sandboxed because a union may upload its own Word template: its tags must not reach Python
    internals ("{{ ''.__class__.__mro__ }}" and the like), nor make a render costly (the ceilings of
    congdoan.documents.sandbox: string multiplication, huge ranges, endless loops, recursion).

    docxtpl compiles the whole document XML with from_string on every render; the XML of one
    template file is the same every time, and compiling it is most of the render time (~30 ms of
    ~45 ms for a 12-month plan). Compiled templates are immutable and thread-safe to render.
    """

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._compiled = caching.lru("documents.compiled_templates", 64)

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002
        if globals or template_class or not isinstance(source, str) or self.autoescape is not True:
            return super().from_string(source, globals, template_class)
        return self._compiled.get_or_compute(source, lambda: super(_CachingEnvironment, self).from_string(source))


_ENV = _CachingEnvironment()


def jinja_env() -> jinja2.Environment:
    """The Jinja environment every render uses: autoescape=True, undefined=StrictUndefined."""
    return _ENV


# A template file read from disk, with its SHA-256, kept by path and modification time: an unchanged
# file is never read again.
_template_files = caching.lru("documents.template_files", 32)


def _template_file(path: Path) -> tuple[bytes, str]:
    """The bytes of a template file and their SHA-256 hex digest."""
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise TemplateError(f"Không tìm thấy tệp mẫu Word: {path.name}.") from exc

    def read() -> tuple[bytes, str]:
        data = path.read_bytes()
        return data, hashlib.sha256(data).hexdigest()
    return _template_files.get_or_compute((path, mtime), read)


def _template_bytes(template: bytes | str | Path | None) -> bytes:
    if isinstance(template, (bytes, bytearray)):
        return bytes(template)
    return _template_file(Path(template) if template is not None else DEFAULT_TEMPLATE)[0]


def template_digest(template: bytes | str | Path | None) -> str:
    """SHA-256 of a template's bytes (the built-in file when None), without re-reading an unchanged file."""
    if isinstance(template, (bytes, bytearray)):
        return hashlib.sha256(template).hexdigest()
    return _template_file(Path(template) if template is not None else DEFAULT_TEMPLATE)[1]


# Bump when the output changes for a reason renderer_fingerprint() cannot see (a helper module
# other than the ones it reads). Rendered drafts are kept under a key that includes it.
RENDERER_VERSION = 1
_fingerprint: str | None = None


def renderer_fingerprint() -> str:
    """What identifies this renderer's output for the same document, settings and template: the
    version above, the source of the modules that make the file (this one, the context with its rich
    text, tables and stamps, the image opener) and of the text, date and plan helpers they format with,
    and the versions of the libraries that write the file. A deployment that changes any of them
    gets a new fingerprint, so files rendered by the old code are never served as new ones."""
    global _fingerprint
    if _fingerprint is None:
        from importlib.metadata import version

        import congdoan.dates
        import congdoan.images
        import congdoan.plans.kinds
        import congdoan.plans.numbering
        import congdoan.plans.tables
        import congdoan.text
        from congdoan.documents import context, rich_text, stamps, word_table

        digest = hashlib.sha256(f"{RENDERER_VERSION}\n".encode())
        for module in (__file__, context.__file__, rich_text.__file__, word_table.__file__, stamps.__file__,
                       congdoan.images.__file__, congdoan.text.__file__, congdoan.dates.__file__,
                       congdoan.plans.kinds.__file__, congdoan.plans.numbering.__file__,
                       congdoan.plans.tables.__file__):
            digest.update(Path(module).read_bytes())
        # the cache key of a draft names the plan's template (the union's or the built-in one); the
        # other kinds always use their built-in file, which only a deployment changes
        for kind in KINDS.values():
            if kind is not PLAN and builtin_template(kind).exists():
                digest.update(builtin_template(kind).read_bytes())
        for package in ("docxtpl", "python-docx", "Jinja2", "lxml"):
            digest.update(f"{package}={version(package)}\n".encode())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def builtin_template(kind: DocumentKind) -> Path:
    """The built-in Word template of a kind (templates/docx/<kind.template>)."""
    return TEMPLATES_DIR / kind.template


def template_for(doc: dict, template: bytes | str | Path | None = None) -> bytes | str | Path:
    """The template a document is rendered with: for a plan the union's own (`template`) or the
    built-in one; for any other kind always its built-in template (an uploaded template is a plan's)."""
    kind = kind_of(doc.get("kind"))
    if kind is PLAN:
        return template if template is not None else DEFAULT_TEMPLATE
    return builtin_template(kind)


def _open_template(data: bytes) -> DocxTemplate:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError("Tệp mẫu không phải tệp Word .docx hợp lệ.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:   # from the zip directory alone: docxtpl would expand every part in memory
                ceilings.check_template_archive(archive, ceilings.MAX_TEMPLATE_UPLOAD)
            except ceilings.ArchiveRefused as exc:
                raise TemplateError(str(exc)) from None
            if "word/document.xml" not in archive.namelist():
                raise TemplateError("Tệp mẫu không phải tệp Word .docx hợp lệ "
                                    "(thiếu phần nội dung word/document.xml).")
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except TemplateError:
        raise
    except Exception as exc:
        raise TemplateError("Tệp mẫu không phải tệp Word .docx hợp lệ "
                            "(không mở được bằng python-docx).") from exc
    return tpl


def _describe_jinja_error(exc: Exception) -> str:
    if isinstance(exc, TemplateLimit):
        return str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        name = re.search(r"'([^']+)' is undefined", str(exc))
        what = f" «{name.group(1)}»" if name else ""
        return f"Mẫu Word dùng tên{what} không có trong dữ liệu kế hoạch ({exc})."
    unknown_filter = re.match(r"No (filter|test) named '([^']+)'", getattr(exc, "message", "") or "")
    if unknown_filter:
        kind = "bộ lọc" if unknown_filter.group(1) == "filter" else "phép thử"
        return (f"Mẫu Word dùng {kind} «{unknown_filter.group(2)}» không có hoặc không được phép "
                "trong mẫu (các bộ lọc làm chuỗi dài ra như center, format, indent bị chặn).")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return (f"Mẫu Word có thẻ {{{{ }}}} hoặc {{% %}} viết sai: {exc.message}. "
                "Kiểm tra các thẻ mở/đóng (for/endfor, if/endif) và dấu ngoặc.")
    return f"Không dựng được văn bản từ mẫu Word: {exc}."


def render_plan(doc: dict, *, org: dict, draft: bool, template: bytes | str | Path | None = None,
                signature_image: bytes | None = None, seal_image: bytes | None = None,
                verify_code: str | None = None, verify_url: str | None = None) -> bytes:
    """The document as .docx bytes: a plan with `template` (None: the built-in one), any other kind
    with its own built-in template whatever `template` is (template_for)."""
    tpl = _open_template(_template_bytes(template_for(doc, template)))
    context = build_context(doc, tpl, org=org, draft=draft, signature_image=signature_image,
                            seal_image=seal_image, verify_code=verify_code, verify_url=verify_url)
    try:
        with render_budget():
            tpl.render(context, jinja_env(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateError(_describe_jinja_error(exc)) from exc
    except RecursionError:
        raise TemplateError("Mẫu Word gọi macro lồng nhau quá sâu (đệ quy); mẫu không được dùng "
                            "đệ quy.") from None
    props = tpl.docx.core_properties
    # Word's core properties hold at most 255 characters each (python-docx refuses more); the
    # document's own text keeps the whole subject.
    props.title = fit(f"{context['type_name']} {context['subject']}".strip(), CORE_PROPERTY_MAX)
    props.subject = fit(context["subject"], CORE_PROPERTY_MAX)
    props.author = fit(context["union_name"], CORE_PROPERTY_MAX)
    props.last_modified_by = fit(context["union_name"], CORE_PROPERTY_MAX)
    props.comments = "Dự thảo" if draft else ""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    props.created = now
    props.modified = now
    props.revision = 1
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------- checking

SAMPLE_PLAN: dict = {
    "format": 1,
    "type_name": "KẾ HOẠCH",
    "subject": "Hoạt động Công đoàn năm học 2025 - 2026",
    "period": "Năm học 2025 - 2026",
    "upper_union": "Công đoàn cấp trên",
    "union_name": "Công đoàn cơ sở",
    "place": "Hà Nội",
    "date": "2025-09-05",
    "number": "01/KH-CĐ",
    "bases": ["*Căn cứ Điều lệ Công đoàn Việt Nam.*"],
    "opening": "Công đoàn xây dựng kế hoạch như sau:",
    "sections": [{"title": "MỤC ĐÍCH, YÊU CẦU", "lines": [
        {"kind": "subsection", "text": "Mục đích", "level": 0},
        {"kind": "paragraph", "text": "Nội dung **đậm** và *nghiêng*.", "level": 0},
        {"kind": "bullet", "text": "Ý một", "level": 0},
        {"kind": "bullet", "text": "Ý con", "level": 1},
    ]}],
    "schedule_title": "LỊCH CÔNG TÁC",
    "schedule": [{"period": "9/2025", "activities": [
        {"text": "Hội nghị", "groups": ["Tổ 1"], "due": "2025-09-30"}]}],
    "recipients": ["Như trên;", "Lưu: VT."],
    "signature": {"on_behalf": "TM. BAN CHẤP HÀNH", "title": "CHỦ TỊCH", "name": "Nguyễn Văn A"},
}


def check_template(source: bytes | str | Path) -> list[str]:
    """The required placeholders a replacement template lacks ([] = usable).

    Raises TemplateError (Vietnamese message) when the file is not a .docx, when its tags are not
    valid Jinja, or when a trial render of a sample plan fails (e.g. an unknown name).
    """
    data = _template_bytes(source)
    tpl = _open_template(data)
    try:
        used = tpl.get_undeclared_template_variables(jinja_env())
    except (jinja2.TemplateSyntaxError, TemplateLimit) as exc:
        raise TemplateError(_describe_jinja_error(exc)) from exc
    except Exception as exc:
        raise TemplateError(f"Không đọc được nội dung mẫu Word: {exc}.") from exc
    unknown = sorted(name for name in used if name not in CONTEXT_NAMES)
    if unknown:
        raise TemplateError("Mẫu Word dùng tên không có trong dữ liệu kế hoạch: "
                            + ", ".join(unknown) + ".")
    missing = [name for name in REQUIRED_PLACEHOLDERS if name not in used]
    # a trial render catches what parsing cannot (a loop over a string, a tag in the wrong place)
    for draft in (True, False):
        try:
            rendered = render_plan(SAMPLE_PLAN, org={}, draft=draft, template=data,
                                   verify_code="TEST-0000", verify_url="https://example.invalid/x")
            Document(io.BytesIO(rendered))
        except TemplateError:
            raise
        except Exception as exc:
            raise TemplateError(f"Mẫu Word không dựng được văn bản thử: {exc}.") from exc
    return missing


# ------------------------------------------------------------------------------------ reading

def docx_text(data: bytes) -> list[str]:
    """Every paragraph text of a .docx body in document order, table cells included.

    Empty paragraphs are kept (as ""); merged cells are read once.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    out: list[str] = []

    def walk(container) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, Paragraph):
                out.append(item.text)
            elif isinstance(item, Table):
                for row in item.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)

    walk(document)
    return out
