from ..forms import Form
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from ..text import clean_text
from .models import APPROVAL_RULES, SYMBOL_MAX, plan_symbol

R = "Vui lòng nhập {}."


def _text(label, max_len, required=True):
    validators = [Length(max=max_len, message=f"{label} tối đa {max_len} ký tự.")]
    if required:
        validators.insert(0, DataRequired(R.format(label.lower())))
    return StringField(label, validators=validators)


class OrganisationForm(Form):
    name = _text("Tên công đoàn cơ sở", 200)
    upper_union = _text("Công đoàn cấp trên", 200)
    place_name = _text("Địa danh ghi trên văn bản", 100)
    plan_abbrev = _text("Viết tắt loại văn bản Kế hoạch", 20)
    body_abbrev = _text("Viết tắt tên cơ quan ban hành", 30, required=False)
    sign_on_behalf = _text("Dòng thẩm quyền ký (TM.)", 100, required=False)
    chair_title = _text("Chức danh Chủ tịch", 100)
    vice_chair_title = _text("Chức danh Phó Chủ tịch", 100)
    motto_line1 = _text("Quốc hiệu", 200)
    motto_line2 = _text("Tiêu ngữ", 200)
    default_recipients = TextAreaField("Nơi nhận mặc định (mỗi dòng một nơi)", validators=[
        Length(max=2000, message="Nơi nhận tối đa 2000 ký tự.")])
    approval_rule = SelectField("Quy tắc thông qua kế hoạch", choices=dict(APPROVAL_RULES))
    vote_deadline_days = IntegerField("Thời hạn biểu quyết (ngày)", validators=[
        InputRequired("Vui lòng nhập số ngày."),
        NumberRange(min=1, max=90, message="Thời hạn biểu quyết từ 1 đến 90 ngày.")])
    # Shown to the chair only (Perm.SIGNING_MANAGE); choices are the active vice chairs, and the
    # service checks the choice (its message is Vietnamese, WTForms' own is not).
    sign_delegate_id = SelectField("Ủy quyền ký ban hành kế hoạch", choices=[], validate_choice=False,
                                   coerce=lambda v: "" if v in (None, "", "None") else str(v))

    def validate_body_abbrev(self, field):
        """The register number "NN/<plan>-<body>" must fit its column with a number up to 9999."""
        symbol = plan_symbol(clean_text(self.plan_abbrev.data), clean_text(field.data))
        if len(symbol) > SYMBOL_MAX:
            raise ValidationError(
                f"Ký hiệu văn bản “{symbol}” dài {len(symbol)} ký tự; số văn bản chỉ chứa được ký hiệu "
                f"tối đa {SYMBOL_MAX} ký tự (tính cả dấu gạch nối). Hãy rút gọn hai chữ viết tắt.")
