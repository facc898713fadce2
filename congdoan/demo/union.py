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
