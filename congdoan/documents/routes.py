"""Document pages: download (.docx, PDF), sign and issue, the public verification page, Word import,
one's own signature image, and the template and seal parts of the settings page."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, make_response, request, send_file, url_for
from flask_login import current_user

from ..dates import date_line, local_today
from ..errors import ValidationFailed
from ..extensions import db
from ..limits import parse_int
from ..organisation.models import Organisation
from ..permissions import Perm, has_permission, may_sign, public, requires
from ..plans.forms import ActionForm
from ..plans.models import Plan, PlanStatus
from ..plans.routes import get_plan_or_404
from ..submissions.service import once_per_submission
from ..text import file_name
from ..web import redirect_to, render
from ..workflow import posted_version
from . import ceilings, pdf_jobs, signatures, signing, stored_files, templates, verification, word_import
from .word_import import modes as import_modes
from . import pdf as pdf_tools
from .forms import ImportForm, SealForm, SignatureForm, TemplateForm, VerifyFileForm
from .render import DEFAULT_TEMPLATE

bp = Blueprint("documents", __name__)


def _send(file: stored_files.FileOut):
    response = send_file(io.BytesIO(file.data), mimetype=file.mimetype, as_attachment=True,
                         download_name=file_name(file.filename), conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _read(storage, limit: int) -> tuple[bytes, str]:
    """The uploaded bytes (at most limit + 1, so "too big" can be told) and the file name."""
    if storage is None or not getattr(storage, "filename", ""):
        return b"", ""
    return storage.read(limit + 1), storage.filename


# --- download -------------------------------------------------------------------------------------

@bp.route("/ke-hoach/<int:plan_id>/tai-ve.docx")
@requires(Perm.PLANS_VIEW)
def download_docx(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)     # plan_docx reads the parts it needs itself
    return _send(stored_files.plan_docx(plan))


def _signed_or_404(plan_id: int):
    """The plan the reader may see and its signed document; 404 for a plan never signed."""
    plan = get_plan_or_404(plan_id, tree=False)
    signed = stored_files.signed_for(plan.id)
    if signed is None:
        abort(404)
    return plan, signed


@bp.route("/ke-hoach/<int:plan_id>/tai-ve.pdf")
@requires(Perm.PLANS_VIEW)
def download_pdf(plan_id: int):
    _plan, signed = _signed_or_404(plan_id)
    return _send(stored_files.signed_pdf(signed))   # the stored file; made by the worker, never here


@bp.route("/ke-hoach/<int:plan_id>/trang-thai-pdf")
@requires(Perm.PLANS_VIEW)
def pdf_status(plan_id: int):
    """The PDF's part of the plan page, polled by htmx while the worker makes it."""
    plan, signed = _signed_or_404(plan_id)
    return render("documents/_pdf_status.html", "documents/_pdf_status.html", plan=plan, **_pdf_context(signed))


# --- sign and issue -------------------------------------------------------------------------------

