"""Upload forms of the documents area. Files are checked by the services, by content."""
from ..forms import Form
from flask_wtf.file import FileField


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
