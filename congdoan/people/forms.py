from ..forms import ActionForm, Form  # noqa: F401  (ActionForm re-exported for the views)
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField, TelField
from wtforms.fields.choices import SelectChoice

from .models import GENDER_LABELS
from .services import LEAVE_OTHER, LEAVE_REASONS
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return -1   # an impossible id: the service reports it as an unknown group


class PersonForm(Form):
    """Fields only: the rules live in people.services.check_person, shared with the import."""
    full_name = StringField("Họ và tên")
    email = EmailField("Email (dùng để đăng nhập)")
    phone = TelField("Điện thoại")
    group_id = SelectField("Tổ công đoàn", coerce=_optional_int, validate_choice=False)
    roles = MultiCheckboxField("Vai trò", validate_choice=False)
    gender = SelectField("Giới tính", choices=[SelectChoice("", "Không ghi")] + [SelectChoice(g.value, label)
                                                                for g, label in GENDER_LABELS.items()],
                         validate_choice=False)
    # Dates are typed (dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd) and checked by services.check_record.
    birth_date = StringField("Ngày sinh", render_kw={"placeholder": "ví dụ 05/09/1985", "inputmode": "numeric",
                                                     "autocomplete": "off", "maxlength": 20})
    joined_on = StringField("Ngày vào công đoàn", render_kw={"placeholder": "ví dụ 05/09/1985", "inputmode": "numeric",
                                                             "autocomplete": "off", "maxlength": 20})


class GroupForm(Form):
    name = StringField("Tên tổ")
    leader_id = SelectField("Tổ trưởng", coerce=_optional_int, validate_choice=False)


class ImportForm(Form):
    file = FileField("Tệp danh sách (.csv hoặc .xlsx)")
    create_groups = BooleanField("Tự tạo tổ mới nếu tên tổ trong tệp chưa có")


class OfficesForm(Form):
    """One person's offices other than the chair (the chair is handed over, never ticked)."""
    offices = MultiCheckboxField("Chức vụ", validate_choice=False)


class HandoverForm(Form):
    successor_id = SelectField("Người nhận chức Chủ tịch", coerce=_optional_int, validate_choice=False)
    keep_on_committee = BooleanField("Tôi tiếp tục là Ủy viên Ban Chấp hành", default=True)


class LeaveForm(Form):
    """Ra khỏi công đoàn: the day (today when left empty) and the reason (services.check_leaving)."""
    left_on = StringField("Ngày ra khỏi công đoàn", render_kw={"placeholder": "ngày/tháng/năm", "inputmode": "numeric",
                                                                "autocomplete": "off", "maxlength": 20})
    left_reason = SelectField("Lý do", choices=[SelectChoice("", "— Chọn lý do —")] + [SelectChoice(r, r) for r in LEAVE_REASONS]
                              + [SelectChoice(LEAVE_OTHER, LEAVE_OTHER)], validate_choice=False)
    left_other = StringField("Lý do khác", render_kw={"maxlength": 200})


class UndoLeaveForm(Form):
    reactivate = BooleanField("Kích hoạt lại tài khoản", default=True)
