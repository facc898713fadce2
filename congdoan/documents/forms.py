"""Upload forms of the documents area. Files are checked by the services, by content."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class SignatureForm(FlaskForm):
    image = FileField("Ảnh chữ ký (PNG hoặc JPEG, tối đa 2 MB)")


class SealForm(FlaskForm):
    seal = FileField("Ảnh con dấu (PNG hoặc JPEG, tối đa 2 MB)")


class TemplateForm(FlaskForm):
    template = FileField("Tệp mẫu Word (.docx, tối đa 5 MB)")


class ImportForm(FlaskForm):
    file = FileField("Tệp kế hoạch Word (.docx, tối đa 20 MB)")


class VerifyFileForm(FlaskForm):
    file = FileField("Tệp cần kiểm tra (.docx hoặc .pdf, tối đa 15 MB)")
