"""No 500 on a value a person can type: ids and numbers beyond the database's integer range in a path
or a query string are a 404 (or are ignored), never a server error. The walk covers every rule of the
URL map with an integer argument, as every kind of signed-in person, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from .conftest import login, make_group, make_user, text_of

HUGE = tuple(int(x) for x in __import__("os").environ.get("HUGE_IDS", "99999999999 2147483648 9223372036854775808 1000000000000000000000000000000").split())


def _cast():
    group = make_group("Tổ Khối 1")
    leader = make_user("Vũ Thị Mai", leads=group)
    return {
        "member": make_user("Nguyễn Thị Thanh", group=group),
        "leader": leader,
        "chair": make_user("Nguyễn Thị Hoa", roles=["chair", "committee"], group=group),
        "vice": make_user("Trần Văn Minh", roles=["vice_chair", "committee"]),
        "accountant": make_user("Phạm Thị Lan", roles=["accountant"]),
        "admin": make_user("Ngô Văn Tuấn", roles=["admin"]),
    }


def _integer_rules(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def _urls(rule, number: int):
    """The rule's URL with `number` in each integer argument (the others given a real id of 1)."""
    ints = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
    for target in ints:
        path = rule.rule
        for name, conv in rule._converters.items():
            if isinstance(conv, IntegerConverter):
                value = str(number) if name == target else "1"
            elif isinstance(conv, AnyConverter):
                value = sorted(conv.items)[0]
            else:
                value = "x"
            path = _replace_arg(path, name, value)
        yield path


def _replace_arg(path: str, name: str, value: str) -> str:
    import re
    return re.sub(r"<(?:[^<>:]+:)?" + re.escape(name) + r">", value, path)


def _request(client, rule, url):
    """The response's status, or 500 for an exception (the test app propagates them)."""
    try:
        if "GET" in rule.methods:
            return client.get(url).status_code
        return client.post_form(url, {}).status_code
    except Exception as error:  # noqa: BLE001  (what a real server would answer with a 500)
        from congdoan.extensions import db
        db.session.rollback()
        return f"500 {type(error).__name__}"


def test_every_integer_route_answers_an_impossible_id_with_404(app, client):
    people = _cast()
    failures = []
    rules = list(_integer_rules(app))
    assert len(rules) > 40
    for role, user in people.items():
        client.post_form("/dang-xuat")
        assert login(client, user).status_code == 303
        for rule in rules:
            for number in HUGE:
                for url in _urls(rule, number):
                    status = _request(client, rule, url)
                    if status not in (403, 404, 405):
                        failures.append((role, rule.endpoint, url, status))
    endpoints = sorted({f[1] for f in failures})
    assert not failures, f"{len(endpoints)} endpoints: {endpoints}\n{failures[:20]}"


def test_a_negative_id_is_a_404(app, client):
    people = _cast()
    login(client, people["chair"])
    for rule in _integer_rules(app):
        for url in _urls(rule, -1):
            assert _request(client, rule, url) in (404, 405), url


# --- integer query-string arguments ----------------------------------------------------------------

INT_ARGS = ("to", "nam", "trang", "nguoi_soan", "tu", "den", "ke_hoach", "dot", "thang", "ngay")
BAD_VALUES = ("99999999999", str(2 ** 63), "-1", "-99999999999", "abc", "1e5", "٣", " ", "0x10", "1_0",
              "9999-99", "99999-12", "99999-12-31", "9999-12", "0001-01", "9999-12-31", "0001-01-01")


def _query_urls(app, plan_id: int, campaign_id: int, group_id: int):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in ("static", "home.favicon"):
            yield rule.rule
    yield f"/ke-hoach/{plan_id}/so-sanh"
    yield f"/ke-hoach/{plan_id}"
    yield f"/dot-tiep-nhan/{campaign_id}"
    yield f"/viec/to/{group_id}"
    yield f"/viec/ke-hoach/{plan_id}"


def test_integer_query_arguments_out_of_range_or_not_numbers_are_ignored(app, client):
    from tests.plan_factories import make_plan
    from tests.reqkit import make_campaign
    people = _cast()
    plan = make_plan(people["chair"])
    campaign = make_campaign(people["chair"])
    group_id = people["member"].group_id
    failures = []
    for role in ("chair", "admin", "accountant", "member"):
        client.post_form("/dang-xuat")
        assert login(client, people[role]).status_code == 303
        for path in _query_urls(app, plan.id, campaign.id, group_id):
            if path in ("/dang-xuat", "/dang-nhap"):
                continue
            for value in BAD_VALUES:
                url = path + "?" + "&".join(f"{name}={value}" for name in INT_ARGS)
                try:
                    with client.get(url) as response:     # an export is sent from a file: closed, as a server does
                        status = response.status_code
                except Exception as error:  # noqa: BLE001
                    from congdoan.extensions import db
                    db.session.rollback()
                    status = f"500 {type(error).__name__}: {error}"[:200]
                if not isinstance(status, int) or status >= 500:
                    failures.append((role, url, status))
    assert not failures, "\n".join(map(str, failures[:30]))


