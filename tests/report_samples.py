"""A realistic year-end report (Báo cáo tổng kết) as a document dict (docs/plan-document.md), laid out
as the school unions of DOMAIN.md write it: the opening, I. the situation (44 members, Nữ: 33, a
table by group), II. results (the year's activities month by month in a table long enough to cross a
page, support given by kind with amounts and a total), III. and IV. written by the committee.

Figures carry the link of the list they were counted from, as congdoan/reports/figures.py writes them.
"""
from __future__ import annotations

import copy

GROUPS = [  # group, members, women, joined, left
    ("Tổ Khối 1", 7, 6, 1, 0), ("Tổ Khối 2", 8, 7, 0, 1), ("Tổ Khối 3", 7, 5, 1, 0),
    ("Tổ Khối 4 - 5", 9, 7, 0, 0), ("Tổ Năng khiếu", 6, 3, 1, 1), ("Tổ Văn phòng", 7, 5, 0, 0),
]

ACTIVITIES = [  # month, activity, result, group
    ("8/2024", "Triển khai nhiệm vụ năm học, phân công BCH", "Hoàn thành đúng hạn", "BCH"),
    ("8/2024", "Rà soát danh sách đoàn viên, sổ sách công đoàn", "Hoàn thành đúng hạn", "Tổ Văn phòng"),
    ("9/2024", "Hội nghị Cán bộ, công chức, viên chức năm học 2024 - 2025", "Hoàn thành đúng hạn", "BCH"),
    ("9/2024", "Tết Trung thu cho con đoàn viên", "Hoàn thành đúng hạn", "Tổ Khối 1"),
    ("9/2024", "Đăng ký thi đua, danh hiệu", "Hoàn thành trễ hạn", "Tổ Khối 2"),
    ("10/2024", "Kỷ niệm ngày Phụ nữ Việt Nam 20/10", "Hoàn thành đúng hạn", "Ban Nữ công"),
    ("10/2024", "Thăm hỏi đoàn viên ốm đau", "Hoàn thành đúng hạn", "BCH"),
    ("11/2024", "Hội giảng chào mừng ngày Nhà giáo Việt Nam 20/11", "Hoàn thành đúng hạn", "Tổ Khối 3"),
    ("11/2024", "Văn nghệ chào mừng 20/11", "Hoàn thành đúng hạn", "Tổ Năng khiếu"),
    ("12/2024", "Sơ kết học kỳ I, quyết toán kinh phí 6 tháng", "Hoàn thành trễ hạn", "BCH"),
    ("12/2024", "Lập danh sách đoàn viên khó khăn để hỗ trợ Tết", "Hoàn thành đúng hạn", "Tổ Văn phòng"),
    ("1/2025", "Tặng quà Tết cho đoàn viên có hoàn cảnh khó khăn", "Hoàn thành đúng hạn", "BCH"),
    ("1/2025", "Hội xuân, gói bánh chưng", "Không thực hiện", "Tổ Khối 4 - 5"),
    ("2/2025", "Thăm hỏi gia đình đoàn viên có việc hiếu", "Hoàn thành đúng hạn", "BCH"),
    ("3/2025", "Kỷ niệm ngày Quốc tế Phụ nữ 8/3", "Hoàn thành đúng hạn", "Ban Nữ công"),
    ("3/2025", "Giải cầu lông, bóng bàn đoàn viên", "Hoàn thành trễ hạn", "Tổ Năng khiếu"),
    ("4/2025", "Tháng Công nhân: tuyên truyền Luật Công đoàn", "Hoàn thành đúng hạn", "BCH"),
    ("4/2025", "Tham quan học tập kinh nghiệm", "Dừng thực hiện", "BCH"),
    ("5/2025", "Khen thưởng con đoàn viên học giỏi", "Hoàn thành đúng hạn", "Tổ Văn phòng"),
    ("5/2025", "Thu thập minh chứng thành tích của con đoàn viên", "Hoàn thành đúng hạn", "Tổ Khối 1"),
    ("6/2025", "Tổng kết năm học, quyết toán kinh phí", "Hoàn thành đúng hạn", "BCH"),
    ("6/2025", "Tổ chức ngày Quốc tế Thiếu nhi 1/6 cho con đoàn viên", "Hoàn thành đúng hạn", "Tổ Khối 2"),
    ("7/2025", "Kỷ niệm ngày thành lập Công đoàn Việt Nam 28/7", "Hoàn thành đúng hạn", "BCH"),
    ("7/2025", "Nghỉ hè, nghỉ dưỡng cho đoàn viên", "Không thực hiện", "BCH"),
]

