import datetime as dt
import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.dates import utcnow
from congdoan.notifications.service import notify, unread_count

from .conftest import make_user, text_of


class Inbox:
    """The local mail server's handler: what it received."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


class FlakyInbox(Inbox):
    """A mail server that answers "451 try again later" to the first `failures` messages."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Tạm thời không nhận thư"
        return await super().handle_DATA(server, session, envelope)


class Mailbox:
    """What the tests read. `messages` is what the server has received once the worker has run every
    mail job due now, as a running worker would have soon after the action (mail is never sent inside
    the request: congdoan/notifications/mail.py); `received` is what it has received so far."""

    def __init__(self, app, inbox: Inbox):
        self.app = app
        self.inbox = inbox

    @property
    def received(self):
        return self.inbox.received

    @property
    def messages(self):
        from congdoan.jobs import worker
        worker.run(self.app, once=True, kinds=("mail",))
        return self.inbox.received


def _serve(app, inbox: Inbox):
    with socket.socket() as probe:          # a free local port for the test SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield Mailbox(app, inbox)
    finally:
        app.config.update(SMTP_HOST="", SMTP_PORT=25)
        controller.stop()


@pytest.fixture
def smtp(app):
    yield from _serve(app, Inbox())


@pytest.fixture
def flaky_smtp(app):
    """A mail server that refuses (451) the first two messages."""
    yield from _serve(app, FlakyInbox(failures=2))


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



def test_a_mail_the_server_refuses_for_now_is_retried_until_delivered(app, runner, flaky_smtp):
    from congdoan.jobs import worker
    a = make_user(email="a@thanhto.demo")
    notify([a], "plan_submitted", "Kế hoạch “Tết Trung thu” chờ bạn duyệt", "/ke-hoach/1")
    db.session.commit()
    start = utcnow()
    for attempt in range(3):             # the queue's clock moved past each retry's backoff
        worker.run(app, once=True, now=start + dt.timedelta(hours=attempt))
    assert [m[0] for m in flaky_smtp.received] == [["a@thanhto.demo"]]
    assert flaky_smtp.inbox.failures == 0


class RefusingInbox(Inbox):
    async def handle_DATA(self, server, session, envelope):
        return "550 5.1.1 Không có hộp thư này"


def test_a_mail_refused_for_good_is_kept_failed_and_the_admin_told_in_the_app_only(app):
    from congdoan.jobs import worker
    from congdoan.jobs.models import Job
    admin = make_user(email="quantri@thanhto.demo", roles=["admin"])
    a = make_user(email="khong-co@thanhto.demo")
    for mailbox in _serve(app, RefusingInbox()):
        notify([a], "plan_submitted", "Kế hoạch chờ bạn duyệt", "/ke-hoach/1")
        db.session.commit()
        worker.run(app, once=True)
        assert mailbox.received == []
    jobs = db.session.execute(sa.select(Job).order_by(Job.id)).scalars().all()
    assert [(j.kind, j.status, j.attempts) for j in jobs] == [("mail", "failed", 1)]   # no retry, no mail about it
    assert "550" in jobs[0].last_error and "khong-co@thanhto.demo" in jobs[0].last_error
    told = db.session.execute(sa.select(Notification).where(Notification.user_id == admin.id)).scalars().all()
    assert [n.kind for n in told] == ["job_failed"]
