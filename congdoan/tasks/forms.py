"""The forms of the task pages that take typed input beyond a status button."""
from wtforms import HiddenField, StringField, TextAreaField

from ..forms import Form


class CorrectTaskForm(Form):
    version = HiddenField()
    due = StringField("Hạn hoàn thành", render_kw={"type": "date"})
    note = TextAreaField("Hướng dẫn giao việc", render_kw={"rows": 3})
    reason = TextAreaField("Lý do thay đổi", render_kw={"rows": 2})


class WithdrawTaskForm(Form):
    version = HiddenField()
    withdraw_reason = TextAreaField("Lý do thu hồi", render_kw={"rows": 2})