SUPPORT = [  # kind, people, amount
    ("Thăm hỏi ốm đau", "12", "6.000.000"),
    ("Hiếu, hỷ", "5", "3.500.000"),
    ("Trợ cấp khó khăn đột xuất", "2", "4.000.000"),
    ("Thai sản", "3", "1.500.000"),
    ("Khen thưởng con đoàn viên", "28", "5.600.000"),
]


def _cell(text: str, link: str = "") -> dict:
    return {"text": text, "link": link} if link else {"text": text}


def members_table() -> dict:
    rows = [[_cell(name), _cell(str(n), f"/doan-vien?to={i + 1}"), _cell(str(w), f"/doan-vien?to={i + 1}&gioi=nu"),
             _cell(str(j)), _cell(str(left))]
            for i, (name, n, w, j, left) in enumerate(GROUPS)]
    return {"columns": ["Tổ công đoàn", "Số đoàn viên", "Nữ", "Kết nạp", "Chuyển đi, nghỉ hưu"],
            "rows": rows,
            "total": [_cell("Tổng cộng"), _cell("44", "/doan-vien"), _cell("33", "/doan-vien?gioi=nu"),
                      _cell("3"), _cell("2")]}


def activities_table() -> dict:
    return {"columns": ["STT", "Tháng", "Hoạt động", "Kết quả", "Tổ phụ trách"],
            "rows": [[_cell(str(i + 1)), _cell(month), _cell(activity), _cell(result, "/viec?trang-thai=" + str(i)),
                      _cell(group)]
                     for i, (month, activity, result, group) in enumerate(ACTIVITIES)]}


def support_table() -> dict:
    return {"columns": ["Nội dung hỗ trợ", "Số lượt người", "Số tiền (đồng)"],
            "rows": [[_cell(kind), _cell(people, f"/de-xuat?loai={i}"), _cell(amount, f"/de-xuat?loai={i}")]
                     for i, (kind, people, amount) in enumerate(SUPPORT)],
            "total": [_cell("Tổng cộng"), _cell("50"), _cell("20.600.000", "/de-xuat?da-chi=1")]}


