"""Report pages: the list of reports (/bao-cao), "Lập báo cáo tổng kết" (/bao-cao/moi) and "Cập nhật
số liệu". A report's own page is the plan page (/ke-hoach/<id>): the editor, the vote, signing,
downloads, history and verification are one machinery for every kind (docs/document-kinds.md); the
plan page leaves out what a report lacks and adds the figures' parts through report_page_context."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, request
from flask_login import current_user
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ..dates import local_today, parse_vn_date
from ..errors import ValidationFailed
from ..extensions import db
from ..forms import Form
from ..permissions import Perm, requires
from ..plans import queries as plan_queries
from ..plans.kinds import REPORT
from ..plans.models import EDITABLE, STATUS_LABELS, Plan
from ..plans.listing import list_context, render_list
from ..plans.routes import get_plan_or_404
from ..submissions.service import once_per_submission
from ..text import fold
from ..web import redirect_to, render
from . import service

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")

SCHOOL_YEAR, RANGE = "nam_hoc", "khoang_ngay"
YEARS_OFFERED = 6


def school_year_choices(today: dt.date) -> list[SelectChoice]:
    """The last finished school year first, then the ones before it, then the current one (its
    report can be drafted once it is over: the choice is refused until then)."""
    last = service.last_finished_school_year(today)
    years = [last + 1] + [last - i for i in range(YEARS_OFFERED)]
    return [SelectChoice(str(y), f"Năm học {y} - {y + 1}" + (" (đang diễn ra)" if y == last + 1 else ""))
            for y in sorted(years, reverse=True)]


class NewReportForm(Form):
    mode = RadioField("Kỳ báo cáo", choices=[SelectChoice(SCHOOL_YEAR, "Một năm học"),
                                             SelectChoice(RANGE, "Khoảng ngày tự chọn")],
                      default=SCHOOL_YEAR)
    school_year = SelectField("Năm học", choices=[], validate_choice=False)   # checked in _period, when chosen
    start = StringField("Từ ngày")
    end = StringField("Đến ngày")


def _period(form: NewReportForm) -> tuple[dt.date, dt.date]:
    """The period the form asks for; ValidationFailed with a message beside the field otherwise."""
    today = local_today()
    if form.mode.data == SCHOOL_YEAR:
        if form.school_year.data not in {choice.value for choice in form.school_year.choices}:
            raise ValidationFailed({"school_year": "Năm học được chọn không hợp lệ. Hãy chọn trong danh sách."})
        year = int(form.school_year.data)
        start, end = service.school_year(year)
        if end > today:
            raise ValidationFailed({"school_year": f"Năm học {year} - {year + 1} chưa kết thúc (đến "
                                                   f"{end:%d/%m/%Y}): chỉ lập báo cáo tổng kết cho năm học "
                                                   "đã qua, hoặc chọn khoảng ngày đến hôm nay."})
        return start, end
    errors = {}
    start, end = parse_vn_date(form.start.data), parse_vn_date(form.end.data)
    if form.start.data and start is None:
        errors["start"] = "Ngày bắt đầu không hợp lệ (dạng ngày/tháng/năm, ví dụ 01/08/2025)."
    if form.end.data and end is None:
        errors["end"] = "Ngày kết thúc không hợp lệ (dạng ngày/tháng/năm, ví dụ 31/07/2026)."
    if errors:
        raise ValidationFailed(errors)
    service.check_period(start, end, today=today)
    return start, end


# --- the list ------------------------------------------------------------------------------------

@bp.route("/")
@requires(Perm.PLANS_VIEW)
def index():
    return render_list("reports/index.html", "reports/_table.html", "report-filter",
                       **list_context(REPORT.key, "reports", "report-filter"),
                       statuses={s: label for s, label in STATUS_LABELS.items() if s.value != "archived"})


# --- "Lập báo cáo tổng kết" ----------------------------------------------------------------------

@bp.route("/moi", methods=["GET", "POST"])
@requires(Perm.PLANS_DRAFT)
@once_per_submission
def create():
    today = local_today()
    form = NewReportForm()
    form.school_year.choices = school_year_choices(today)
    if request.method == "GET":
        form.school_year.data = str(service.last_finished_school_year(today))
        last_start, last_end = service.school_year(service.last_finished_school_year(today))
        form.start.data, form.end.data = f"{last_start:%d/%m/%Y}", f"{last_end:%d/%m/%Y}"
    if form.validate_on_submit():
        try:
            start, end = _period(form)
            report = service.draft_report(start, end, actor=current_user,
                                          sections=service.sections_for(start, end))
        except ValidationFailed as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                getattr(form, name if name in ("school_year", "start", "end") else "end").errors = [message]
        else:
            db.session.commit()
            flash(f"Đã lập dự thảo “{report.subject}” từ số liệu của kỳ báo cáo. Hãy viết phần Đánh giá chung "
                  "và Phương hướng, xem lại từng số liệu rồi trình Ban Chấp hành.", "success")
            return redirect_to("plans.detail", plan_id=report.id)
    # The reports already drafted, newest first: a second draft of the same year is then a choice.
    existing = plan_queries.list_plans(current_user, kind=REPORT.key)[0][:5]
    return render("reports/create.html", form=form, today=today, existing=existing,
                  status=422 if form.errors else 200)


# --- "Cập nhật số liệu" --------------------------------------------------------------------------

@bp.route("/<int:plan_id>/cap-nhat-so-lieu", methods=["POST"])
@requires(Perm.PLANS_DRAFT)
def refresh(plan_id: int):
    report = get_plan_or_404(plan_id)
    if report.document_kind.from_records and report.period_start and report.period_end:
        sections = service.sections_for(report.period_start, report.period_end)
    else:
        sections = []
    count = service.refresh_figures(report, actor=current_user, sections=sections)
    db.session.commit()
    flash(f"Đã cập nhật số liệu ({count} dòng lấy từ dữ liệu). Những dòng Ban Chấp hành đã viết hoặc đã sửa "
          "được giữ nguyên.", "success")
    return redirect_to("plans.detail", plan_id=plan_id)


# --- the report's parts of the plan page ---------------------------------------------------------

def _prompts_title() -> str:
    return fold(service._section_title(REPORT.sections[-1]))


def report_page_context(plan: Plan) -> dict:
    """What the plan page adds for a report: "Cập nhật số liệu" while it can be edited, and the
    prompts for section IV ("Gợi ý từ số liệu", never printed) beside that section."""
    if not plan.document_kind.from_records:
        return {}
    context = {"can_refresh": plan.state in EDITABLE and plan.can_edit(current_user)}
    if context["can_refresh"] and plan.period_start and plan.period_end:
        target = next((s.id for s in plan.sections if fold(s.title) == _prompts_title()), None)
        if target is None and plan.sections:
            target = plan.sections[-1].id
        try:
            prompts = service.prompts_for(plan.period_start, plan.period_end)
        except ModuleNotFoundError as exc:     # figures.py not deployed yet: the page works without prompts
            if exc.name != f"{__package__}.figures":
                raise
            prompts = []
        context.update(report_prompts=prompts, prompts_section_id=target)
    return context
