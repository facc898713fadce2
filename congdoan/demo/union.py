"""The demo union: Công đoàn cơ sở Trường Tiểu học Thành Tô (quận Hải An, Hải Phòng), after the real
2023-2024 plan in ../shared/examples. Names are invented; e-mails use the non-existent domain
.demo so no demo mail can reach a real person."""
from __future__ import annotations

DEMO_PASSWORD = "congdoan2026"
DOMAIN = "thanhto.demo"

ORGANISATION = {
    "name": "CĐCS TRƯỜNG TIỂU HỌC THÀNH TÔ",
    "upper_union": "LĐLĐ QUẬN HẢI AN",
    "place_name": "Thành Tô",
    "plan_abbrev": "KHCĐ",
    "body_abbrev": "THTT",
    "sign_on_behalf": "TM. BCH CÔNG ĐOÀN",
    "chair_title": "CHỦ TỊCH",
    "vice_chair_title": "PHÓ CHỦ TỊCH",
    "motto_line1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto_line2": "Độc lập - Tự do - Hạnh phúc",
    "default_recipients": "Như trên;\nLưu: VT.",
}

GROUPS = ["Tổ Khối 1", "Tổ Khối 2 - 3", "Tổ Khối 4 - 5", "Tổ Năng khiếu - Tiếng Anh", "Tổ Văn phòng"]

# (full name, e-mail local part, phone, group index, stored roles, leads group)
PEOPLE = [
    ("Nguyễn Thị Hoa", "chutich", "0912000001", 0, ["chair", "committee"], False),
    ("Trần Văn Minh", "phochutich", "0912000002", 2, ["vice_chair", "committee"], False),
    ("Phạm Thị Lan", "ketoan", "0912000003", 4, ["accountant", "committee"], False),
    ("Lê Thị Thu Hà", "ha.le", "0912000004", 1, ["committee"], True),
    ("Vũ Thị Mai", "mai.vu", "0912000005", 0, ["committee"], True),
    ("Đỗ Văn Hùng", "hung.do", "0912000006", 3, ["committee"], True),
    ("Hoàng Thị Ngọc", "ngoc.hoang", "0912000007", 2, ["committee"], True),
    ("Bùi Thị Hương", "huong.bui", "0912000008", 4, [], True),
    ("Ngô Văn Tuấn", "quantri", "0912000009", 4, ["admin"], False),
    ("Nguyễn Thị Thanh", "thanh.nguyen", "0912000010", 0, [], False),
    ("Trần Thị Yến", "yen.tran", "0912000011", 0, [], False),
    ("Phạm Văn Long", "long.pham", "0912000012", 0, [], False),
    ("Lê Thị Hồng", "hong.le", "0912000013", 0, [], False),
    ("Đặng Thị Phương", "phuong.dang", "0912000014", 1, [], False),
    ("Nguyễn Văn Đức", "duc.nguyen", "0912000015", 1, [], False),
    ("Vũ Thị Hạnh", "hanh.vu", "0912000016", 1, [], False),
    ("Trịnh Thị Oanh", "oanh.trinh", "0912000017", 1, [], False),
    ("Phan Thị Nhung", "nhung.phan", "0912000018", 1, [], False),
    ("Đinh Văn Khoa", "khoa.dinh", "0912000019", 2, [], False),
    ("Lương Thị Thủy", "thuy.luong", "0912000020", 2, [], False),
    ("Mai Thị Loan", "loan.mai", "0912000021", 2, [], False),
    ("Hà Thị Quỳnh", "quynh.ha", "0912000022", 2, [], False),
    ("Cao Văn Nam", "nam.cao", "0912000023", 3, [], False),
    ("Tạ Thị Linh", "linh.ta", "0912000024", 3, [], False),
    ("Đoàn Thị Vân", "van.doan", "0912000025", 3, [], False),
    ("Lý Thị Dung", "dung.ly", "0912000026", 3, [], False),
    ("Kiều Thị Trang", "trang.kieu", "0912000027", 4, [], False),
    ("Nguyễn Thị Bích", "bich.nguyen", "0912000028", 0, [], False),
    ("Trần Văn Sơn", "son.tran", "0912000029", 4, [], False),
    ("Phạm Thị Hiền", "hien.pham", "0912000030", 1, [], False),
]


