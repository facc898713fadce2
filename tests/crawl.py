"""The demo union in every state a page can show, the list of pages each role can open, and what
every page must not show (issue 16, point 15): an HTTP code, an English word, a UTC time.

Shared by the crawl over the test client (tests/test_words_crawl.py) and the axe crawl in Chromium
(tests/browser/test_axe_crawl.py).

The URL list comes from the app's URL map: every GET rule without arguments, and for a rule with
arguments the ids in ID_TABLE (real rows of the demo: a plan in each state, a task, a request of each
kind, ...). A new GET rule with arguments that ID_TABLE cannot fill makes the crawl fail with
"add an id for rule X" instead of being skipped: a new page is checked from the day it exists.
"""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from flask import Flask, current_app

from congdoan.extensions import db

PASSWORD = "congdoan2026"
DOMAIN = "thanhto.demo"

# Each role by one demo account (README's table). The committee member and the leader are people
# who hold nothing else, so each role's pages are seen with that role's rights only.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "member": "thanh.nguyen",        # Đoàn viên, Tổ Khối 1
    "leader": "huong.bui",           # Tổ trưởng Tổ Văn phòng
    "committee": "hung.do",          # Ủy viên BCH (and a group's leader)
    "accountant": "ketoan",          # Kế toán / Thủ quỹ
    "chair": "chutich",              # Chủ tịch
    "admin": "quantri",              # Quản trị
}

# Not pages: the favicon, the monitors' health check, the static files.
NOT_PAGES = {"static", "home.favicon", "home.healthz"}
# Pieces that only htmx loads into a page (the bell, the PDF status that polls): their words are
# checked on their own, and axe checks them inside the page that loads them.
FRAGMENT_ONLY = {"notifications.bell", "documents.pdf_status"}
# Files, not pages: exports, downloads, images (their words are checked by the words crawl).
FILES = {"member_requests.evidence", "tasks.evidence", "documents.my_signature_image", "documents.seal_image",
         "documents.download_docx", "documents.download_pdf", "documents.download_template",
         "documents.download_default_template", "campaigns.export_list", "member_requests.export_all", "tasks.export",
         "people.import_sample", "campaigns.signing_list_file"}
# The same page as the plan's with nothing open (the editor open is plans.edit_part).
SAME_AS_PLAN_PAGE = {"plans.part", "plans.fixed_part"}


# --- the demo, in every state -------------------------------------------------------------------

@dataclass
class Demo:
    """Ids of the demo rows the crawl opens, each with a label saying which state it stands for."""
    plans: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    parts: list[tuple[int, str, int]] = field(default_factory=list)     # (plan, kind, part id) of a draft
    request_files: list[tuple[int, int]] = field(default_factory=list)
    task_evidence: list[tuple[int, int]] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    campaigns: list[int] = field(default_factory=list)
    imports: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    templates: list[int] = field(default_factory=list)
    verify_codes: list[str] = field(default_factory=list)
    request_kinds: list[str] = field(default_factory=list)


def _user(local: str):
    from congdoan.people.models import User
    return db.session.execute(sa.select(User).where(User.email == f"{local}@{DOMAIN}")).scalar_one()


