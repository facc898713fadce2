"""Admin pages for people and union groups. Inline edits are htmx fragments; every page also works
as a plain page without JavaScript."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, request
from flask_login import current_user

from ..dates import fmt_date, local_today
from ..errors import DomainError
from ..extensions import db
from ..limits import int_arg, page_arg
from ..permissions import Perm, requires
from ..search import starts_words
from ..text import fold
from ..submissions.service import once_per_submission
from ..web import redirect_to, render
from . import services
from .forms import ActionForm, GroupForm, ImportForm, LeaveForm, PersonForm, UndoLeaveForm
from . import import_jobs
from .member_import import MAX_BYTES, ImportFileError, import_members, read_rows, read_table_checks
from .models import GENDER_LABELS, Group, User
from .roles import Role

bp = Blueprint("people", __name__, url_prefix="/quan-tri")
PAGE_SIZE = 50


def get_user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def get_group_or_404(group_id: int) -> Group:
    return db.session.get(Group, group_id) or abort(404)


def _group_choices(include_inactive: bool = False) -> list[tuple[str, str]]:
    query = sa.select(Group).order_by(Group.name_key)
    if not include_inactive:
        query = query.where(Group.active.is_(True))
    return [("", "— Chưa thuộc tổ —")] + [(str(g.id), g.name) for g in db.session.execute(query).scalars()]


def _person_form(user: User | None = None) -> PersonForm:
    form = PersonForm(obj=user) if user is not None and request.method == "GET" else PersonForm()
    form.group_id.choices = _group_choices(include_inactive=True)
    form.roles.choices = services.role_choices()
    if user is not None and request.method == "GET":
        form.group_id.data = user.group_id
        form.roles.data = [r.value for r in user.stored_roles]
        form.gender.data = user.gender or ""
        form.birth_date.data = fmt_date(user.birth_date)
        form.joined_on.data = fmt_date(user.joined_on)
    return form


def _form_data(form: PersonForm) -> services.PersonData:
    roles = set()
    for value in form.roles.data or []:
        try:
            roles.add(Role(value))
        except ValueError:
            roles.add(Role.MEMBER)   # not grantable: check_person reports it
    return services.PersonData(full_name=form.full_name.data or "", email=form.email.data or "",
                               phone=form.phone.data or "", group_id=form.group_id.data, roles=roles,
                               gender=form.gender.data or "", birth_date=form.birth_date.data or "",
                               joined_on=form.joined_on.data or "")


def _apply_errors(form: PersonForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        getattr(form, name).errors = [message]


# --- people --------------------------------------------------------------------------------------

@bp.route("/nguoi-dung")
@requires(Perm.PEOPLE_MANAGE)
def index():
    q = (request.args.get("q") or "").strip()[:100]
    group_id = int_arg("to")
    status = request.args.get("trang_thai", "active")
    page = page_arg()
    query = sa.select(User)
    if q:
        query = query.where(sa.or_(starts_words(User.name_key, q), User.email.like(f"%{q.lower()}%"),
                                   User.phone.like(f"%{q}%")))
    if group_id:
        query = query.where(User.group_id == group_id)
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    elif status == "member":                     # Đang sinh hoạt: not recorded as having left
        query = query.where(User.left_on.is_(None))
    elif status == "left":                       # Đã ra khỏi công đoàn
        query = query.where(User.left_on.is_not(None))
    total = db.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    people = db.session.execute(
        query.options(sa.orm.selectinload(User.group)).order_by(User.sort_key, User.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    context = dict(people=people, q=q, group_id=group_id, status_filter=status, page=page, total=total,
                   pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), groups=_group_choices(True)[1:],
                   action_form=ActionForm())
    if request.headers.get("HX-Trigger") == "people-filter":
        return render("people/index.html", "people/_people_table.html", **context)
    return render("people/index.html", **context)


@bp.route("/nguoi-dung/them", methods=["GET", "POST"])
@requires(Perm.PEOPLE_MANAGE)
@once_per_submission(result="people.index")     # the one-time password page is never shown twice
def create():
    form = _person_form()
    if form.validate_on_submit():
        data = _form_data(form)
        errors = services.check_person(data)
        if not errors:
            user, password = services.create_person(data, actor=current_user)
            db.session.commit()
            return render("people/created.html", people=[(user, password)])
        _apply_errors(form, errors)
    return render("people/create.html", form=form, status=422 if form.errors else 200)


@bp.route("/nguoi-dung/<int:user_id>/sua")
@requires(Perm.PEOPLE_MANAGE)
def edit(user_id: int):
    user = get_user_or_404(user_id)
    return render("people/edit.html", "people/_person_form_row.html", user=user, form=_person_form(user))


@bp.route("/nguoi-dung/<int:user_id>")
@requires(Perm.PEOPLE_MANAGE)
def row(user_id: int):
    user = get_user_or_404(user_id)
    return render("people/edit.html", "people/_person_row.html", user=user, form=_person_form(user),
                  action_form=ActionForm())


@bp.route("/nguoi-dung/<int:user_id>", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def update(user_id: int):
    user = get_user_or_404(user_id)
    form = _person_form(user)
    if form.validate_on_submit():
        data = _form_data(form)
        errors = services.check_person(data, existing=user)
        if not errors:
            services.update_person(user, data, actor=current_user)
            db.session.commit()
            if request.headers.get("HX-Request") != "true":
                flash(f"Đã lưu thông tin {user.full_name}.", "success")
                return redirect_to("people.index")
            return render("people/edit.html", "people/_person_row.html", user=user,
                          action_form=ActionForm(), saved=True)
        _apply_errors(form, errors)
    # Validation errors come back with 200 so htmx swaps the form with its messages in place.
    return render("people/edit.html", "people/_person_form_row.html", user=user, form=form,
                  status=200 if request.headers.get("HX-Request") == "true" else 422)


@bp.route("/nguoi-dung/<int:user_id>/ho-so")
@requires(Perm.PEOPLE_MANAGE)
def detail(user_id: int):
    """A person's page: their account and membership record, and leaving the union (or undoing it)."""
    user = get_user_or_404(user_id)
    return _detail_page(user)


