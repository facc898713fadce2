"""Who sees which request, proved with real requests through the client: the requester; the
committee and the accountant; the group leader only for their group's public requests waiting for
them or handled by them; nobody else, and no group leader ever for health and hardship. Evidence
files follow the same rule, and the SQL used by every list agrees with MemberRequest.can_view."""
import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.member_requests.kinds import KINDS
from congdoan.member_requests.models import MemberRequest
from congdoan.member_requests.queries import visible_ids, visible_to

from .conftest import text_of
from .reqkit import SAMPLE, act, cast, png_bytes


def _file_through_client(client, user, kind: str) -> MemberRequest:
    """The member files the request through the form, with a photo, as in real life."""
    client.post_form("/dang-xuat")
    from .conftest import login
    login(client, user)
    values = MultiDict(dict(SAMPLE[kind], csrf_token=client.csrf_token()))
    values.add("evidence", FileStorage(io.BytesIO(png_bytes()), filename="minh-chung.png"))
    boundary, body = encode_multipart(values)
    r = client.post(f"/de-xuat/moi/{KINDS[kind].slug}", data=body,
                    content_type=f"multipart/form-data; boundary={boundary}")
    assert r.status_code == 303, text_of(r)[:300]
    client.post_form("/dang-xuat")
    return db.session.execute(sa.select(MemberRequest).order_by(MemberRequest.id.desc())).scalars().first()


@pytest.fixture
def world(client):
    c = cast()
    c.waiting = _file_through_client(client, c.member, "wedding_funeral")        # public, waits for c.leader
    c.sick = _file_through_client(client, c.member, "sick_visit")                # private
    c.hardship = _file_through_client(client, c.member, "hardship")              # private
    c.maternity = _file_through_client(client, c.member, "maternity")            # private
    c.handled = _file_through_client(client, c.member, "emulation")              # public, confirmed by c.leader
    act(c.handled, "confirm", c.leader)
    c.withdrawn = _file_through_client(client, c.member, "wedding_funeral")      # public, withdrawn unseen
    act(c.withdrawn, "withdraw", c.member)
    c.suggestion = _file_through_client(client, c.member, "suggestion")          # goes straight to the committee
    c.neighbours = _file_through_client(client, c.neighbour, "wedding_funeral")  # someone else's, same group
    return c


ALL = ["waiting", "sick", "hardship", "maternity", "handled", "withdrawn", "suggestion", "neighbours"]
SEES = {
    "member": ["waiting", "sick", "hardship", "maternity", "handled", "withdrawn", "suggestion"],
    "neighbour": ["neighbours"],
    "leader": ["waiting", "handled", "neighbours"],
    "other_leader": [],
    "other_member": [],
    "chair": ALL,
    "committee": ALL,
    "accountant": ALL,
    "cashier": ALL,            # the accountant who is not on the committee
    "admin": [],               # a technical role: no business with members' requests
}


@pytest.mark.parametrize("who", list(SEES))
def test_each_person_sees_exactly_their_requests_and_evidence(client, signed_in, world, who):
    user = getattr(world, who)
    signed_in(user)
    for name in ALL:
        req = getattr(world, name)
        page = client.get(f"/de-xuat/{req.id}")
        evidence = client.get(f"/de-xuat/{req.id}/minh-chung/{req.files[0].file_id}")
        if name in SEES[who]:
            assert page.status_code == 200, (who, name)
            assert evidence.status_code == 200 and evidence.mimetype == "image/png", (who, name)
        else:
            assert page.status_code == 404, (who, name, page.status_code)
            assert evidence.status_code == 404, (who, name)
            assert req.requester.full_name not in text_of(page)
        evidence.close()


def test_anonymous_visitors_see_nothing(client, world):
    for name in ALL:
        req = getattr(world, name)
        for url in (f"/de-xuat/{req.id}", f"/de-xuat/{req.id}/minh-chung/{req.files[0].file_id}"):
            r = client.get(url)
            assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"]


def test_a_file_of_another_request_is_not_served_through_mine(client, signed_in, world):
    signed_in(world.neighbour)
    mine, theirs = world.neighbours, world.sick
    assert client.get(f"/de-xuat/{mine.id}/minh-chung/{theirs.files[0].file_id}").status_code == 404


def test_lists_follow_the_same_rule(client, signed_in, world):
    signed_in(world.neighbour)
    mine = text_of(client.get("/de-xuat/"))
    assert "Nguyễn Thị Thanh" not in mine and "Bệnh viện" not in mine
    assert client.get("/de-xuat/tat-ca").status_code == 403
    assert client.get("/de-xuat/tat-ca.xlsx").status_code == 403
    assert client.get("/de-xuat/cho-xac-nhan").status_code == 403
    client.post_form("/dang-xuat")
    signed_in(world.leader)
    inbox = client.get("/de-xuat/cho-xac-nhan").get_data(as_text=True)
    assert f'id="req-card-{world.waiting.id}"' in inbox and f'id="req-card-{world.neighbours.id}"' in inbox
    for private in ("sick", "hardship", "maternity", "suggestion"):
        assert f'id="req-card-{getattr(world, private).id}"' not in inbox
    assert "Bệnh viện Việt Tiệp" not in inbox and "bão" not in inbox.lower()
    assert client.get("/de-xuat/tat-ca").status_code == 403
    client.post_form("/dang-xuat")
    signed_in(world.other_leader)
    assert "Không có đề xuất nào chờ bạn xác nhận." in text_of(client.get("/de-xuat/cho-xac-nhan"))


def test_group_leaders_are_never_told_about_private_requests(world):
    messages = [n.message for n in db.session.query(Notification).filter_by(user_id=world.leader.id)]
    assert not any("Thăm hỏi" in m or "Trợ cấp" in m or "Thai sản" in m for m in messages)
    assert any("Hiếu, hỷ" in m for m in messages)


def test_sql_rule_agrees_with_can_view(world):
    people = [getattr(world, who) for who in SEES] + [world.leader]
    requests = db.session.execute(sa.select(MemberRequest)).scalars().all()
    for user in people:
        listed = set(db.session.execute(sa.select(MemberRequest.id).where(visible_to(user))).scalars())
        allowed = {r.id for r in requests if r.can_view(user)}
        assert listed == allowed, user.full_name
        # The same rows as ids read through their indexes (the search box's form), None meaning all.
        ids = visible_ids(user)
        by_id = {r.id for r in requests} if ids is None else set(db.session.execute(ids).scalars())
        assert by_id == allowed, user.full_name
