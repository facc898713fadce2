"""Drafting the year-end report (báo cáo tổng kết) from the records of a period, and refreshing its
figures ("Cập nhật số liệu") without touching what the committee wrote.

A report is a document of the kind "report" (congdoan/plans/kinds.py): once drafted it is edited,
versioned, voted, signed and verified by the same services as a plan (plans/editing.py,
approvals/services.py, documents/signing.py). What is its own is here:

- draft_report(start, end, actor=, sections=) writes a new draft from SectionDraft values
  (congdoan/reports/blocks.py): the header as a new plan gets it from the settings, "BÁO CÁO", the
  subject and the period, an opening, and one plan_line per Block. The lines of a section drawn from
  the records carry origin "records" and the link of the list their figures were counted from; the
  sections the committee writes (III, IV) start with whatever lines their draft holds, as a person's.
- refresh_figures(report, actor=, sections=) replaces exactly the lines whose origin is "records".
- sections_for / prompts_for are the one door to congdoan/reports/figures.py (imported when called).

Services flush and never commit; the view commits once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..dates import local_today, utcnow
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..people.models import User
from ..permissions import Perm, has_permission
from ..plans import checks as plan_checks
from ..plans import creating as plan_creating
from ..plans import editing as plan_editing
from ..plans import versions as plan_versions
from ..plans.document import fill_plan
from ..plans.kinds import REPORT
from ..plans.models import EDITABLE, LineKind, LineOrigin, Plan, PlanLine, PlanSection, PlanStatus
from ..plans.numbering import clamp_level, valid_label
from ..text import clean_text, fold
from .blocks import Block, SectionDraft

MAX_YEARS = 5                   # a period longer than this is not a report's ("từ 2019 đến 2026")
EARLIEST = dt.date(2000, 1, 1)
SCHOOL_YEAR_START_MONTH = 8     # the app's school year: 01/08 - 31/07 (requests/kinds.current_school_year)
REFRESH_SUMMARY = "Cập nhật số liệu"


# --- the period ----------------------------------------------------------------------------------

def school_year(start_year: int) -> tuple[dt.date, dt.date]:
    """01/08/start_year - 31/07/start_year+1."""
    return dt.date(start_year, SCHOOL_YEAR_START_MONTH, 1), dt.date(start_year + 1, SCHOOL_YEAR_START_MONTH, 1) \
        - dt.timedelta(days=1)


def last_finished_school_year(today: dt.date) -> int:
    """The start year of the last school year that has ended by `today` (07/12/2026 -> 2025, the
    year 01/08/2025 - 31/07/2026; on 31/07/2026 that year is not over yet -> 2024)."""
    current = today.year if today.month >= SCHOOL_YEAR_START_MONTH else today.year - 1
    return current - 1


def school_year_of(start: dt.date, end: dt.date) -> int | None:
    """The start year when the period is exactly one school year, else None."""
    if (start.month, start.day) == (SCHOOL_YEAR_START_MONTH, 1) and (start, end) == school_year(start.year):
        return start.year
    return None


def check_period(start: dt.date | None, end: dt.date | None, *, today: dt.date | None = None) -> None:
    """Refuses, with a Vietnamese message per field, a period a report cannot cover."""
    today = today or local_today()
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "Vui lòng nhập ngày bắt đầu (dạng ngày/tháng/năm, ví dụ 01/08/2025)."
    if end is None:
        errors["end"] = "Vui lòng nhập ngày kết thúc (dạng ngày/tháng/năm, ví dụ 31/07/2026)."
    if errors:
        raise ValidationFailed(errors)
    if start < EARLIEST:
        errors["start"] = f"Ngày bắt đầu phải từ {EARLIEST:%d/%m/%Y} trở đi."
    if start > end:
        errors["end"] = "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."
    elif end > today:
        errors["end"] = (f"Ngày kết thúc không được sau hôm nay ({today:%d/%m/%Y}): báo cáo chỉ tổng kết "
                         "những gì đã diễn ra.")
    elif end - start >= dt.timedelta(days=366 * MAX_YEARS):
        errors["end"] = f"Một báo cáo chỉ tổng kết tối đa {MAX_YEARS} năm. Hãy chọn khoảng ngày ngắn hơn."
    if errors:
        raise ValidationFailed(errors)


def describe_period(start: dt.date, end: dt.date) -> tuple[str, str]:
    """(the subject, the period line): "Tổng kết hoạt động công đoàn năm học 2025 - 2026" for a
    school year, else "… từ ngày 01/09/2025 đến ngày 31/12/2025"."""
    year = school_year_of(start, end)
    if year is not None:
        span = f"năm học {year} - {year + 1}"
        return f"Tổng kết hoạt động công đoàn {span}", f"Năm học {year} - {year + 1}"
    span = f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    return f"Tổng kết hoạt động công đoàn {span}", f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _opening(start: dt.date, end: dt.date, union_name: str) -> str:
    year = school_year_of(start, end)
    span = (f"năm học {year} - {year + 1}" if year is not None
            else f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}")
    who = union_name or "Công đoàn cơ sở"
    return (f"Thực hiện chương trình, kế hoạch hoạt động công đoàn {span}, {who} "
            f"đã đạt được những kết quả sau:")


# --- the records (congdoan/reports/figures.py) ---------------------------------------------------

def sections_for(start: dt.date, end: dt.date) -> list[SectionDraft]:
    """The report's sections counted from the records of the period (I–IV; I and II from the
    records). The only caller of figures.draft_sections: tests replace this function."""
    from .figures import draft_sections    # imported when used: figures.py reads every part of the app
    return draft_sections(start, end)


def prompts_for(start: dt.date, end: dt.date) -> list[Block]:
    """Suggestions for section IV drawn from the records ("Gợi ý từ số liệu"): shown beside the
    section while the report can be edited, never printed."""
    from .figures import prompts
    return prompts(start, end)


# --- drafting ------------------------------------------------------------------------------------

def _section_title(title: str) -> str:
    """A title as the editor keeps it: without the "I. " it prints itself."""
    return plan_checks.strip_typed_marker("section", clean_text(title))[0][:500]


def _line(block: Block, plan: Plan, position: int, origin: str) -> PlanLine:
    if block.kind not in {k.value for k in LineKind}:
        raise DomainError(f"Dòng số liệu có kiểu không hợp lệ: {block.kind!r}.")
    is_table = block.kind == LineKind.TABLE.value
    if is_table and block.table is None:
        raise DomainError("Dòng bảng số liệu thiếu bảng.")
    return PlanLine(position=position, kind=block.kind, level=clamp_level(block.level),
                    label=valid_label(block.kind, ""), text="" if is_table else clean_text(block.text, multiline=True),
                    origin=origin, link=(block.link or "")[:500], plan=plan,
                    data=block.table.to_json() if is_table else None)


def _origin(draft: SectionDraft) -> str:
    return LineOrigin.RECORDS.value if draft.from_records else LineOrigin.PERSON.value


def _ensure_may_draft(actor: User) -> None:
    if not has_permission(actor, Perm.PLANS_DRAFT):
        raise PermissionDenied("Chỉ Ủy viên Ban Chấp hành mới được lập báo cáo tổng kết.")


def draft_report(start: dt.date, end: dt.date, *, actor: User, sections: Sequence[SectionDraft]) -> Plan:
    """A new report draft for the period, written from `sections` (see the module's docstring).
    Version 1 is recorded as a new plan's is (plans.versions.touch: "plan_created" in the audit)."""
    _ensure_may_draft(actor)
    check_period(start, end)
    subject, period = describe_period(start, end)
    doc = plan_creating.new_document(subject, period)
    doc["type_name"] = REPORT.type_name
    doc["opening"] = _opening(start, end, doc["union_name"])
    doc.update(kind=REPORT.key, period_start=start.isoformat(), period_end=end.isoformat())
    plan = Plan(author_id=actor.id, status=PlanStatus.DRAFT.value, subject="", year=start.year,
                kind=REPORT.key, period_start=start, period_end=end, figures_at=utcnow())
    db.session.add(plan)
    fill_plan(plan, doc)
    drafts = list(sections) or [SectionDraft(title, (), False) for title in REPORT.sections]
    for i, draft in enumerate(drafts):
        section = PlanSection(position=i, title=_section_title(draft.title))
        section.lines = [_line(block, plan, j, _origin(draft)) for j, block in enumerate(draft.blocks)]
        plan.sections.append(section)
    plan_editing.refresh_keys(plan)
    plan.year = start.year            # the year the period starts in, whatever the subject says
    db.session.flush()
    plan_versions.touch(plan, actor, f"Lập dự thảo báo cáo: {subject}")
    return plan


def amend_report(source: Plan, *, actor: User, summary: str) -> Plan:
    """A new draft of an approved report with all of it, line by line (origin, link and table data
    kept, so the amendment's figures can still be refreshed); the source stays as it was."""
    doc = plan_creating.new_document(source.subject, source.period)
    doc.update(kind=source.kind, period_start=source.period_start and source.period_start.isoformat(),
               period_end=source.period_end and source.period_end.isoformat())
    plan = Plan(author_id=actor.id, status=PlanStatus.DRAFT.value, subject="", year=source.year,
                kind=source.kind, period_start=source.period_start, period_end=source.period_end,
                figures_at=source.figures_at, source_plan_id=source.id)
    db.session.add(plan)
    fill_plan(plan, doc)
    for name in ("type_name", "subject", "period", "upper_union", "union_name", "place", "opening",
                 "schedule_title", "recipients", "sign_on_behalf", "signer_title", "signer_name"):
        setattr(plan, name, getattr(source, name))
    for i, old in enumerate(source.sections):
        section = PlanSection(position=i, title=old.title)
        section.lines = [PlanLine(position=j, kind=line.kind, level=line.level, label=line.label, text=line.text,
                                  origin=line.origin, link=line.link, data=line.data, plan=plan)
                         for j, line in enumerate(old.lines)]
        plan.sections.append(section)
    plan_editing.refresh_keys(plan)
    plan.year = source.year
    db.session.flush()
    plan_versions.touch(plan, actor, summary)
    return plan


# --- refreshing the figures ----------------------------------------------------------------------

def _match(report_sections: list[PlanSection], title: str, index: int) -> PlanSection | None:
    """The report's section for a drafted one: the same title (without accents, case or "I. "),
    else the section at the same place if it holds figures (a section the committee renamed)."""
    key = fold(_section_title(title))
    for section in report_sections:
        if fold(section.title) == key:
            return section
    if index < len(report_sections):
        candidate = report_sections[index]
        if any(line.origin == LineOrigin.RECORDS.value for line in candidate.lines):
            return candidate
    return None


def refresh_figures(report: Plan, *, actor: User, sections: Sequence[SectionDraft]) -> int:
    """"Cập nhật số liệu": the lines drawn from the records (origin "records") are replaced by the
    new count; nothing a person wrote or edited (origin "") is touched. Returns how many lines the
    records now give.

    Where a person's lines go, in each section (the rule): the new figure lines take the place of
    the old ones as one block. A person's line that stood before the first old figure line stays
    before the block; every other person's line (after the first figure line, or between figure
    lines) follows the block, in the order they were in. A section with no figure line yet gets its
    figures at the end. A section the drafts no longer name loses its figure lines only. Sections
    the committee writes (drafts with from_records False) are never touched. A figure line moved by
    hand is still a figure line; one deleted by hand comes back with the next refresh (the records
    still give it): to keep a figure out, rewrite it in one's own words instead.

    Refused: a report that is not a draft or returned (once submitted the version voted on is
    frozen), a person who may not edit it, a plan (only a report has figures)."""
    if not report.document_kind.from_records:
        raise DomainError(f"{report.document_kind.label} không lập từ số liệu nên không có gì để cập nhật.")
    if report.state not in EDITABLE:
        raise DomainError(f"Báo cáo đang ở trạng thái “{report.state.label}”: không cập nhật số liệu được. "
                          "Bản đã trình Ban Chấp hành được giữ nguyên như khi biểu quyết.")
    plan_editing.ensure_editable(report, actor)
    matched: dict[int, SectionDraft] = {}
    new_sections: list[SectionDraft] = []
    for index, draft in enumerate(sections):
        if not draft.from_records:
            continue
        section = _match(report.sections, draft.title, index)
        if section is None or section.id in matched:
            new_sections.append(draft)
        else:
            matched[section.id] = draft
    count = 0
    for section in report.sections:
        draft = matched.get(section.id)
        lines = list(section.lines)
        is_figure = [line.origin == LineOrigin.RECORDS.value for line in lines]
        if draft is None and not any(is_figure):
            continue
        first = is_figure.index(True) if any(is_figure) else len(lines)
        before = [line for line, figure in zip(lines[:first], is_figure[:first]) if not figure]
        after = [line for line, figure in zip(lines[first:], is_figure[first:]) if not figure]
        fresh = [_line(block, report, 0, LineOrigin.RECORDS.value) for block in (draft.blocks if draft else ())]
        section.lines[:] = before + fresh + after        # the old figure lines: deleted (delete-orphan)
        for i, line in enumerate(section.lines):
            if line.position != i:
                line.position = i
        count += len(fresh)
    for draft in new_sections:
        section = PlanSection(position=len(report.sections), title=_section_title(draft.title))
        section.lines = [_line(block, report, j, LineOrigin.RECORDS.value) for j, block in enumerate(draft.blocks)]
        report.sections.append(section)
        count += len(section.lines)
    report.figures_at = utcnow()
    db.session.flush()
    plan_versions.touch(report, actor, REFRESH_SUMMARY)
    return count
