"""Upload forms of the documents area. Files are checked by the services, by content."""
from ..forms import Form
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectMultipleField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget


class SignatureForm(Form):
    image = FileField("Ảnh chữ ký (PNG hoặc JPEG, tối đa 2 MB)")


class SealForm(Form):
    seal = FileField("Ảnh con dấu (PNG hoặc JPEG, tối đa 2 MB)")


class TemplateForm(Form):
    template = FileField("Tệp mẫu Word (.docx, tối đa 5 MB)")


class ImportForm(Form):
    file = FileField("Tệp kế hoạch Word (.docx hoặc .doc, tối đa 20 MB)")


class VerifyFileForm(Form):
    file = FileField("Tệp cần kiểm tra (.docx hoặc .pdf, tối đa 15 MB)")


class SendForm(Form):
    """Gửi văn bản: the recipients of a signed plan (documents/sending.py checks them)."""
    all_members = BooleanField("Tất cả đoàn viên")
    committee = BooleanField("Ban Chấp hành và các chức vụ (Chủ tịch, Phó Chủ tịch, Ủy viên BCH, Kế toán / Thủ quỹ)")
    groups = SelectMultipleField("Một số tổ công đoàn", coerce=int, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(), validate_choice=False)
    addresses = TextAreaField("Địa chỉ e-mail khác (mỗi dòng một địa chỉ)")
    note = TextAreaField("Lời nhắn kèm thư (không bắt buộc)")
