"""The base form: Flask-WTF with WTForms' built-in messages in Vietnamese, and clean strings.

WTForms ships no Vietnamese translation, so without this a wrong number or choice would answer
"Not a valid integer value." Every form in the app subclasses Form.

Every string field (text, text area, e-mail, telephone, hidden...) loses invisible controls (bidi
overrides, zero-width characters, C0/C1 controls) and is NFC-normalised before any validator sees
it (congdoan.text.strip_invisible), so a name cannot be disguised and a length is the length kept.
Passwords are left exactly as typed.
"""
from secrets import token_hex

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from .text import strip_invisible

MESSAGES = {
    "This field is required.": "Vui lòng điền mục này.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Not a valid choice": "Lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s” không phải là lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "“%(value)s” không phải là lựa chọn hợp lệ.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid date value.": "Ngày không hợp lệ (dạng ngày/tháng/năm).",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Invalid email address.": "Email không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị phải là một trong: %(values)s.",
    "Field must be equal to %(other_name)s.": "Hai ô phải giống nhau.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải từ %(max)s trở xuống.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
    "The CSRF token is missing.": "Thiếu mã bảo mật của biểu mẫu. Vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo mật của biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "The CSRF token has expired.": "Biểu mẫu đã hết hạn. Vui lòng tải lại trang.",
    "The CSRF tokens do not match.": "Mã bảo mật không khớp. Vui lòng tải lại trang.",
}


class VietnameseTranslations:
    def gettext(self, string):
        return MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


_TRANSLATIONS = VietnameseTranslations()


def _single_line(value):
    return strip_invisible(value) if isinstance(value, str) else value


def _multi_line(value):
    return strip_invisible(value, multiline=True) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                clean = _multi_line if issubclass(field_class, TextAreaField) else _single_line
                options["filters"] = (clean, *unbound_field.kwargs.get("filters", ()), *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)

    # The one-time token of a creating form (congdoan/submissions): fresh on every page that shows
    # the form, the one sent when the form comes back with errors. Rendered by the once() macro.
    submission_token = HiddenField(default=lambda: token_hex(16))


class ActionForm(Form):
    """CSRF-only form for button POSTs."""
