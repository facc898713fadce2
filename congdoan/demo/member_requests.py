"""Demo requests: an open Trung thu campaign for members' children's awards (after the 2021 plan that
asked for achievements "trước ngày 16/9/2021") and requests in every interesting state, made through
the real services so the timelines, the audit trail and the notifications are what the app writes.
Idempotent: when the campaign exists, nothing is created."""
from __future__ import annotations

import datetime as dt
import io
import os

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ..dates import local_today
from ..extensions import db
from ..people.models import User
from ..member_requests import services, workflow
from ..member_requests.kinds import KINDS, current_school_year
from ..member_requests.models import Campaign
from . import union

CAMPAIGN_TITLE = "Khen thưởng con đoàn viên có thành tích học tập dịp Tết Trung thu"
CAMPAIGN_TEXT = (
    "Ban Chấp hành khen thưởng các cháu là con đoàn viên đạt danh hiệu Hoàn thành xuất sắc nhiệm vụ học tập "
    "và rèn luyện, hoặc đạt giải trong các kỳ thi cấp quận trở lên, năm học vừa qua.\n"
    "Mỗi cháu gửi một đề xuất kèm ảnh chụp giấy khen. Mức khen: 200.000 đ/cháu; giải cấp thành phố trở lên: "
    "300.000 đ/cháu.")


def _certificate(child: str, achievement: str) -> bytes:
    """A small picture of a certificate, in place of a member's phone photo."""
    from PIL import Image, ImageDraw, ImageFont
    image = Image.new("RGB", (640, 440), (255, 250, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 627, 427), outline=(179, 38, 30), width=8)
    draw.rectangle((28, 28, 611, 411), outline=(214, 160, 40), width=3)
    path = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
    if os.path.exists(path):
        big, small = ImageFont.truetype(path, 44), ImageFont.truetype(path, 22)
        lines = [("GIẤY KHEN", big, 90), ("Trường Tiểu học Thành Tô", small, 170), (child, small, 230),
                 (achievement[:48], small, 290)]
    else:
        big = small = ImageFont.load_default()
        lines = [("GIAY KHEN", big, 90), (child.encode("ascii", "ignore").decode(), small, 230)]
    for text, font, y in lines:
        width = draw.textlength(text, font=font)
        draw.text(((640 - width) / 2, y), text, fill=(140, 29, 24), font=font)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)     # the seed makes ten of these: speed over size
    return out.getvalue()


def _photo(name: str, data: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type="image/png")


