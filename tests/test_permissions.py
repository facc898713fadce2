"""Walk the URL map: every route declares who may use it, anonymous visitors are sent to sign in,
and a signed-in member without the permission gets the Vietnamese 403 page."""
import re

import pytest

from congdoan.permissions import PERMISSIONS, Perm
from congdoan.people.roles import Role

from .conftest import make_user


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _url(rule) -> str:
    # Fill every argument with a value that parses (ints for int converters).
    url = rule.rule
    url = re.sub(r"<int:[^>]+>", "999999", url)
    url = re.sub(r"<any\(\s*([^,)\s]+)[^>]*>", r"\1", url)
    url = re.sub(r"<(?:string:|path:)?[^>]+>", "x", url)
    return url


def test_every_route_declares_its_permission(app):
    missing = [r.endpoint for r in _rules(app)
               if not getattr(app.view_functions[r.endpoint], "permission", None)
               and not getattr(app.view_functions[r.endpoint], "public", False)]
    assert missing == [], f"routes without @requires or @public: {missing}"


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    checked = 0
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "public", False):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule), method=method,
                                   data={"csrf_token": client.csrf_token()} if method != "GET" else None)
            assert response.status_code == 302, (rule.rule, method, response.status_code)
            assert "/dang-nhap" in response.headers["Location"], rule.rule
            checked += 1
    assert checked > 10


def test_members_without_the_permission_get_403(app, client, signed_in):
    member = make_user(roles=())
    signed_in(member)
    checked = 0
    for rule in _rules(app):
        perm = getattr(app.view_functions[rule.endpoint], "permission", None)
        if perm is None or Role.MEMBER in PERMISSIONS[perm]:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule), method=method,
                                   data={"csrf_token": client.csrf_token()} if method != "GET" else None)
            assert response.status_code == 403, (rule.rule, method, response.status_code)
            assert "Không có quyền truy cập" in response.get_data(as_text=True)
            checked += 1
    assert checked > 5


@pytest.mark.parametrize("perm", list(Perm))
def test_every_permission_has_roles(perm):
    assert PERMISSIONS[perm], perm


def test_htmx_403_goes_to_the_message_area(client, signed_in):
    signed_in(make_user())
    response = client.get("/quan-tri/nguoi-dung", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#messages"
    assert "không có quyền" in response.get_data(as_text=True).lower()