def build_demo(app: Flask) -> Demo:
    """seed-demo, then what it does not make: a plan submitted (with a vote against and a comment),
    one returned, the example plan signed and issued, an amendment of it, a plan imported from Word,
    a custom Word template, a task with an evidence photo, a maternity and an emulation request."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    from congdoan.approvals import services as approvals
    from congdoan.demo.seed import EXAMPLE_SUBJECT
    from congdoan.documents import word_import as documents
    from congdoan.documents import signing, templates
    from congdoan.plans.models import Plan, PlanStatus
    from congdoan.member_requests import services as requests
    from congdoan.member_requests.kinds import KINDS
    from congdoan.tasks import operations as tasks
    from congdoan.tasks.models import Task
    from tests.plan_factories import make_plan
    from tests.samples import png_bytes, upload

    chair, vice, ha, hung = _user("chutich"), _user("phochutich"), _user("ha.le"), _user("hung.do")
    with app.test_request_context():
        example = db.session.execute(sa.select(Plan).where(Plan.subject == EXAMPLE_SUBJECT)).scalar_one()
        signing.sign_plan(example, actor=chair)
        amendment = approvals.amend(example, actor=chair)
        submitted = make_plan(ha, "Kế hoạch tổ chức Ngày Nhà giáo Việt Nam 20/11")
        approvals.submit(submitted, actor=ha)
        approvals.vote(submitted, voter=hung, choice="against", reason="Cần thêm dự trù kinh phí.")
        approvals.comment(submitted, author=vice, text="Bổ sung phân công cho từng tổ.")
        returned = make_plan(hung, "Kế hoạch hội thao chào mừng ngày 8/3")
        approvals.submit(returned, actor=hung)
        approvals.chair_return(returned, actor=chair, reason="Lịch thi đấu trùng lịch kiểm tra học kỳ.")
        from congdoan.demo import EXAMPLE_DOCX
        imported, _report = documents.import_plan(EXAMPLE_DOCX.read_bytes(), "ke-hoach-cu.docx", actor=ha)
        templates.upload_template("mau-truong.docx", _default_template(), actor=chair)
        member, other = _user("thanh.nguyen"), _user("hong.le")
        requests.submit(other, KINDS["maternity"], {"birth_date": "2026-10-10", "leave_from": "2026-10-01",
                                                      "leave_to": "2027-03-31"})
        requests.submit(member, KINDS["emulation"], {"title": "Lao động tiên tiến", "school_year": "2025 - 2026"})
        from congdoan.plans import creating as plan_creating
        copied = plan_creating.copy_plan(example, actor=ha, shift=1)          # with its review list (soát lại)
        report = _draft_report(chair)                                 # a report draft: tables, figures' links
        from congdoan.people import import_jobs
        from congdoan.people.member_import import ImportReport
        finished = import_jobs.MemberImport(created_by_id=_user("quantri").id, filename="danh-sach-lon.xlsx",
                                            stage=import_jobs.DONE, rows_total=2, rows_done=2, error="",
                                            report={**ImportReport().as_dict(), "created": [
                                                [2, "Phan Văn Mới", "moi@thanhto.demo", "Tổ Khối 1", None]]})
        db.session.add(finished)
        task = db.session.execute(sa.select(Task).where(Task.group_id == _user("huong.bui").group_id)
                                  .order_by(Task.id).limit(1)).scalar_one()
        tasks.update_task(task, actor=_user("huong.bui"), shown=task.status, note="Ảnh buổi họp tổ.",
                          upload=upload(png_bytes(40, 30), "anh-hop-to.png"))
    db.session.commit()
    demo = _ids(example=example, amendment=amendment, submitted=submitted, returned=returned, imported=imported,
                copied=copied, report=report)
    demo.imports = [finished.id]
    db.session.commit()      # no read transaction left open: the live server's writes must not wait on it
    return demo


def _draft_report(chair):
    """A year-end report drafted from hand-made sections (the shape congdoan/reports/figures.py
    gives), so that the report's page (its tables, figure links, "Cập nhật số liệu") is crawled."""
    import datetime as dt

    from congdoan.reports.blocks import Block, Cell, SectionDraft, Table
    from congdoan.reports.service import draft_report
    table = Table(("Tổ công đoàn", "Số đoàn viên", "Nữ"),
                  ((Cell("Tổ Khối 1"), Cell("12", "/quan-tri/nguoi-dung"), Cell("10")),
                   (Cell("Tổ Văn phòng"), Cell("6", "/quan-tri/nguoi-dung"), Cell("4"))),
                  total=(Cell("Tổng cộng"), Cell("18"), Cell("14")))
    sections = [
        SectionDraft("I. ĐẶC ĐIỂM TÌNH HÌNH", (Block("paragraph", "Cuối năm học công đoàn có 18 đoàn viên.",
                                                      link="/quan-tri/nguoi-dung"), Block("table", table=table))),
        SectionDraft("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", (Block("subsection", "Chăm lo đời sống đoàn viên"),
                                                        Block("bullet", "Thăm hỏi 4 lượt, 2.000.000 đ.",
                                                              link="/de-xuat/tat-ca"))),
        SectionDraft("III. ĐÁNH GIÁ CHUNG", (Block("subsection", "Ưu điểm"),), from_records=False),
        SectionDraft("IV. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM HỌC TỚI", (), from_records=False),
    ]
    return draft_report(dt.date(2024, 8, 1), dt.date(2025, 7, 31), actor=chair, sections=sections)