def seed_requests() -> dict[str, int]:
    """Create the demo campaign and requests unless the campaign already exists."""
    created = {"campaigns": 0, "requests": 0}
    if db.session.execute(sa.select(Campaign.id).where(Campaign.title == CAMPAIGN_TITLE)).first():
        return created
    people = {u.email.split("@")[0]: u for u in db.session.execute(
        sa.select(User).where(User.email.like(f"%@{union.DOMAIN}"))).scalars()}
    if not {"chutich", "ketoan", "mai.vu", "thanh.nguyen"} <= people.keys():
        return created
    chair, accountant, mai, ha = people["chutich"], people["ketoan"], people["mai.vu"], people["ha.le"]
    vice = people["phochutich"]
    today = local_today()
    values, errors = services.check_campaign("child_award", CAMPAIGN_TITLE, CAMPAIGN_TEXT, today + dt.timedelta(days=21))
    assert not errors, errors
    campaign = services.create_campaign(values, actor=chair)
    created["campaigns"] = 1
    year_start = int(current_school_year(today)[:4]) - 1
    last_year = f"{year_start} - {year_start + 1}"

    def award(who: str, child: str, class_name: str, achievement: str):
        details = {"child_name": child, "school": "Trường Tiểu học Thành Tô", "class_name": class_name,
                   "achievement": achievement, "school_year": last_year}
        req = services.submit(people[who], KINDS["child_award"], details,
                              [_photo(f"giay-khen-{who}.png", _certificate(child, achievement))], campaign=campaign)
        created["requests"] += 1
        return req

    def other(who: str, kind: str, details: dict):
        req = services.submit(people[who], KINDS[kind], details, [])
        created["requests"] += 1
        return req

    # Waiting for Vũ Thị Mai, leader of Tổ Khối 1 (the demo member's own request).
    award("thanh.nguyen", "Nguyễn Bảo Anh", "4A1", "Hoàn thành xuất sắc nhiệm vụ học tập và rèn luyện")
    # Confirmed and approved, waiting for the accountant.
    yen = award("yen.tran", "Trần Minh Khôi", "2A3", "Hoàn thành xuất sắc nhiệm vụ học tập và rèn luyện")
    workflow.apply(yen, "confirm", mai, expected=yen.version)
    workflow.apply(yen, "approve", chair, expected=yen.version, amount=200_000, note="Theo mức khen của đợt.")
    # Paid.
    long_ = award("long.pham", "Phạm Gia Hân", "5A2", "Giải Nhì Olympic Tiếng Anh cấp thành phố")
    workflow.apply(long_, "confirm", mai, expected=long_.version)
    workflow.apply(long_, "approve", vice, expected=long_.version,
                   amount=300_000, note="Giải cấp thành phố: 300.000 đ.")
    workflow.apply(long_, "pay", accountant, expected=long_.version, note="Chi tiền mặt tại phòng kế toán.")
    # The leader asked a question; waiting for the member's answer.
    hong = award("hong.le", "Lê Hoàng Nam", "3A1", "Học sinh tiêu biểu")
    workflow.apply(hong, "ask", mai, expected=hong.version,
                   note="Giấy khen ghi danh hiệu gì? Ảnh chụp bị mờ, chị chụp lại giúp em nhé.")

    # A private sick visit of the demo member: approved and paid.
    sick = other("thanh.nguyen", "sick_visit", {"patient": "Bản thân", "from_date": (today - dt.timedelta(days=20)).isoformat(),
                                                "to_date": (today - dt.timedelta(days=15)).isoformat(),
                                                "place": "Bệnh viện Hữu nghị Việt Tiệp", "note": "Phẫu thuật ruột thừa."})
    workflow.apply(sick, "approve", chair, expected=sick.version,
                   amount=500_000, note="Thăm hỏi theo quy chế chi tiêu nội bộ.")
    workflow.apply(sick, "pay", accountant, expected=sick.version)
    # Private, waiting for the committee.
    other("phuong.dang", "sick_visit", {"patient": "Con", "patient_name": "Đặng Minh Tú",
                                        "from_date": (today - dt.timedelta(days=3)).isoformat(),
                                        "place": "Bệnh viện Trẻ em Hải Phòng"})
    other("oanh.trinh", "hardship", {"reason": "Nhà bị tốc mái, hư hỏng đồ đạc sau bão.", "amount": 2_000_000})
    # A wedding in Tổ Khối 2 - 3, confirmed by its leader and paid.
    duc = other("duc.nguyen", "wedding_funeral", {"occasion": "Hỷ (cưới hỏi)", "relation": "Bản thân",
                                                  "person_name": "Nguyễn Văn Đức",
                                                  "event_date": (today + dt.timedelta(days=10)).isoformat(),
                                                  "place": "Nhà văn hóa phường Thành Tô"})
    workflow.apply(duc, "confirm", ha, expected=duc.version)
    workflow.apply(duc, "approve", chair, expected=duc.version, amount=500_000)
    workflow.apply(duc, "pay", accountant, expected=duc.version)
    # A suggestion answered by the committee.
    tip = other("bich.nguyen", "suggestion", {"subject": "Lịch sinh hoạt chuyên môn",
                                              "content": "Đề nghị chuyển sinh hoạt tổ sang chiều thứ Năm để giáo viên "
                                                         "dạy hai buổi tham gia đầy đủ."})
    workflow.apply(tip, "resolve", vice, expected=tip.version,
                   note="Ban Chấp hành đã đề nghị nhà trường điều chỉnh từ tháng sau.")
    db.session.flush()
    return created
