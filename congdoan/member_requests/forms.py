"""Forms: fields and CSRF only. The rules live in kinds.py, workflow.py and services.py."""
from __future__ import annotations

from ..forms import Form
from ..limits import parse_int
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .kinds import DATE, MONEY, SELECT, TEXTAREA, Kind

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def _int_or_none(value):
    # A value that is not a version in range is never a real version: the workflow answers
    # "changed meanwhile".
    return parse_int(value, -1, minimum=0) if value not in (None, "") else None


class ActionForm(Form):
    """What a transition may carry: a note (question, answer, reason) and an amount."""
    note = TextAreaField("Ghi chú")
    amount = StringField("Số tiền duyệt (đồng)", render_kw={"inputmode": "numeric", "autocomplete": "off",
                                                           "placeholder": "Ví dụ: 500.000"})
    version = HiddenField(filters=[_int_or_none])
    view = HiddenField()


class EvidenceForm(Form):
    evidence = MultipleFileField("Thêm minh chứng", render_kw={"accept": ACCEPT, "data-max-bytes": str(10 * 1024 * 1024)})


class ButtonForm(Form):
    """CSRF-only form for button POSTs."""


def request_form(kind: Kind, formdata=None, **kwargs) -> Form:
    """A form class built from the kind's field table, with the evidence input at the end."""
    attrs = {}
    for f in kind.fields:
        label = f.label if f.required or "(" in f.label else f"{f.label} (không bắt buộc)"
        render_kw = {}
        if f.required:
            render_kw["required"] = True
        if f.type == SELECT:
            field = SelectField(label, choices=[SelectChoice("", "— Chọn —")] + [SelectChoice(c, c) for c in f.choices],
                                validate_choice=False, render_kw=render_kw)
        elif f.type == TEXTAREA:
            render_kw["maxlength"] = 2000
            field = TextAreaField(label, render_kw=render_kw)
        else:
            if f.type == DATE:
                render_kw["type"] = "date"
            elif f.type == MONEY:
                render_kw.update(inputmode="numeric", placeholder="Ví dụ: 2.000.000", autocomplete="off")
            else:
                render_kw["maxlength"] = f.max_len
            field = StringField(label, render_kw=render_kw)
        attrs[f.name] = field
    label = "Minh chứng (ảnh JPG, PNG hoặc PDF, tối đa 10 MB mỗi tệp)"
    attrs["evidence"] = MultipleFileField(label, render_kw={"accept": ACCEPT, "data-max-bytes": str(10 * 1024 * 1024),
                                                           **({"required": True} if kind.evidence_required else {})})
    attrs["campaign_id"] = HiddenField()
    form_class = type(f"RequestForm_{kind.code}", (Form,), attrs)
    return form_class(formdata=formdata, **kwargs) if formdata is not None else form_class(**kwargs)


class CampaignForm(Form):
    kind = SelectField("Loại đề xuất", validate_choice=False)
    title = StringField("Tên đợt", render_kw={"maxlength": 200,
                                              "placeholder": "Ví dụ: Khen thưởng con đoàn viên dịp Tết Trung thu 2026"})
    description = TextAreaField("Mô tả, hướng dẫn", render_kw={"maxlength": 5000})
    deadline = StringField("Hạn cuối (nhận đến hết ngày)", render_kw={"type": "date"})