def _default_template() -> bytes:
    from pathlib import Path
    return (Path(current_app.root_path).parent / "templates" / "docx" / "ke-hoach.docx").read_bytes()


def _ids(**named) -> Demo:
    from congdoan.documents.models import PlanTemplate, SignedDocument
    from congdoan.people.models import Group, User
    from congdoan.plans.models import Plan, PlanBasis, PlanLine, PlanSection, ScheduleActivity, ScheduleRow
    from congdoan.member_requests.kinds import KINDS
    from congdoan.member_requests.models import Campaign, MemberRequest, RequestFile
    from congdoan.tasks.models import Task, TaskEvent

    demo = Demo()
    demo.plans = {label: plan.id for label, plan in named.items()}
    for plan in db.session.execute(sa.select(Plan).order_by(Plan.id)).scalars():
        if plan.id not in demo.plans.values():
            demo.plans[f"{plan.status} #{plan.id}"] = plan.id      # the approved plan with tasks, the draft
    draft = named["amendment"].id           # a draft its author (the chair) may edit: the editors open
    for kind, model in (("basis", PlanBasis), ("section", PlanSection), ("line", PlanLine), ("row", ScheduleRow),
                        ("activity", ScheduleActivity)):
        part = db.session.execute(sa.select(model).where(model.plan_id == draft).order_by(model.id).limit(1)).scalar()
        if part is not None:
            demo.parts.append((draft, kind, part.id))
    for req in db.session.execute(sa.select(MemberRequest).order_by(MemberRequest.id)).scalars():
        demo.requests.setdefault(f"{req.kind} {req.status}", req.id)
    demo.request_files = [(f.request_id, f.file_id) for f in db.session.execute(
        sa.select(RequestFile).order_by(RequestFile.request_id).limit(2)).scalars()]
    demo.task_evidence = [(e.task_id, e.id) for e in db.session.execute(
        sa.select(TaskEvent).where(TaskEvent.file_id.is_not(None)).limit(1)).scalars()]
    # A task in each status, of a group and of the committee.
    seen = set()
    for task in db.session.execute(sa.select(Task).order_by(Task.id)).scalars():
        key = (task.status, task.group_id is None)
        if key not in seen:
            seen.add(key)
            demo.tasks.append(task.id)
    demo.campaigns = list(db.session.execute(sa.select(Campaign.id)).scalars())
    demo.groups = list(db.session.execute(sa.select(Group.id).order_by(Group.id).limit(2)).scalars())
    demo.people = [_user(local).id for local in ("thanh.nguyen", "chutich", "quang.dao")]   # quang.dao: left
    demo.templates = list(db.session.execute(sa.select(PlanTemplate.id)).scalars())
    demo.verify_codes = list(db.session.execute(sa.select(SignedDocument.verify_code)).scalars()) + ["KHONGCOMA"]
    demo.request_kinds = [kind.slug for kind in KINDS.values()]
    return demo


# --- the URL list --------------------------------------------------------------------------------

def _plans(d: Demo):
    return [{"plan_id": i} for i in d.plans.values()]