REPORT = {
    "format": 1,
    "kind": "report",
    "period_start": "2024-08-01",
    "period_end": "2025-07-31",
    "type_name": "BÁO CÁO",
    "subject": "Tổng kết hoạt động Công đoàn năm học 2024 - 2025",
    "period": "Năm học 2024 - 2025",
    "upper_union": "Công đoàn Giáo dục quận Hải An",
    "union_name": "CĐCS Trường Tiểu học Thành Tô",
    "place": "Thành Tô",
    "date": "2025-07-25",
    "number": None,
    "bases": [],
    "opening": "Thực hiện Kế hoạch số 01/KH-CĐ ngày 05/9/2024 về hoạt động Công đoàn năm học 2024 - 2025, "
               "Ban Chấp hành Công đoàn trường Tiểu học Thành Tô báo cáo kết quả hoạt động năm học "
               "2024 - 2025 đạt được những kết quả sau:",
    "sections": [
        {"title": "ĐẶC ĐIỂM TÌNH HÌNH", "lines": [
            {"kind": "subsection", "level": 0, "text": "Tình hình đội ngũ, đoàn viên"},
            {"kind": "paragraph", "level": 0, "origin": "records", "link": "/doan-vien",
             "text": "Tổng số cán bộ, giáo viên, nhân viên: 46, Nữ: 34. Tổng số đoàn viên công đoàn đầu năm "
                     "học: 43, cuối năm học: 44, Nữ: 33; kết nạp mới 03 đoàn viên, chuyển đi và nghỉ hưu "
                     "02 đoàn viên."},
            {"kind": "paragraph", "level": 0, "origin": "records", "link": "/to",
             "text": "Công đoàn trường chia làm 06 tổ công đoàn:"},
            {"kind": "table", "level": 0, "origin": "records", "link": "/doan-vien", "table": members_table()},
            {"kind": "subsection", "level": 0, "text": "Thuận lợi"},
            {"kind": "bullet", "level": 0, "text": "Được sự quan tâm, chỉ đạo sát sao của Công đoàn Giáo dục quận "
                                                   "và sự phối hợp chặt chẽ của chuyên môn nhà trường."},
            {"kind": "bullet", "level": 0, "text": "Đội ngũ đoàn viên đoàn kết, nhiệt tình, có trách nhiệm."},
            {"kind": "subsection", "level": 0, "text": "Khó khăn"},
            {"kind": "bullet", "level": 0, "text": "Kinh phí công đoàn còn hạn hẹp; một số đoàn viên ở xa trường."},
        ]},
        {"title": "KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "lines": [
            {"kind": "subsection", "level": 0, "text": "Thực hiện kế hoạch hoạt động năm học"},
            {"kind": "paragraph", "level": 0, "origin": "records", "link": "/viec?ke-hoach=1",
             "text": "Kế hoạch số 01/KH-CĐ có 24 hoạt động: 18 hoàn thành đúng hạn, 3 hoàn thành trễ hạn, "
                     "2 không thực hiện, 1 dừng thực hiện. Kết quả từng tháng như sau:"},
            {"kind": "table", "level": 0, "origin": "records", "link": "/viec?ke-hoach=1",
             "table": activities_table()},
            {"kind": "subsection", "level": 0, "text": "Chăm lo đời sống, bảo vệ quyền lợi đoàn viên"},
            {"kind": "paragraph", "level": 0, "origin": "records", "link": "/de-xuat?da-chi=1",
             "text": "Trong năm học, Công đoàn đã thăm hỏi, hỗ trợ **50 lượt** đoàn viên với tổng số tiền "
                     "**20.600.000 đồng**, cụ thể:"},
            {"kind": "table", "level": 0, "origin": "records", "link": "/de-xuat?da-chi=1", "table": support_table()},
            {"kind": "subsection", "level": 0, "text": "Văn bản đã ban hành"},
            {"kind": "bullet", "level": 0, "origin": "records", "link": "/ke-hoach?nam=2024",
             "text": "Kế hoạch số 01/KH-CĐ ngày 05/9/2024 về hoạt động Công đoàn năm học 2024 - 2025."},
            {"kind": "bullet", "level": 0, "origin": "records", "link": "/ke-hoach?nam=2024",
             "text": "Kế hoạch số 02/KH-CĐ ngày 10/5/2025 về khen thưởng con đoàn viên học giỏi."},
        ]},
        {"title": "ĐÁNH GIÁ CHUNG", "lines": [
            {"kind": "subsection", "level": 0, "text": "Ưu điểm"},
            {"kind": "paragraph", "level": 0,
             "text": "Ban Chấp hành đã triển khai đầy đủ các hoạt động theo kế hoạch; công tác chăm lo đời "
                     "sống đoàn viên được quan tâm, kịp thời."},
            {"kind": "subsection", "level": 0, "text": "Hạn chế và nguyên nhân"},
            {"kind": "paragraph", "level": 0,
             "text": "Một số hoạt động văn hóa, thể thao còn chậm so với kế hoạch (Tổ Năng khiếu, Tổ Khối 2) "
                     "do trùng lịch chuyên môn; hoạt động tham quan phải dừng vì kinh phí."},
        ]},
        {"title": "PHƯƠNG HƯỚNG NHIỆM VỤ NĂM HỌC TỚI", "lines": [
            {"kind": "bullet", "level": 0,
             "text": "Tiếp tục chăm lo đời sống, bảo vệ quyền và lợi ích hợp pháp của đoàn viên."},
            {"kind": "bullet", "level": 0,
             "text": "Xây dựng kế hoạch sát thực tế, phân công rõ tổ phụ trách và thời hạn."},
            {"kind": "bullet", "level": 0,
             "text": "Tổ chức lại Hội xuân và chuyến tham quan học tập đã không thực hiện được năm nay."},
        ]},
    ],
    "schedule_title": "",
    "schedule": [],
    "recipients": ["Công đoàn Giáo dục quận (để b/c);", "Chi bộ, BGH nhà trường;", "Lưu: VT."],
    "signature": {"on_behalf": "TM. BAN CHẤP HÀNH", "title": "CHỦ TỊCH", "name": "Nguyễn Thị Hoa"},
}


def sample_report() -> dict:
    return copy.deepcopy(REPORT)