def email(local: str) -> str:
    return f"{local}@{DOMAIN}"


# Each member's record (issue 19): gender, birth date and the day they joined the union, as the
# school's union book would hold them: mostly women, as in a primary school; a few long-serving staff
# joined before the union kept its book here (None). Joining dates are before August 2023, so that
# they fall before any past school year the demo lives through; the two who joined during that year
# are PAST_YEAR_JOINERS (their date depends on the year, congdoan/demo/past_year.py).
RECORDS = {
    "chutich": ("female", "1976-04-12", "1998-09-05"),
    "phochutich": ("male", "1979-08-23", "2002-10-15"),
    "ketoan": ("female", "1982-01-30", "2006-09-01"),
    "ha.le": ("female", "1984-11-02", "2007-09-05"),
    "mai.vu": ("female", "1986-06-19", "2009-10-01"),
    "hung.do": ("male", "1988-03-07", "2012-09-05"),
    "ngoc.hoang": ("female", "1983-12-25", "2005-09-05"),
    "huong.bui": ("female", "1980-07-14", "2004-03-01"),
    "quantri": ("male", "1990-05-09", "2015-09-01"),
    "thanh.nguyen": ("female", "1991-02-17", "2014-09-05"),
    "yen.tran": ("female", "1993-09-28", "2016-09-05"),
    "long.pham": ("male", "1985-10-03", "2010-09-01"),
    "hong.le": ("female", "1994-12-11", "2018-09-05"),
    "phuong.dang": ("female", "1989-04-22", "2012-09-05"),
    "duc.nguyen": ("male", "1996-07-01", "2020-09-07"),
    "hanh.vu": ("female", "1972-03-15", None),
    "oanh.trinh": ("female", "1987-08-08", "2011-09-05"),
    "nhung.phan": ("female", "1992-10-20", "2015-09-01"),
    "khoa.dinh": ("male", "1990-01-26", "2014-09-05"),
    "thuy.luong": ("female", "1985-05-30", "2009-09-05"),
    "loan.mai": ("female", "1970-11-11", None),
    "quynh.ha": ("female", "1995-06-06", "2019-09-05"),
    "nam.cao": ("male", "1992-02-14", "2017-09-05"),
    "linh.ta": ("female", "1997-09-09", "2021-09-06"),
    "van.doan": ("female", "1988-12-01", "2013-09-05"),
    "dung.ly": ("female", "1981-04-04", "2004-09-05"),
    "trang.kieu": ("female", "1993-03-03", "2017-03-01"),
    "bich.nguyen": ("female", "1974-07-27", None),
    "son.tran": ("male", "1998-10-10", None),          # joined during the past year (PAST_YEAR_JOINERS)
    "hien.pham": ("female", "2001-05-18", None),       # likewise
}

# Joined during the demo's past school year: (local part, month, day), in its first or second half.
PAST_YEAR_JOINERS = [("hien.pham", 9, 5), ("son.tran", 2, 16)]

# Members who left during the past school year, keeping their history: (full name, local part, phone,
# group index, gender, birth date, joined on, (month, day) of leaving, reason).
FORMER = [
    ("Đào Văn Quang", "quang.dao", "0912000031", 3, "male", "1987-06-15", "2011-09-05", (12, 31),
     "Chuyển công tác"),
    ("Nguyễn Thị Tuyết", "tuyet.nguyen", "0912000032", 1, "female", "1969-05-20", "1991-09-05", (5, 31),
     "Nghỉ hưu"),
]