# Rule endpoint -> the argument values to open it with. A GET rule with arguments missing here fails
# the crawl ("add an id for rule X").
ID_TABLE = {
    "people.edit": lambda d: [{"user_id": i} for i in d.people],
    "people.row": lambda d: [{"user_id": i} for i in d.people],
    "people.detail": lambda d: [{"user_id": i} for i in d.people],
    "people.edit_group": lambda d: [{"group_id": i} for i in d.groups],
    "people.group_row": lambda d: [{"group_id": i} for i in d.groups],
    "plans.detail": _plans,
    "plans.preview": _plans,
    "plans.fixed_part": lambda d: [{"plan_id": d.plans["submitted"], "part": p} for p in ("header", "opening", "closing")],
    "plans.edit_fixed_part": lambda d: [{"plan_id": d.plans["amendment"], "part": p}
                                        for p in ("header", "opening", "closing")],
    "plans.part": lambda d: [{"plan_id": p, "kind": k, "part_id": i} for p, k, i in d.parts],
    "plans.edit_part": lambda d: [{"plan_id": p, "kind": k, "part_id": i} for p, k, i in d.parts],
    "plans.history": _plans,
    "plans.compare": _plans,
    "plans.copy": lambda d: [{"plan_id": d.plans["example"]}],
    "approvals.review": _plans,
    "member_requests.create": lambda d: [{"slug": s} for s in d.request_kinds],
    "member_requests.detail": lambda d: [{"request_id": i} for i in d.requests.values()],
    "member_requests.evidence": lambda d: [{"request_id": r, "file_id": f} for r, f in d.request_files],
    "campaigns.detail": lambda d: [{"campaign_id": i} for i in d.campaigns],
    "campaigns.edit": lambda d: [{"campaign_id": i} for i in d.campaigns],
    "campaigns.export_list": lambda d: [{"campaign_id": i} for i in d.campaigns],
    "documents.download_docx": lambda d: [{"plan_id": d.plans[k]} for k in ("example", "amendment")],
    "documents.download_pdf": lambda d: [{"plan_id": d.plans["example"]}],
    "documents.pdf_status": lambda d: [{"plan_id": d.plans["example"]}],
    "documents.sign_page": _plans,
    "documents.verify": lambda d: [{"code": c} for c in d.verify_codes],
    "documents.import_report": lambda d: [{"plan_id": d.plans["imported"]}],
    "documents.download_template": lambda d: [{"template_id": i} for i in d.templates],
    "tasks.board": lambda d: [{"group_id": i} for i in d.groups],
    "tasks.detail": lambda d: [{"task_id": i} for i in d.tasks],
    "tasks.update_form": lambda d: [{"task_id": i} for i in d.tasks],
    "tasks.evidence": lambda d: [{"task_id": t, "event_id": e} for t, e in d.task_evidence],
    "tasks.progress": _plans,
    "tasks.assign": _plans,
    "tasks.correct": lambda d: [{"task_id": i} for i in d.tasks[:2]],
    "member_requests.pay": lambda d: [{"request_id": i} for i in d.requests.values()],
    "campaigns.signing_list_file": lambda d: [{"campaign_id": i, "fmt": f} for i in d.campaigns for f in ("docx", "xlsx")],
    "documents.send_page": lambda d: [{"plan_id": d.plans["example"]}],
    "plans.copy_review_list": lambda d: [{"plan_id": d.plans["copied"]}],
    "people.import_progress": lambda d: [{"import_id": i} for i in d.imports],
}


def page_urls(app: Flask, demo: Demo, without=()) -> tuple[list[str], list[str]]:
    urls, missing = endpoint_urls(app, demo, without)
    return list(dict.fromkeys(url for _, url in urls)), missing


def endpoint_urls(app: Flask, demo: Demo, without=()) -> tuple[list[tuple[str, str]], list[str]]:
    """Every GET page of the URL map with real ids (but the endpoints `without`); and the rules it
    could not fill."""
    from flask import url_for
    urls, missing = [], []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint in without:
                continue
            arguments = set(rule.arguments) - set(rule.defaults or {})
            if not arguments:
                urls.append((rule.endpoint, url_for(rule.endpoint)))
                continue
            fill = ID_TABLE.get(rule.endpoint)
            values = fill(demo) if fill else []
            if not values:
                missing.append(f"add an id for rule {rule.endpoint} ({rule.rule}) to tests/crawl.py ID_TABLE")
                continue
            urls.extend((rule.endpoint, url_for(rule.endpoint, **v)) for v in values)
    return urls, missing


