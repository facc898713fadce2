"""A board's cards are kept per process by everything they print (congdoan/tasks/cards.py): each
change of what a card shows must show on the next view, and each page carries its own CSRF token."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from congdoan.extensions import db
from congdoan.people.models import Group, User
from congdoan.plans.models import Plan
from congdoan.tasks import cards, workflow
from congdoan.tasks.models import Task

from .conftest import login, text_of
from .task_factories import make_union, quick_task


@pytest.fixture
def u():
    return make_union()


def _board(client, group) -> str:
    response = client.get(f"/viec/to/{group.id}?trang_thai=")
    assert response.status_code == 200
    return html.unescape(text_of(response))


def _card_html(client, group, task) -> str:
    page = client.get(f"/viec/to/{group.id}?trang_thai=").get_data(as_text=True)
    start = page.index(f'id="task-{task.id}"')
    return page[start:page.index("</article>", start)]


def _without_tokens(page: str) -> str:
    return re.sub(r'(name="csrf_token" value=")[^"]*"', r'\1…"', page)


def test_every_change_a_card_prints_shows_on_the_next_view(client, signed_in, u):
    group = u.groups[0]
    task = quick_task(u, group=group, due=dt.date.today() + dt.timedelta(days=30))
    signed_in(u.leaders[0])
    first = _card_html(client, group, task)
    # Kept: the same card, the same HTML, but for the CSRF token, signed with the current second.
    assert _without_tokens(first) == _without_tokens(_card_html(client, group, task))
    assert len(cards._kept.cache) >= 1

    loaded = db.session.get(Task, task.id)
    workflow.apply(loaded, "start", u.chair, expected=loaded.version)
    db.session.commit()
    assert "Đang thực hiện" in html.unescape(_card_html(client, group, task))

    db.session.get(Group, group.id).name = "Tổ Đổi Tên"
    db.session.commit()
    assert "Tổ Đổi Tên" in _board(client, group)

    db.session.get(Plan, task.plan_id).subject = "Kế hoạch mang tên mới"
    db.session.commit()
    assert "Kế hoạch mang tên mới" in _board(client, group)

    db.session.get(User, u.chair.id).set_name("Chủ Tịch Đổi Tên")    # not a tracked table
    db.session.commit()
    assert "Cập nhật trạng thái: Chủ Tịch Đổi Tên" in _board(client, group)

    db.session.get(Task, task.id).due_date = dt.date(2020, 1, 1)
    db.session.commit()
    assert "Quá hạn" in html.unescape(_card_html(client, group, task))


def test_who_may_update_sees_buttons_and_the_others_do_not(client, signed_in, u, as_):
    group = u.groups[0]
    task = quick_task(u, group=group)
    signed_in(u.leaders[0])
    assert "Bắt đầu thực hiện" in html.unescape(_card_html(client, group, task))
    as_(u.members[0])                                             # the same card, read only
    assert "Bắt đầu thực hiện" not in html.unescape(_card_html(client, group, task))


def test_each_page_carries_its_own_sessions_csrf_token(client, signed_in, u, as_, app):
    group = u.groups[0]
    task = quick_task(u, group=group)
    signed_in(u.leaders[0])
    card = _card_html(client, group, task)
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', card))
    assert len(tokens) == 1 and cards._CSRF_MARK not in card
    (token,) = tokens
    # The token works: the one-tap button of the kept card changes the status.
    moved = client.post(f"/viec/{task.id}/cap-nhat", data={"csrf_token": token, "from_status": "not_started",
                                                          "to_status": "in_progress", "view": "board"},
                        headers={"HX-Request": "true"})
    assert moved.status_code == 200 and db.session.get(Task, task.id).status == "in_progress"
    other = app.test_client()
    login(other, u.chair)
    theirs = other.get(f"/viec/to/{group.id}?trang_thai=").get_data(as_text=True)
    assert token not in theirs and cards._CSRF_MARK not in theirs
