"""The base form: Flask-WTF with WTForms' built-in messages in Vietnamese.

WTForms ships no Vietnamese translation, so without this a wrong number or choice would answer
"Not a valid integer value." Every form in the app subclasses Form.
"""
from secrets import token_hex

from flask_wtf import FlaskForm
from wtforms import HiddenField

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


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

    # The one-time token of a creating form (congdoan/submissions): fresh on every page that shows
    # the form, the one sent when the form comes back with errors. Rendered by the once() macro.
    submission_token = HiddenField(default=lambda: token_hex(16))


class ActionForm(Form):
    """CSRF-only form for button POSTs."""
