import socket

import pytest
from aiosmtpd.controller import Controller

from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.notifications.service import notify, unread_count

from .conftest import make_user, text_of


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    with socket.socket() as probe:          # a free local port for the test SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    yield inbox
    app.config.update(SMTP_HOST="", SMTP_PORT=25)
    controller.stop()


def test_mail_is_sent_only_after_commit(smtp):
    a, b = make_user(email="a@thanhto.demo"), make_user(email="b@thanhto.demo")
    notify([a, b, a], "plan_submitted", "Kế hoạch “Tết Trung thu” chờ bạn duyệt", "/ke-hoach/1")
    assert smtp.messages == []
    db.session.commit()
    recipients = sorted(r[0][0] for r in smtp.messages)
    assert recipients == ["a@thanhto.demo", "b@thanhto.demo"]
    assert "Tết Trung thu" in smtp.messages[0][1] or "=?utf-8?" in smtp.messages[0][1]


def test_rolled_back_action_mails_nobody(smtp):
    a = make_user()
    notify([a], "x", "Không được gửi")
    db.session.rollback()
    db.session.commit()
    assert smtp.messages == []
    assert db.session.query(Notification).count() == 0


def test_dedup_key_makes_notify_idempotent():
    a = make_user()
    notify([a], "reminder", "Nhắc việc", dedup_key="task-1-2026-11-23")
    notify([a], "reminder", "Nhắc việc", dedup_key="task-1-2026-11-23")
    db.session.commit()
    assert db.session.query(Notification).count() == 1


def test_inactive_people_are_not_notified():
    a = make_user(active=False)
    assert notify([a], "x", "y") == []


def test_bell_counts_and_marks_read(client, signed_in):
    user = make_user()
    notify([user], "x", "Bạn có một đề xuất mới", "/")
    notify([user], "x", "Thông báo thứ hai", "/")
    db.session.commit()
    signed_in(user)
    bell = client.get("/thong-bao/chuong", headers={"HX-Request": "true"})
    assert 'class="bell-count">2<' in bell.get_data(as_text=True)
    page = client.get("/thong-bao/")
    assert "Bạn có một đề xuất mới" in text_of(page)
    first = db.session.query(Notification).order_by(Notification.id).first()
    r = client.post_form(f"/thong-bao/{first.id}/mo")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    assert unread_count(user) == 1
    client.post_form("/thong-bao/da-doc")
    assert unread_count(user) == 0


def test_someone_elses_notification_is_404(client, signed_in):
    owner, other = make_user(), make_user()
    item = notify([owner], "x", "riêng tư")[0]
    db.session.commit()
    signed_in(other)
    assert client.post_form(f"/thong-bao/{item.id}/mo").status_code == 404