# --- integers typed into forms ---------------------------------------------------------------------

def _post_status(client, url, data, **kwargs):
    try:
        return client.post_form(url, data, **kwargs).status_code
    except Exception as error:  # noqa: BLE001
        from congdoan.extensions import db
        db.session.rollback()
        return f"500 {type(error).__name__}"


@pytest.mark.parametrize("number", [str(2 ** 63), "99999999999"])
def test_integers_posted_in_forms_out_of_range_are_refused_not_a_500(client, number):
    import sqlalchemy as sa
    from congdoan.organisation.models import Organisation
    from congdoan.plans.models import ScheduleActivity, ScheduleRow
    from congdoan.extensions import db
    from tests.plan_factories import make_plan
    from tests.reqkit import submit
    people = _cast()
    plan = make_plan(people["chair"], schedule=[{"period": "9/2024", "activities": []}])
    row_id = db.session.execute(sa.select(ScheduleRow.id)).scalar_one()
    login(client, people["chair"])
    assert client.post_form(f"/ke-hoach/{plan.id}/activity/them", {"parent_id": row_id, "text": "Họp"},
                            htmx=True).status_code == 200
    activity_id = db.session.execute(sa.select(ScheduleActivity.id)).scalar_one()
    response = client.post_form(f"/ke-hoach/{plan.id}/activity/{activity_id}",
                                {"rev": "1", "text": "Họp BCH", "group_ids": [number]}, htmx=True)
    assert "Tổ được chọn không hợp lệ." in text_of(response)
    statuses = {
        "activity parent": _post_status(client, f"/ke-hoach/{plan.id}/activity/them",
                                        {"parent_id": number, "text": "Họp"}, htmx=True),
        "template": _post_status(client, "/cai-dat/mau-van-ban/dung", {"template_id": number}),
        "new request in a campaign": client.get(f"/de-xuat/moi/con-hoc-gioi?dot={number}").status_code,
    }
    org = Organisation.get()
    data = {name: getattr(org, name) or "" for name in (
        "name", "upper_union", "place_name", "plan_abbrev", "body_abbrev", "sign_on_behalf", "chair_title",
        "vice_chair_title", "motto_line1", "motto_line2")}
    data.update(name="CĐCS THỬ", upper_union="LĐLĐ THỬ", place_name="Hà Nội", default_recipients="Lưu: VT.",
                approval_rule="half_all", vote_deadline_days="7", sign_delegate_id=number)
    statuses["sign delegate"] = _post_status(client, "/cai-dat/", data)
    req = submit(people["member"])
    statuses["request version"] = _post_status(client, f"/de-xuat/{req.id}/thao-tac/approve",
                                               {"version": number, "amount": "700000"}, htmx=True)
    bad = {k: v for k, v in statuses.items() if not isinstance(v, int) or v >= 500 or v in (200, 303) and k in (
        "activity parent", "sign delegate")}
    assert not bad, statuses
    assert Organisation.get().sign_delegate_id is None


# --- the demo's accounts ---------------------------------------------------------------------------

def test_every_demo_account_has_its_own_salted_hash(app):
    from congdoan.demo import union
    from congdoan.demo.seed import seed_union
    from congdoan.extensions import db
    from congdoan.people.models import User
    seed_union(app.config["PASSWORD_HASH_METHOD"])
    db.session.commit()
    users = db.session.query(User).all()
    assert len(users) == len(union.PEOPLE) == 30
    hashes = [u.password_hash for u in users]
    assert len(set(hashes)) == len(hashes)            # same password, a salt of its own each
    salts = {h.split("$")[1] for h in hashes}
    assert len(salts) == len(hashes)
    assert all(u.check_password(union.DEMO_PASSWORD) for u in users[:3])


def test_zero_stays_a_real_value_where_it_is_one(client):
    """/viec/to/0 is the committee's board, and ?to=0 the committee in task filters."""
    people = _cast()
    login(client, people["chair"])
    assert client.get("/viec/to/0").status_code == 200
    assert client.get("/viec/?to=0").status_code == 200
