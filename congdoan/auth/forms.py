from ..forms import Form
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

MIN_PASSWORD = 8


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired("Vui lòng nhập email."),
                                            Length(max=254, message="Email quá dài.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."),
                                                     Length(max=200, message="Mật khẩu quá dài.")])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class ChangePasswordForm(Form):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới", validators=[
        DataRequired("Vui lòng nhập mật khẩu mới."),
        Length(min=MIN_PASSWORD, max=200, message=f"Mật khẩu mới cần từ {MIN_PASSWORD} đến 200 ký tự.")])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        DataRequired("Vui lòng nhập lại mật khẩu mới."),
        EqualTo("new", message="Hai lần nhập mật khẩu mới không khớp.")])
