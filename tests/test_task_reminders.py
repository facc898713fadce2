"""`flask tasks remind`: each group leader hears of their tasks due soon and overdue, the chair and
vice chairs of the committee's own, the chair of those overdue for long; in the app and by e-mail;
never twice on the same day."""
import datetime as dt
import email
import email.policy

from congdoan.dates import local_today
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.tasks import workflow

from .task_factories import approved_plan, hand_out, make_union
from .test_notifications import smtp  # noqa: F401  (the local SMTP server fixture)


def _plan_with_dates(u):
    today = local_today()
    dates = {"Sắp đến hạn": today + dt.timedelta(days=2), "Còn lâu": today + dt.timedelta(days=20),
             "Quá hạn ít": today - dt.timedelta(days=3), "Quá hạn lâu": today - dt.timedelta(days=15),
             "Đã xong": today - dt.timedelta(days=30)}
    schedule = [{"period": f"{d.month}/{d.year}", "activities": [{"text": text, "groups": [], "due": d.isoformat()}]}
                for text, d in dates.items()]
    plan = approved_plan(u, "Kế hoạch nhắc việc", schedule=schedule, date=None)
    g1, g2 = u.groups[0].id, u.groups[1].id
    made = hand_out(plan, u.chair, {"Sắp đến hạn": [g1, 0], "Còn lâu": [g1], "Quá hạn ít": [g2],
                                    "Quá hạn lâu": [g1], "Đã xong": [g1, g2]})
    for task in made:
        if task.title == "Đã xong":
            workflow.apply(task, "finish", u.chair, expected=task.version, note="Xong")
    db.session.commit()
    return made


def _reminders(kind):
    return {n.user_id: n for n in db.session.query(Notification).filter_by(kind=kind)}


def test_leaders_committee_and_chair_are_reminded_once(runner, smtp):  # noqa: F811
    u = make_union()
    _plan_with_dates(u)
    before = len(smtp.messages)                      # mails of the set-up (submission, approval, hand-out)
    result = runner.invoke(args=["tasks", "remind", "--days", "3", "--overdue-days", "7"])
    assert result.exit_code == 0, result.output
    assert "Đã gửi 5 lời nhắc việc." in result.output
    reminders = _reminders("task_reminder")
    lead1, lead2, lead3 = u.leaders
    assert lead3.id not in reminders                                  # nothing due for Tổ Văn phòng
    first = reminders[lead1.id].message
    assert "Tổ Khối 1" in first and "1 việc đến hạn trong 3 ngày tới" in first and "1 việc đã quá hạn" in first
    assert "Sắp đến hạn" in first and "Quá hạn lâu (quá hạn 15 ngày" in first
    assert "Còn lâu" not in first and "Đã xong" not in first
    assert "Quá hạn ít (quá hạn 3 ngày" in reminders[lead2.id].message
    # The committee's own task goes to the chair and the vice chairs.
    assert "Ban Chấp hành" in reminders[u.chair.id].message and "Ban Chấp hành" in reminders[u.vice.id].message
    escalation = _reminders("task_overdue")
    assert set(escalation) == {u.chair.id}
    assert "1 việc quá hạn hơn 7 ngày" in escalation[u.chair.id].message
    assert "Tổ Khối 1: Quá hạn lâu" in escalation[u.chair.id].message
    assert reminders[lead1.id].link == f"/viec/to/{u.groups[0].id}"
    # E-mails after the commit, one per notification.
    sent = smtp.messages[before:]
    assert sorted(r[0][0] for r in sent) == sorted(
        ["mai@thanhto.demo", "ha@thanhto.demo", "chutich@thanhto.demo", "pct@thanhto.demo", "chutich@thanhto.demo"])
    total = db.session.query(Notification).count()
    # The same day again: nothing new, no mail.
    again = runner.invoke(args=["tasks", "remind", "--days", "3", "--overdue-days", "7"])
    assert again.exit_code == 0 and "Không có lời nhắc việc mới" in again.output
    assert db.session.query(Notification).count() == total and len(smtp.messages) == before + 5
    bodies = [email.message_from_string(raw, policy=email.policy.default) for _, raw in sent]
    to_mai = next(m for m in bodies if m["To"] == "mai@thanhto.demo")
    assert to_mai["Subject"].startswith("[Công đoàn] Nhắc việc Tổ Khối 1")
    assert "Sắp đến hạn" in to_mai.get_content() and f"/viec/to/{u.groups[0].id}" in to_mai.get_content()


def test_wider_windows_and_no_leader(runner):
    u = make_union()
    _plan_with_dates(u)
    u.groups[0].leader_id = None                     # a group without a leader: only the chair's list names it
    db.session.commit()
    result = runner.invoke(args=["tasks", "remind", "--days", "30", "--overdue-days", "1"])
    assert result.exit_code == 0, result.output
    reminders = _reminders("task_reminder")
    assert u.leaders[0].id not in reminders
    escalation = _reminders("task_overdue")[u.chair.id].message
    assert "2 việc quá hạn hơn 1 ngày" in escalation
    assert "Tổ Khối 1: Quá hạn lâu" in escalation and "Tổ Khối 2 - 3: Quá hạn ít" in escalation
    bad = runner.invoke(args=["tasks", "remind", "--days", "-1"])
    assert bad.exit_code != 0