def _detail_page(user: User, leave_form: LeaveForm | None = None, status: int = 200):
    leave_form = leave_form or LeaveForm(formdata=None)
    if leave_form.left_on.data is None:
        leave_form.left_on.data = fmt_date(local_today())
    return render("people/detail.html", user=user, leave_form=leave_form, undo_form=UndoLeaveForm(formdata=None),
                  gender_labels={g.value: label for g, label in GENDER_LABELS.items()}, status=status)


@bp.route("/nguoi-dung/<int:user_id>/ra-khoi-cong-doan", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def leave(user_id: int):
    user = get_user_or_404(user_id)
    form = LeaveForm()
    if not form.validate_on_submit():
        abort(400)
    day, reason, errors = services.check_leaving(user, form.left_on.data, form.left_reason.data, form.left_other.data)
    if not errors:
        try:
            groups = services.record_leaving(user, day, reason, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return _detail_page(db.session.get(User, user_id), form, status=409)
        db.session.commit()
        message = f"Đã ghi nhận {user.full_name} ra khỏi công đoàn ngày {fmt_date(day)}; tài khoản đã ngừng."
        if groups:
            message += f" {', '.join(groups)} chưa có tổ trưởng: hãy chọn tổ trưởng mới ở trang Tổ công đoàn."
        flash(message, "success")
        return redirect_to("people.detail", user_id=user.id)
    for name, message in errors.items():
        getattr(form, name).errors = [message]
    return _detail_page(user, form, status=422)


@bp.route("/nguoi-dung/<int:user_id>/huy-ra-khoi-cong-doan", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def undo_leave(user_id: int):
    user = get_user_or_404(user_id)
    form = UndoLeaveForm()
    if not form.validate_on_submit():
        abort(400)
    services.undo_leaving(user, actor=current_user, reactivate=bool(form.reactivate.data))
    db.session.commit()
    flash(f"Đã hủy ghi nhận {user.full_name} ra khỏi công đoàn"
          + ("; tài khoản đã được kích hoạt lại." if user.active else "; tài khoản vẫn đang ngừng."), "success")
    return redirect_to("people.detail", user_id=user.id)


@bp.route("/nguoi-dung/<int:user_id>/trang-thai", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def toggle_active(user_id: int):
    user = get_user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_active(user, not user.active, actor=current_user)
    db.session.commit()
    return _row_or_redirect(user, f"Đã {'kích hoạt lại' if user.active else 'ngừng'} tài khoản {user.full_name}.")


@bp.route("/nguoi-dung/<int:user_id>/mat-khau", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def reset_password(user_id: int):
    user = get_user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = services.reset_password(user, actor=current_user)
    db.session.commit()
    return render("people/created.html", people=[(user, password)], reset=True)


def _row_or_redirect(user: User, message: str) -> Response:
    if request.headers.get("HX-Request") == "true":
        return render("people/edit.html", "people/_person_row.html", user=user, action_form=ActionForm())
    flash(message, "success")
    return redirect_to("people.index")


@bp.route("/nguoi-dung/nhap", methods=["GET", "POST"])
@requires(Perm.PEOPLE_MANAGE)
@once_per_submission(result="people.index")     # nor the report with the new accounts' passwords
def import_file():
    form = ImportForm()
    report = None
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            error = "Vui lòng chọn tệp danh sách để tải lên."
        else:
            content = upload.read(MAX_BYTES + 1)
            try:
                if len(content) > import_jobs.SYNC_MAX_BYTES:
                    read_table_checks(upload.filename, content)
                    item = import_jobs.start(current_user, upload.filename, content,
                                             create_groups=form.create_groups.data)
                    db.session.commit()
                    return redirect_to("people.import_progress", import_id=item.id)
                rows = read_rows(upload.filename, content)
            except ImportFileError as exc:
                error = exc.message   # shown at the form, which stays filled in
            else:
                report = import_members(rows, actor=current_user,
                                        create_groups=form.create_groups.data).as_dict()
                db.session.commit()
    status = 422 if error else 200
    return render("people/import.html", form=form, report=report, passwords=True, error=error, status=status)


@bp.route("/nguoi-dung/nhap/<int:import_id>")
@requires(Perm.PEOPLE_MANAGE)
def import_progress(import_id: int):
    """A large import's page: its progress while the worker runs it (htmx asks again every two
    seconds), then its report; the temporary passwords are shown this once."""
    item = db.session.get(import_jobs.MemberImport, import_id)
    if item is None or item.created_by_id != current_user.id:
        abort(404)
    report = item.report if item.stage == import_jobs.DONE else None
    show_passwords = report is not None and import_jobs.take_passwords(item)    # the row keeps them no more
    context = dict(item=item, report=report, passwords=show_passwords)
    page = render("people/import_progress.html", "people/_import_progress.html", **context)
    if show_passwords:
        db.session.commit()
    return page


@bp.route("/nguoi-dung/mau-nhap.csv")
@requires(Perm.PEOPLE_MANAGE)
def import_sample():
    body = ("Họ và tên,Email,Điện thoại,Tổ,Vai trò,Giới tính,Ngày sinh,Ngày vào công đoàn\n"
            "Nguyễn Văn An,an.nguyen@example.edu.vn,0912345678,Tổ Khối 1,,Nam,12/03/1988,01/09/2012\n"
            "Trần Thị Bình,binh.tran@example.edu.vn,0987654321,Tổ Khối 2,Tổ trưởng,Nữ,05/09/1985,15/10/2008\n")
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=mau-danh-sach-doan-vien.csv"})


# --- groups --------------------------------------------------------------------------------------

def _group_form(group: Group | None = None) -> GroupForm:
    form = GroupForm(obj=group) if group is not None and request.method == "GET" else GroupForm()
    people = db.session.execute(
        sa.select(User).where(User.active.is_(True)).order_by(User.sort_key)).scalars().all()
    form.leader_id.choices = [("", "— Chưa có —")] + [
        (str(u.id), u.full_name + (f" ({u.group.name})" if u.group else "")) for u in people]
    if group is not None and request.method == "GET":
        form.leader_id.data = group.leader_id
    return form


def _groups_context(**extra):
    groups = db.session.execute(
        sa.select(Group).options(sa.orm.selectinload(Group.leader)).order_by(Group.active.desc(), Group.name_key)
    ).scalars().all()
    counts = dict(db.session.execute(
        sa.select(User.group_id, sa.func.count()).where(User.active.is_(True)).group_by(User.group_id)).all())
    return dict(groups=groups, counts=counts, action_form=ActionForm(), **extra)


@bp.route("/to-cong-doan")
@requires(Perm.PEOPLE_MANAGE)
def groups():
    return render("people/groups.html", new_form=GroupForm(), **_groups_context())


@bp.route("/to-cong-doan", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
@once_per_submission
def create_group():
    form = GroupForm()
    if not form.validate_on_submit():
        abort(400)
    name, error = services.check_group_name(form.name.data)
    if error:
        form.name.errors = [error]
        return render("people/groups.html", new_form=form,
                      status=200 if request.headers.get("HX-Request") == "true" else 422,
                      **_groups_context())
    services.create_group(name, actor=current_user)
    db.session.commit()
    flash(f"Đã thêm {name}." if fold(name).startswith("to ") else f"Đã thêm tổ {name}.", "success")
    return redirect_to("people.groups")


@bp.route("/to-cong-doan/<int:group_id>/sua")
@requires(Perm.PEOPLE_MANAGE)
def edit_group(group_id: int):
    group = get_group_or_404(group_id)
    return render("people/group_edit.html", "people/_group_form_row.html", group=group,
                  form=_group_form(group))


@bp.route("/to-cong-doan/<int:group_id>")
@requires(Perm.PEOPLE_MANAGE)
def group_row(group_id: int):
    group = get_group_or_404(group_id)
    return render("people/group_edit.html", "people/_group_row.html", group=group,
                  form=_group_form(group), **_groups_context())


@bp.route("/to-cong-doan/<int:group_id>", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def update_group(group_id: int):
    group = get_group_or_404(group_id)
    form = _group_form(group)
    if form.validate_on_submit():
        name, error = services.check_group_name(form.name.data, existing=group)
        leader = None
        if form.leader_id.data is not None:
            leader = db.session.get(User, form.leader_id.data)
            if leader is None:
                form.leader_id.errors = ["Người được chọn không tồn tại."]
        if error:
            form.name.errors = [error]
        if not form.errors:
            services.update_group(group, name, leader, actor=current_user)
            db.session.commit()
            if request.headers.get("HX-Request") != "true":
                flash(f"Đã lưu tổ {group.name}.", "success")
                return redirect_to("people.groups")
            return render("people/group_edit.html", "people/_group_row.html", group=group,
                          **_groups_context())
    return render("people/group_edit.html", "people/_group_form_row.html", group=group, form=form,
                  status=200 if request.headers.get("HX-Request") == "true" else 422)


@bp.route("/to-cong-doan/<int:group_id>/trang-thai", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def toggle_group(group_id: int):
    group = get_group_or_404(group_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_group_active(group, not group.active, actor=current_user)
    db.session.commit()
    if request.headers.get("HX-Request") == "true":
        return render("people/group_edit.html", "people/_group_row.html", group=group, **_groups_context())
    flash(f"Đã {'mở lại' if group.active else 'ngừng'} tổ {group.name}.", "success")
    return redirect_to("people.groups")