# --- visible text --------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "aria-description", "aria-placeholder",
                    "data-confirm", "hx-confirm", "label")
BUTTON_VALUES = {"submit", "button", "reset"}


class _Visible(HTMLParser):
    """The words a person reads or hears: text outside script/style/template, and the attributes a
    browser shows or a screen reader speaks (title, placeholder, aria-label, alt, a button's value,
    the confirm dialogs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.machine: list[str] = []
        self.lone_codes: list[str] = []
        self.hx_gets: list[str] = []
        self.hidden = 0
        self.stack: list[tuple[str, bool]] = []      # open elements, and whether each is translate="no"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if tag not in VOID:
            self.stack.append((tag, a.get("translate") == "no"))
        for name in SHOWN_ATTRIBUTES:
            if a.get(name):
                self.parts.append(a[name])
        if tag == "input" and (a.get("type") or "").lower() in BUTTON_VALUES and a.get("value"):
            self.parts.append(a["value"])
        if a.get("hx-get"):
            self.hx_gets.append(a["hx-get"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.hidden:
            return
        if LONE_CODE.match(data):
            self.lone_codes.append(data.strip())
        # translate="no" (HTML's "not words of a language") marks a code shown on purpose: the
        # fingerprint on the verification page. Only the HTTP and UTC checks apply to it.
        (self.machine if any(no for _, no in self.stack) else self.parts).append(data)


@dataclass
class Visible:
    text: str             # words of the page
    lone_codes: list[str]  # texts that are a status code and nothing else ("429" as a headline)
    machine: str          # codes shown on purpose (translate="no")
    hx_gets: list[str]    # the URLs its htmx elements GET


def visible(html: str) -> Visible:
    """The visible text of an HTML page or fragment, and the URLs its htmx elements GET."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return Visible(" ".join(" ".join(parser.parts).split()), parser.lone_codes,
                   " ".join(" ".join(parser.machine).split()), parser.hx_gets)


def page_findings(html: str) -> tuple[list[str], list[str]]:
    """Findings on an HTML page (words and codes), and the htmx partials it loads."""
    shown = visible(html)
    lone = [f"HTTP code “{code}” shown alone" for code in shown.lone_codes]
    return lone + findings(shown.text) + machine_findings(shown.machine), shown.hx_gets


# --- what must not be shown ----------------------------------------------------------------------

# Syllables written without any mark are still Vietnamese ("ban", "con", "tin", "hay", "to", "long"):
# a level tone and letters without diacritics. Such a syllable is an optional initial and a rhyme; a
# level tone never ends in p, t, c or ch, so "cat", "top", "bit" are not among them.
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "g", "h", "k", "l",
           "m", "n", "p", "r", "s", "t", "v", "x", "")
_RHYMES = {
    "a", "ai", "ao", "au", "ay", "am", "an", "ang", "anh",
    "e", "em", "en", "eng", "eo",
    "i", "ia", "iu", "im", "in", "inh",
    "o", "oa", "oai", "oao", "oay", "oam", "oan", "oang", "oanh", "oe", "oeo", "oen", "oi", "om", "on", "ong", "oong",
    "u", "ua", "ui", "um", "un", "ung", "uy", "uya", "uyu", "uynh", "uyn", "ue", "uen", "uanh", "uan", "uang", "uau",
    "uay", "ueo",
    "y",
}
_SYLLABLES_RE = re.compile(r"^(%s)(%s)$" % ("|".join(o for o in _ONSETS if o), "|".join(sorted(_RHYMES, key=len, reverse=True))))


def vietnamese_without_marks(word: str) -> bool:
    w = word.lower()
    return w in _RHYMES or bool(_SYLLABLES_RE.match(w))


