"""Page facts (congdoan/facts.py): the union's name, the bell's count and the change counters ride on
the statement that loads the signed-in user, and are read afresh once the request writes."""
from __future__ import annotations

from flask import g
from flask_login import current_user

from congdoan import changes, facts
from congdoan.extensions import db
from congdoan.notifications import service as notifications
from congdoan.organisation.models import Organisation
from congdoan.tasks.models import Task

from .conftest import login, make_user, text_of
from .test_changes import _handed
from .task_factories import make_union
from .test_query_counts import count_queries


def _request_as(app, user):
    """A request context in which `user` is signed in and has been loaded the way every page loads it."""
    client = app.test_client()
    login(client, user)
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name).value
    return app.test_request_context("/", environ_base=client.environ_base, headers={"Cookie": f"{name}={cookie}"})


def test_a_kept_tracking_page_costs_one_statement(client):
    u = make_union()
    _handed(u)
    login(client, u.chair)
    assert client.get("/viec/theo-doi").status_code == 200      # computes and keeps the overview
    with count_queries() as counted:
        page = client.get("/viec/theo-doi")
    assert page.status_code == 200
    assert counted["n"] == 1, "the user, the bell, the union's name and the counter in one statement"
    assert Organisation.display_name() in text_of(page)


def test_the_facts_are_those_of_the_signed_in_user(app):
    u = make_union()
    other = make_user("Người Khác")
    notifications.notify([u.chair], "test", "Một thông báo")
    notifications.notify([other], "test", "Thông báo thứ nhất")
    notifications.notify([other], "test", "Thông báo thứ hai")
    db.session.commit()
    with _request_as(app, u.chair):
        assert current_user.id == u.chair.id
        assert g.page_facts["bell"] == 1
        assert notifications.unread_count(current_user) == 1
        assert notifications.unread_count(other) == 2      # someone else's count is never the kept one


def test_a_write_in_the_request_reads_the_facts_afresh(app):
    u = make_union()
    _, tasks = _handed(u)
    with _request_as(app, u.chair):
        assert current_user.is_authenticated
        counter = changes.current("tracking")
        bell = notifications.unread_count(current_user)
        notifications.notify([current_user], "test", "Việc mới")          # flushed, not committed
        assert notifications.unread_count(current_user) == bell + 1
        db.session.get(Task, tasks[0].id).note = "Ghi chú mới"
        db.session.commit()
        assert changes.current("tracking") == counter + 1                 # the request's own commit
        with db.engine.begin() as other:                                    # another worker's write
            other.exec_driver_sql("UPDATE change_counters SET value = value + 1 WHERE name = 'tracking'")
        changes.bump(db.session, "tracking")                                # a Core write: no flush
        assert changes.current("tracking") == counter + 2                 # read afresh: the other's
        db.session.commit()
        assert changes.current("tracking") == counter + 3                 # and this one, at commit
        org = Organisation.get_for_update()
        org.name = "CĐCS Trường Đổi Tên"
        db.session.commit()
        assert Organisation.display_name() == "CĐCS Trường Đổi Tên"


def test_without_a_signed_in_user_the_facts_are_read_directly(app):
    with app.test_request_context("/"):
        assert "page_facts" not in g
        assert facts.get("org_name", lambda: "đọc trực tiếp") == "đọc trực tiếp"
        assert Organisation.display_name()
