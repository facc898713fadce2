from ..forms import ActionForm, Form  # noqa: F401  (ActionForm re-exported for the views)
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import Optional


class NewPlanForm(Form):
    subject = StringField("Trích yếu (tên kế hoạch)")
    period = StringField("Thời gian (năm học hoặc ngày tổ chức)")


class CopyPlanForm(Form):
    shift_years = BooleanField("Dời các năm trong tên, thời gian và lịch công tác", default=True)
    years = IntegerField("Số năm", default=1, validators=[Optional()])