# Words of the app that are not Vietnamese syllables but are the officers' words too: names of
# products people know, file types, abbreviations of the union's own.
ALLOWED = {
    # products and formats people name
    "word", "excel", "zalo", "pdf", "docx", "xlsx", "csv", "png", "jpg", "jpeg", "qr", "email", "e", "mail",
    "online", "ok", "wifi", "internet", "web", "website", "file", "doc", "logo",
    # abbreviations of the union's and the school's own
    "kh", "bch", "ubkt", "thtt", "sgk", "qtpn", "dvcd", "clb", "hs", "gv", "ldld", "tw", "stt", "cb", "cnv",
    "cbgvnv", "gvnv", "cbnv", "tnlđ", "vt", "khcđ", "ubnd", "pgd", "gd", "dt", "tt", "ql", "tp", "mn", "th",
    "thcs", "thpt", "ctcđ",
    # Roman numerals of the plan's sections, ordinals in the document
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii",
    # the demo's names and places (Vietnamese, written with marks; those below have none)
    "hai", "tran", "pham", "olympic", "tiep", "nguyen",
}

# Words that betray a program talking: flagged even where a Vietnamese syllable has the same letters
# ("nan", "ten"...), and words outside any dictionary that are surely not the officers'.
TECHNICAL = {
    "http", "https", "html", "json", "utc", "gmt", "null", "none", "nan", "true", "false", "undefined",
    "traceback", "exception", "error", "errno", "stack", "debug", "soffice", "libreoffice", "flask",
    "werkzeug", "jinja", "sqlalchemy", "psycopg", "sqlite", "postgresql", "redis", "python", "unoconv",
    "csrf", "hash", "uuid", "id", "url", "api", "env", "admin", "user", "task", "todo", "fixme",
    "menu", "loading", "submit", "save", "cancel", "delete", "edit", "download", "upload", "dashboard", "login",
    "logout", "signin", "username", "email-address", "settings", "profile", "preview", "draft", "status",
}


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words: two word lists (web2 and GCIDE) of the english-words package."""
    from english_words import get_english_words_set
    return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))


# A status code as a code: alone (a text of its own), or after the words that name one. A number in
# a sentence ("500 người", "phòng 404") is a number.
HTTP_CODE = re.compile(r"(?:^\s*|\b(?:mã lỗi|lỗi|mã|HTTP|error|status|code)\s*:?\s*)([45]\d\d)(?![\w.,/:%]|-\d)(?=\s*$|\D)",
                       re.I)
LONE_CODE = re.compile(r"^\s*[45]\d\d\s*$")
HTTP_WORDS = re.compile(r"\b(HTTP|Not Found|Forbidden|Internal Server Error|Bad Request|Unauthorized|"
                        r"Method Not Allowed|Too Many Requests|Service Unavailable|Conflict|Unprocessable)\b", re.I)
UTC = re.compile(r"\bUTC\b|\bGMT\b|[+-]00:?00\b|\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?\b")
ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b")
HEX_HASH = re.compile(r"\b[0-9a-fA-F]{12,}\b")
EMAIL_OR_URL = re.compile(r"\S+@\S+|\bhttps?://\S+|\b[\w.-]+\.(docx|xlsx|csv|pdf|png|jpe?g)\b", re.I)
WORD = re.compile(r"[A-Za-zÀ-ỹĐđ]+")


def machine_findings(text: str) -> list[str]:
    return [f"UTC time “{m.group(0)}”" for m in UTC.finditer(text)] + \
        [f"HTTP wording “{m.group(0)}”" for m in HTTP_WORDS.finditer(EMAIL_OR_URL.sub(" ", text))]


def findings(text: str) -> list[str]:
    """What a page's visible text must not hold: an HTTP status code, an English word or a program's
    word, an environment variable's name, a hex hash, a UTC time."""
    found = [f"UTC time “{m.group(0)}”" for m in UTC.finditer(text)]
    text = EMAIL_OR_URL.sub(" ", text)
    for m in HTTP_WORDS.finditer(text):
        found.append(f"HTTP wording “{m.group(0)}”")
    for m in ENV_NAME.finditer(text):
        found.append(f"environment variable “{m.group(0)}”")
    for m in HEX_HASH.finditer(text):
        if re.search(r"[a-fA-F]", m.group(0)) and re.search(r"\d", m.group(0)):
            found.append(f"hash “{m.group(0)}”")
    text = HEX_HASH.sub(" ", text)
    for m in HTTP_CODE.finditer(text):
        found.append(f"HTTP code “{m.group(1)}” in “…{text[max(0, m.start() - 30):m.end() + 30]}…”")
    found.extend(english(text))
    return found