@bp.route("/ke-hoach/<int:plan_id>/ky-ban-hanh")
@requires(Perm.PLANS_SIGN)
def sign_page(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    signing.check_can_sign(plan, current_user)
    org = Organisation.get()
    return render("documents/sign.html", plan=plan, form=ActionForm(), org=org,
                  block=signing.signature_block(plan, current_user, org),
                  signature=signatures.signature_of(current_user),
                  next_number=signing.peek_next_number(org, plan.document_kind),
                  has_seal=org.seal_sha256 is not None,
                  template=templates.active_template(org) if plan.kind == "plan" else None,
                  today_line=date_line(plan.place, local_today()))


@bp.route("/ke-hoach/<int:plan_id>/ky-ban-hanh", methods=["POST"])
@requires(Perm.PLANS_SIGN)
def sign(plan_id: int):
    plan = get_plan_or_404(plan_id)
    signed = signing.sign_plan(plan, actor=current_user, expected=posted_version(request.form, plan))
    db.session.commit()
    flash(f"Đã ký ban hành {plan.document_kind.label.lower()} số {signed.number}. Tệp đã ký được lưu cố định; "
          f"mã xác thực {signed.verify_code}.", "success")
    return redirect_to("plans.detail", plan_id=plan_id)


# --- verification (public) ------------------------------------------------------------------------

@bp.route("/xac-thuc")
@public
def verify_lookup():
    raw = request.args.get("ma")
    if raw is not None:
        code = verification.normalise_code(raw)
        if code:
            return redirect_to("documents.verify", code=code)
    return render("documents/verify_lookup.html", raw=raw or "")


@bp.route("/xac-thuc/<code>", methods=["GET", "POST"])
@public
def verify(code: str):
    signed = verification.find_by_code(code)
    if signed is None:
        return render("documents/verify.html", signed=None, code=code[:32], form=None, status=404)
    form = VerifyFileForm()
    result = error = None
    if form.validate_on_submit():
        data, _ = _read(form.file.data, verification.MAX_VERIFY_BYTES)
        if not data:
            error = "Vui lòng chọn tệp cần kiểm tra."
        elif len(data) > verification.MAX_VERIFY_BYTES:
            error = "Tệp quá lớn để kiểm tra (tối đa 15 MB). Văn bản gốc đã ký nhỏ hơn nhiều."
        else:
            result = verification.compare_file(signed, data) or "mismatch"
    return render("documents/verify.html", signed=signed, code=signed.verify_code, form=form, result=result,
                  error=error, status=422 if error else 200)


# --- Word import ----------------------------------------------------------------------------------

@bp.route("/ke-hoach/nhap-word", methods=["GET", "POST"])
@requires(Perm.PLANS_DRAFT)
@once_per_submission
def import_word():
    form = ImportForm()
    error = None
    mode = request.form.get("mode", import_modes.DRAFT) if request.method == "POST" else import_modes.DRAFT
    if form.validate_on_submit():
        data, filename = _read(form.file.data, word_import.MAX_BYTES)
        if not data:
            error = "Vui lòng chọn tệp kế hoạch Word (.docx hoặc .doc) để tải lên."
        else:
            try:
                plan, _ = word_import.import_plan(data, filename, actor=current_user, mode=mode)
            except ValidationFailed as exc:
                db.session.rollback()
                error = exc.message
            else:
                db.session.commit()
                if mode == import_modes.ARCHIVE:
                    flash(f"Đã lưu trữ kế hoạch đã ban hành “{plan.subject}”"
                          + (f", số {plan.number}" if plan.number else "") + ". Xem lại báo cáo bên dưới.",
                          "success")
                else:
                    flash(f"Đã nhập kế hoạch “{plan.subject}” thành dự thảo mới. Xem lại báo cáo bên dưới "
                          "rồi soạn tiếp.", "success")
                return redirect_to("documents.import_report", plan_id=plan.id)
    return render("documents/import.html", form=form, error=error, mode=mode, modes=import_modes.MODES,
                  hints=import_modes.HINTS, max_chars=f"{ceilings.MAX_TEXT_CHARS:,}".replace(",", "."),
                  soffice=pdf_tools.soffice_path() is not None,
                  status=422 if error else 200)


@bp.route("/ke-hoach/<int:plan_id>/bao-cao-nhap")
@requires(Perm.PLANS_VIEW)
def import_report(plan_id: int):
    plan = get_plan_or_404(plan_id, tree=False)
    report = word_import.import_report(plan)
    if report is None:
        abort(404)
    return render("documents/import_report.html", plan=plan, report=report)


# --- my signature ---------------------------------------------------------------------------------

@bp.route("/ca-nhan/chu-ky", methods=["GET", "POST"])
@requires(Perm.SIGNED_IN)
def my_signature():
    form = SignatureForm()
    error = None
    if form.validate_on_submit():
        data, _ = _read(form.image.data, signatures.MAX_IMAGE_BYTES)
        try:
            signatures.save_signature(current_user, data)
        except ValidationFailed as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Đã lưu ảnh chữ ký. Ảnh này được đặt vào các văn bản bạn ký từ nay.", "success")
            return redirect_to("documents.my_signature")
    return render("documents/signature.html", form=form, action_form=ActionForm(), error=error,
                  signature=signatures.signature_of(current_user), status=422 if error else 200)


@bp.route("/ca-nhan/chu-ky/xoa", methods=["POST"])
@requires(Perm.SIGNED_IN)
def delete_my_signature():
    signatures.delete_signature(current_user)
    db.session.commit()
    flash("Đã xóa ảnh chữ ký.", "success")
    return redirect_to("documents.my_signature")


@bp.route("/ca-nhan/chu-ky/anh.png")
@requires(Perm.SIGNED_IN)
def my_signature_image():
    signature = signatures.signature_of(current_user)
    if signature is None:
        abort(404)
    return _image(signature.image)


def _image(data: bytes):
    response = make_response(data)
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- settings: template and seal ------------------------------------------------------------------

def _settings_again(**errors):
    from ..organisation.routes import settings_page
    return settings_page(status=422, **errors)


@bp.route("/cai-dat/mau-van-ban", methods=["POST"])
@requires(Perm.SETTINGS_EDIT)
@once_per_submission
def upload_template():
    form = TemplateForm()
    if not form.validate_on_submit():
        abort(400)
    data, filename = _read(form.template.data, templates.MAX_TEMPLATE_BYTES)
    try:
        template = templates.upload_template(filename, data, actor=current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        return _settings_again(template_error=exc.message)
    db.session.commit()
    flash(f"Đã tải lên mẫu Word “{template.filename}” và dùng mẫu này cho kế hoạch từ nay. "
          "Các kế hoạch đã ký giữ nguyên tệp đã ký.", "success")
    return redirect_to("organisation.settings", _anchor="mau-word")


@bp.route("/cai-dat/mau-van-ban/dung", methods=["POST"])
@requires(Perm.SETTINGS_EDIT)
def use_template():
    raw = request.form.get("template_id", "")
    template_id = parse_int(raw, 0) if raw.isdigit() else None
    templates.use_template(template_id, actor=current_user)
    name = templates.template_name(template_id)
    db.session.commit()
    flash(f"Đã dùng mẫu Word “{name}” cho kế hoạch từ nay." if name else "Đã dùng lại mẫu Word mặc định.", "success")
    return redirect_to("organisation.settings", _anchor="mau-word")


@bp.route("/cai-dat/mau-van-ban/<int:template_id>/xoa", methods=["POST"])
@requires(Perm.SETTINGS_EDIT)
def delete_template(template_id: int):
    name = templates.template_name(template_id)
    templates.delete_template(template_id, actor=current_user)
    db.session.commit()
    flash(f"Đã xóa mẫu Word “{name}”.", "success")
    return redirect_to("organisation.settings", _anchor="mau-word")


@bp.route("/cai-dat/mau-van-ban/<int:template_id>/tai-ve")
@requires(Perm.SETTINGS_EDIT)
def download_template(template_id: int):
    from .models import PlanTemplate
    template = db.session.get(PlanTemplate, template_id)
    if template is None:
        abort(404)
    return _send(stored_files.FileOut(template.data, template.filename, stored_files.DOCX_MIME))


@bp.route("/cai-dat/mau-van-ban/mac-dinh/tai-ve")
@requires(Perm.SETTINGS_EDIT)
def download_default_template():
    return _send(stored_files.FileOut(DEFAULT_TEMPLATE.read_bytes(), "mau-ke-hoach-mac-dinh.docx",
                                      stored_files.DOCX_MIME))


@bp.route("/cai-dat/con-dau", methods=["POST"])
@requires(Perm.SIGNING_MANAGE)
def upload_seal():
    form = SealForm()
    if not form.validate_on_submit():
        abort(400)
    data, _ = _read(form.seal.data, signatures.MAX_IMAGE_BYTES)
    try:
        signatures.save_seal(data, actor=current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        return _settings_again(seal_error=exc.message)
    db.session.commit()
    flash("Đã lưu ảnh con dấu. Các văn bản ký từ nay có dấu; bản đã ký giữ nguyên.", "success")
    return redirect_to("organisation.settings", _anchor="con-dau")


@bp.route("/cai-dat/con-dau/xoa", methods=["POST"])
@requires(Perm.SIGNING_MANAGE)
def remove_seal():
    signatures.remove_seal(actor=current_user)
    db.session.commit()
    flash("Đã gỡ ảnh con dấu.", "success")
    return redirect_to("organisation.settings", _anchor="con-dau")


@bp.route("/cai-dat/con-dau.png")
@requires(Perm.SETTINGS_EDIT)
def seal_image():
    org = Organisation.get()
    if org.seal_sha256 is None:
        abort(404)
    return _image(org.seal_image)


def _pdf_context(signed) -> dict:
    """The PDF's state for the page; its last error only for those who manage background jobs."""
    if signed is None:
        return {"pdf": None, "pdf_detail": ""}
    state = pdf_jobs.pdf_state(signed)
    return {"pdf": state, "pdf_detail": state.detail if has_permission(current_user, Perm.JOBS_MANAGE) else ""}


def plan_files_context(plan: Plan) -> dict:
    """What the plan page's status bar needs to offer the files and the signing button."""
    signed = stored_files.signed_for(plan.id)
    return {"signed": signed, **_pdf_context(signed),
            "is_issued": plan.state in (PlanStatus.ISSUED, PlanStatus.ARCHIVED),
            "verify_link": url_for("documents.verify", code=signed.verify_code) if signed else None,
            **_sending_context(plan, signed)}


def _sending_context(plan: Plan, signed) -> dict:
    """"Gửi văn bản" for whoever may sign; the past sendings for them and the committee."""
    from .sending import sendings
    can_send = signed is not None and may_sign(current_user)
    show = signed is not None and (can_send or current_user.is_committee_member)
    return {"can_send": can_send, "sendings": sendings(plan) if show else []}


from . import send_routes  # noqa: E402,F401  (Gửi văn bản: routes on this blueprint)
