from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import Optional


class NewPlanForm(FlaskForm):
    subject = StringField("Trích yếu (tên kế hoạch)")
    period = StringField("Thời gian (năm học hoặc ngày tổ chức)")


class CopyPlanForm(FlaskForm):
    shift_years = BooleanField("Dời các năm trong tên, thời gian và lịch công tác", default=True)
    years = IntegerField("Số năm", default=1, validators=[Optional()])


class ActionForm(FlaskForm):
    """CSRF-only form for button POSTs."""
