"""The document (a plan, a report: docs/plan-document.md) as one dict: built from the rows, written
back into rows, hashed, shifted to another year, and compared part by part."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import sqlalchemy as sa

from ..extensions import db
from ..people.models import Group
from ..reports.blocks import Cell, Table
from ..text import clean_text, fit, fold
from .kinds import KINDS, PLAN
from .numbering import clamp_level, valid_label, valid_weight
from .tables import safe_link
from .models import (LineKind, LineOrigin, Plan, PlanBasis, PlanLine, PlanSection, ScheduleActivity, ScheduleRow,
                     activity_groups)
from .year_shift import shift_document

FORMAT = 1


def to_document(plan: Plan) -> dict:
    """The document of a plan from its parts as loaded objects (load_plan_tree); document_of reads
    the same parts as plain rows. Both hand them to _document, the one builder of the dict."""
    return _document(plan,
                     bases=[b.text for b in plan.bases],
                     sections=[(s.title, [(l.kind, l.text, l.level, l.label, l.origin, l.link, l.data, l.weight)
                                          for l in s.lines])
                               for s in plan.sections],
                     schedule=[(r.period, [(a.text, [g.name for g in a.groups], a.due_date) for a in r.activities])
                               for r in plan.rows])


def _line_dict(kind: str, text: str, level: int, label: str | None, origin: str | None = "",
               link: str | None = "", data: str | None = None, weight: str | None = "") -> dict:
    """A line of the document. Every key that is not always there is written only when it is not
    the default ("label", "weight", "origin", "link"), so that the documents (and hashes) of plans
    written before those columns existed stay the same. A table line carries its table instead of a
    text."""
    if kind == LineKind.TABLE.value:
        line = {"kind": kind, "table": table_dict(data), "level": level}
    else:
        line = {"kind": kind, "text": text, "level": level}
        if label:
            line["label"] = label
        if weight:
            line["weight"] = weight
    if origin:
        line["origin"] = origin
    if link:
        line["link"] = link
    return line


def table_dict(raw: str | None) -> dict:
    """The document form of a stored table (plan_lines.data, Table.to_json): {"columns": [...],
    "rows": [[{"text": ..., "link": ...}, ...], ...], "total": [...]} with "link" only on figures
    and "total" only when the table has a total row."""
    return json.loads(Table.from_json(raw or "{}").to_json())


def clean_table(value) -> Table:
    """A table from a document (any producer): every text cleaned, links checked, cells given as
    dicts or plain strings, a missing part empty."""
    value = value if isinstance(value, dict) else {}

    def text(item) -> str:
        return clean_text(item if isinstance(item, str) else "" if item is None else str(item), multiline=True)

    def cell(item) -> Cell:
        if isinstance(item, dict):
            return Cell(text(item.get("text")), safe_link(item.get("link")))
        return Cell(text(item))

    def cells(items) -> tuple[Cell, ...]:
        return tuple(cell(item) for item in (items if isinstance(items, (list, tuple)) else ()))
    columns = tuple(text(c) for c in value.get("columns") or ())
    rows = tuple(cells(row) for row in value.get("rows") or ())
    total = value.get("total")
    return Table(columns, rows, cells(total) if total is not None else None)


def _document(plan: Plan, *, bases: list, sections: list, schedule: list) -> dict:
    """The document: the plan's own fields around its parts, however the parts were read. `sections`
    are (title, lines), each line (kind, text, level, label, origin, link, data, weight); `schedule`
    is (period, activities), each activity (text, group names, due date). The kind and the period
    covered are written only for a kind other than the plan, so that every plan's document and hash
    stay what they were before kinds existed."""
    sections = [{"title": title, "lines": [_line_dict(*line) for line in lines]} for title, lines in sections]
    schedule = [{"period": period,
                 "activities": [{"text": text, "groups": list(groups), "due": due.isoformat() if due else None}
                                for text, groups, due in activities]}
                for period, activities in schedule]
    doc = {
        "format": FORMAT,
        "type_name": plan.type_name,
        "subject": plan.subject,
        "period": plan.period,
        "upper_union": plan.upper_union,
        "union_name": plan.union_name,
        "place": plan.place,
        "date": plan.doc_date.isoformat() if plan.doc_date else None,
        "number": plan.number,
        "bases": bases,
        "opening": plan.opening,
        "sections": sections,
        "schedule_title": plan.schedule_title,
        "schedule": schedule,
        "recipients": plan.recipient_lines,
        "signature": {"on_behalf": plan.sign_on_behalf, "title": plan.signer_title, "name": plan.signer_name},
    }
    if plan.kind and plan.kind != PLAN.key:
        doc["kind"] = plan.kind
        doc["period_start"] = plan.period_start.isoformat() if plan.period_start else None
        doc["period_end"] = plan.period_end.isoformat() if plan.period_end else None
    return doc


def _part_statements():
    """The statements document_of runs, built once (building a select costs more than running it)."""
    b, s, ln = PlanBasis.__table__.c, PlanSection.__table__.c, PlanLine.__table__.c
    r, a = ScheduleRow.__table__.c, ScheduleActivity.__table__.c
    ag, g = activity_groups.c, Group.__table__.c
    plan_id = sa.bindparam("plan_id", type_=sa.Integer)
    bases = sa.select(b.text).where(b.plan_id == plan_id).order_by(b.position, b.id)
    lines = (sa.select(s.id, s.title, ln.kind, ln.text, ln.level, ln.label, ln.origin, ln.link, ln.data, ln.weight)
             .select_from(PlanSection.__table__.outerjoin(PlanLine.__table__, ln.section_id == s.id))
             .where(s.plan_id == plan_id).order_by(s.position, s.id, ln.position, ln.id))
    activities = (sa.select(r.id, r.period, a.id, a.text, a.due_date)
                  .select_from(ScheduleRow.__table__.outerjoin(ScheduleActivity.__table__, a.row_id == r.id))
                  .where(r.plan_id == plan_id).order_by(r.position, r.id, a.position, a.id))
    groups = (sa.select(ag.activity_id, g.name).join_from(activity_groups, Group.__table__, g.id == ag.group_id)
              .where(ag.activity_id.in_(sa.select(a.id).join_from(ScheduleActivity.__table__, ScheduleRow.__table__,
                                                                   r.id == a.row_id).where(r.plan_id == plan_id)))
              .order_by(g.name_key))
    return bases, lines, activities, groups


_STATEMENTS: tuple | None = None


def document_of(plan: Plan) -> dict:
    """The same dict as to_document(plan), with the parts read as plain rows instead of ORM objects.

    For pages that only show or render the document (preview, Word download): building a few hundred
    ORM objects costs several milliseconds, plain rows a fraction of that. The plan row itself is the
    one already loaded (header, status, permissions); the parts take three queries (four with groups
    named in the schedule) whatever the plan's size. The session autoflushes pending changes first,
    so the result equals to_document() of the same plan at any moment: both hand their parts to the one
    builder, _document (tests/test_plans.py checks the reading too).
    """
    global _STATEMENTS
    if _STATEMENTS is None:
        _STATEMENTS = _part_statements()
    bases_sql, lines_sql, activities_sql, groups_sql = _STATEMENTS
    execute = db.session.execute
    params = {"plan_id": plan.id}
    bases = execute(bases_sql, params).scalars().all()

    sections: list[tuple] = []
    current = None
    for section_id, title, *line in execute(lines_sql, params).all():
        if section_id != current:
            current = section_id
            lines: list[tuple] = []
            sections.append((title, lines))
        if line[0] is not None:                 # the kind: None for a section without lines
            lines.append(tuple(line))

    schedule: list[tuple] = []
    named: dict[int, list[str]] = {}
    current = None
    for row_id, period, activity_id, text, due in execute(activities_sql, params).all():
        if row_id != current:
            current = row_id
            items: list[tuple] = []
            schedule.append((period, items))
        if activity_id is not None:
            named[activity_id] = []
            items.append((text, named[activity_id], due))
    if named:
        for activity_id, name in execute(groups_sql, params).all():
            named[activity_id].append(name)

    return _document(plan, bases=bases, sections=sections, schedule=schedule)


def load_plan_tree(plan_id: int) -> Plan | None:
    """The plan with all its parts in a fixed, small number of queries (whatever its size)."""
    return db.session.execute(
        sa.select(Plan).where(Plan.id == plan_id).options(
            sa.orm.selectinload(Plan.bases),
            sa.orm.selectinload(Plan.sections).selectinload(PlanSection.lines),
            sa.orm.selectinload(Plan.rows).selectinload(ScheduleRow.activities)
            .selectinload(ScheduleActivity.groups),
            sa.orm.joinedload(Plan.author),
        )).unique().scalar_one_or_none()


def canonical(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(doc: dict) -> str:
    return hashlib.sha256(canonical(doc).encode("utf-8")).hexdigest()


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def guess_year(*texts: str, default: int) -> int:
    """The first plausible year in the subject or period ("năm học 2023 - 2024" -> 2023)."""
    for text in texts:
        for match in _YEAR.finditer(text or ""):
            year = int(match.group(1))
            if 1990 <= year <= 2100:
                return year
    return default


def _limit(column) -> int:
    return column.property.columns[0].type.length


# The single-line parts of a document and the columns that hold them, with the words a report uses.
_LINE_FIELDS = (("type_name", Plan.type_name, "Tên loại văn bản"), ("subject", Plan.subject, "Trích yếu"),
                ("period", Plan.period, "Thời gian"), ("upper_union", Plan.upper_union, "Tên công đoàn cấp trên"),
                ("union_name", Plan.union_name, "Tên công đoàn"), ("place", Plan.place, "Địa danh"),
                ("schedule_title", Plan.schedule_title, "Tiêu đề lịch công tác"))
_SIGNATURE_FIELDS = (("on_behalf", Plan.sign_on_behalf, "Dòng thẩm quyền ký"),
                     ("title", Plan.signer_title, "Chức danh người ký"), ("name", Plan.signer_name, "Tên người ký"))


def fit_document(doc: dict) -> list[str]:
    """Cut every single-line part of `doc` to the column that keeps it (a Word file may hold a
    600-character subject; the columns hold 500). Returns a Vietnamese note for each cut, for the
    import report; the document is changed in place. Multi-line text goes to TEXT columns."""
    notes: list[str] = []

    def cut(value, column, label: str) -> str:
        text, limit = clean_text(value), _limit(column)
        if len(text) <= limit:
            return text
        notes.append(f"{label} dài quá {limit} ký tự nên đã được cắt bớt: “{fit(text, 80)}”. Hãy xem lại.")
        return fit(text, limit)

    for key, column, label in _LINE_FIELDS:
        if doc.get(key):
            doc[key] = cut(doc[key], column, label)
    signature = doc.get("signature") or {}
    for key, column, label in _SIGNATURE_FIELDS:
        if signature.get(key):
            signature[key] = cut(signature[key], column, label)
    for section in doc.get("sections") or []:
        if section.get("title"):
            section["title"] = cut(section["title"], PlanSection.title, "Tên mục")
    for row in doc.get("schedule") or []:
        if row.get("period"):
            row["period"] = cut(row["period"], ScheduleRow.period, "Thời gian trong lịch công tác")
    return notes


def fill_plan(plan: Plan, doc: dict) -> None:
    """Write a document's parts into a new (empty) plan. Every text is cleaned on the way in (no
    control characters: PostgreSQL refuses NUL, Word refuses the rest), whoever produced the
    document. Group names that match no group are dropped from activities (the importer's report
    already names them). Lines longer than their column are cut to it (fit_document)."""
    fit_document(doc)
    def line(value) -> str:
        return clean_text(value)

    def text(value) -> str:
        return clean_text(value, multiline=True)

    kind = KINDS.get(doc.get("kind") or PLAN.key) or PLAN
    plan.kind = kind.key
    if kind is not PLAN:
        plan.period_start = _iso_date(doc.get("period_start"))
        plan.period_end = _iso_date(doc.get("period_end"))
    plan.type_name = line(doc.get("type_name")) or kind.type_name
    plan.subject = line(doc.get("subject"))
    plan.period = line(doc.get("period"))
    plan.upper_union = line(doc.get("upper_union"))
    plan.union_name = line(doc.get("union_name"))
    plan.place = line(doc.get("place"))
    plan.doc_date = dt.date.fromisoformat(doc["date"]) if doc.get("date") else None
    plan.opening = text(doc.get("opening"))
    plan.schedule_title = line(doc.get("schedule_title"))
    plan.recipients = "\n".join(r for r in (line(x) for x in doc.get("recipients") or []) if r)
    signature = doc.get("signature") or {}
    plan.sign_on_behalf = line(signature.get("on_behalf"))
    plan.signer_title = line(signature.get("title"))
    plan.signer_name = line(signature.get("name"))
    plan.bases = [PlanBasis(position=i, text=text(t)) for i, t in enumerate(doc.get("bases") or [])]
    plan.sections = []
    for i, section in enumerate(doc.get("sections") or []):
        row = PlanSection(position=i, title=line(section.get("title")))
        row.lines = [_line_row(j, item, plan) for j, item in enumerate(section.get("lines") or [])]
        plan.sections.append(row)
    groups = {g.name_key: g for g in db.session.execute(sa.select(Group)).scalars()}
    plan.rows = []
    for i, schedule_row in enumerate(doc.get("schedule") or []):
        row = ScheduleRow(position=i, period=line(schedule_row.get("period")))
        for j, activity in enumerate(schedule_row.get("activities") or []):
            item = ScheduleActivity(position=j, text=text(activity.get("text")), plan=plan,
                                    due_date=dt.date.fromisoformat(activity["due"]) if activity.get("due") else None)
            item.groups = [groups[fold(n)] for n in activity.get("groups") or [] if fold(n) in groups]
            row.activities.append(item)
        plan.rows.append(row)


def _iso_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


_ORIGINS = frozenset(origin.value for origin in LineOrigin)


def _line_row(position: int, item: dict, plan: Plan) -> PlanLine:
    """A document line as a row: a table line keeps its table as JSON in `data` (and no text), every
    line who wrote it (origin) and the list its figures were counted from (link)."""
    kind = item.get("kind") or LineKind.PARAGRAPH.value
    origin = item.get("origin") if isinstance(item.get("origin"), str) and item["origin"] in _ORIGINS else ""
    common = dict(position=position, kind=kind, level=clamp_level(item.get("level")), origin=origin,
                  link=safe_link(item.get("link")), plan=plan)
    if kind == LineKind.TABLE.value:
        return PlanLine(label="", text="", data=clean_table(item.get("table")).to_json(), **common)
    return PlanLine(label=valid_label(kind, item.get("label")), weight=valid_weight(item.get("weight")),
                    text=clean_text(item.get("text"), multiline=True), **common)


def shift_years(doc: dict, delta: int) -> dict:
    """A copy of the document with the plan's own years moved by `delta` in every part
    (congdoan/plans/year_shift.py says what moves and what stays); what it could not settle is
    left to copy_plan's review list."""
    return shift_document(doc, delta)[0]
