"""Templates build links with `web.link_for` (Jinja's `url_for`), which keeps a built link per process:
a kept link must always be exactly what Flask's `url_for` would build for that request."""
from __future__ import annotations

from flask import render_template_string, url_for

from congdoan.web import link_for

CASES = [
    ("plans.detail", {"plan_id": 7}),
    ("tasks.board", {"group_id": 5, "ke_hoach": 1, "trang_thai": "done"}),
    ("tasks.board", {"trang_thai": "done", "group_id": 5, "ke_hoach": 1}),     # another order, same link
    ("tasks.index", {"trang_thai": "Đã xong & hủy"}),                         # escaped query value
    ("static", {"filename": "app.css"}),
    ("home.index", {}),
]


def test_kept_links_equal_flask_links_every_time(app):
    with app.test_request_context("/"):
        for endpoint, values in CASES:
            expected = url_for(endpoint, **values)
            assert link_for(endpoint, **values) == expected       # built and kept
            assert link_for(endpoint, **values) == expected       # read back


def test_values_equal_as_python_but_printed_differently_stay_apart(app):
    # 1 == True and hash(1) == hash(True), yet the links differ ("=1" and "=True").
    with app.test_request_context("/"):
        one = link_for("tasks.index", trang_thai=1)
        true = link_for("tasks.index", trang_thai=True)
        assert one == url_for("tasks.index", trang_thai=1)
        assert true == url_for("tasks.index", trang_thai=True)
        assert one != true


def test_the_mount_point_is_part_of_the_link(app):
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": ""}):
        plain = link_for("plans.detail", plan_id=3)
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/congdoan"}):
        mounted = link_for("plans.detail", plan_id=3)
        assert mounted == url_for("plans.detail", plan_id=3)
    assert plain == "/ke-hoach/3"
    assert mounted == "/congdoan/ke-hoach/3"


def test_external_links_follow_the_host_they_are_asked_from(app):
    with app.test_request_context("/", base_url="http://a.example"):
        first = link_for("plans.detail", plan_id=3, _external=True)
    with app.test_request_context("/", base_url="http://b.example"):
        second = link_for("plans.detail", plan_id=3, _external=True)
    assert first == "http://a.example/ke-hoach/3"
    assert second == "http://b.example/ke-hoach/3"


def test_list_values_are_built_every_time(app):
    with app.test_request_context("/"):
        link = link_for("tasks.index", trang_thai=["done", "blocked"])
        assert link == url_for("tasks.index", trang_thai=["done", "blocked"])


def test_templates_use_the_kept_links(app):
    with app.test_request_context("/"):
        assert app.jinja_env.globals["url_for"] is link_for
        assert render_template_string("{{ url_for('plans.detail', plan_id=9) }}") == "/ke-hoach/9"