def english(text: str) -> list[str]:
    """English (or a program's) words in `text`: a word of ASCII letters only that is in the English
    word lists and is no Vietnamese syllable written without marks, nor an allowed name; and any
    word of the TECHNICAL list whatever its case (NaN, None, null...)."""
    words = english_words()
    found = []
    for m in WORD.finditer(text):
        token = m.group(0)
        if not token.isascii():
            continue
        if token.lower() in TECHNICAL:
            found.append(f"English word “{token}”")
            continue
        for part in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", token) or [token]:
            lower = part.lower()
            if lower in TECHNICAL:
                found.append(f"English word “{token}”")
                break
            if lower in ALLOWED or vietnamese_without_marks(lower) or len(lower) < 3:
                continue
            if part.isupper() and len(part) <= 5:
                continue                       # an abbreviation: BCH, UBKT, THTT
            if lower in words or (lower.endswith("s") and lower[:-1] in words):
                found.append(f"English word “{token}”")
                break
    return found


# --- exports -------------------------------------------------------------------------------------

def xlsx_strings(data: bytes) -> list[str]:
    """The sheet names and every text cell of a workbook."""
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        cells.append(sheet.title)
        for row in sheet.iter_rows():
            # Numbers and dates are Excel's own values, shown in the cell's format; the times
            # among them are checked against Vietnam time by tests/test_export_times.py.
            cells.extend(cell.value for cell in row if isinstance(cell.value, str))
    return cells


TEMPLATE_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.S)


def docx_text(data: bytes) -> str:
    """The text of a Word document: body, tables, headers and footers, paragraph by paragraph (the
    runs of a paragraph joined as Word shows them). A template's placeholders ({{ subject }},
    {%tr for ... %}) are the template's language, not text shown: left out."""
    paragraphs = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml") and not name.startswith("word/theme"):
                xml = z.read(name).decode("utf-8")
                for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
                    runs = re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", p)
                    paragraphs.append(html.unescape("".join(runs)))
    return TEMPLATE_TAG.sub(" ", " ".join(paragraphs))


def csv_text(data: bytes) -> str:
    text = data.decode("utf-8-sig")
    return " ".join(" ".join(row) for row in csv.reader(io.StringIO(text)))


def export_findings(content_type: str, data: bytes) -> list[str] | None:
    """Findings in an export by its type; None for what is no export (an image, a PDF)."""
    if "spreadsheetml" in content_type:
        found = []
        for cell in xlsx_strings(data):
            found.extend(f"{f} (cell “{cell[:60]}”)" for f in findings(cell))
        return found
    if "wordprocessingml" in content_type:
        return findings(docx_text(data))
    if content_type.startswith("text/csv"):
        return findings(csv_text(data))
    return None


class PartialBudget:
    """The htmx partials a crawl opens: a few of each rule (the editor of one plan line is the editor
    of them all), so that a long plan does not make hundreds of requests."""

    PER_RULE = 3

    def __init__(self, app: Flask):
        self.adapter = app.url_map.bind("localhost")
        self.counts: dict[str, int] = {}

    def take(self, path: str) -> bool:
        try:
            endpoint, _ = self.adapter.match(urlsplit(path).path, method="GET")
        except Exception:
            return True                   # no rule: opened, and its 404 page checked
        self.counts[endpoint] = self.counts.get(endpoint, 0) + 1
        return self.counts[endpoint] <= self.PER_RULE


def same_site(base: str, url: str) -> str | None:
    """The path and query of `url` seen from page `base`, when it is on this site."""
    full = urljoin(base, url)
    parts = urlsplit(full)
    if parts.scheme not in ("http", "") or (parts.netloc and parts.netloc != "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
