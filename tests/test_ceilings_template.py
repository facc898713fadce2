"""Issue 15 point 8: a Word template cannot make a render costly (docs/input-ceilings.md).

A template that multiplies strings, asks for huge ranges, loops for ever, recurses or widens text is
refused when it is uploaded (the trial render stops at the sandbox's ceilings), and one already
stored is stopped at render time with a Vietnamese message instead of holding a worker.
"""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from docx import Document
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from congdoan.documents import render
from congdoan.documents import sandbox
from congdoan.documents.models import PlanTemplate
from congdoan.documents.render import TemplateError, check_template, render_plan
from congdoan.extensions import db
from congdoan.organisation.models import Organisation

from .conftest import make_user, text_of
from .plan_factories import make_plan


def template_with(text: str) -> bytes:
    document = Document(str(render.DEFAULT_TEMPLATE))
    anchor = [p for p in document.paragraphs if "{{ type_name }}" in p.text][0]
    anchor.insert_paragraph_before(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


NESTED = ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}")

# (the template's Jinja, a word of the Vietnamese refusal that names the problem)
HOSTILE = [
    ("{{ subject * 200 }}", "phép *"),
    ("{{ subject * 1500 }}", "phép *"),
    ("{% for i in range(10**9) %}x{% endfor %}", "range()"),
    ("{{ 'x' * 10**9 }}", "phép *"),
    ("{{ (subject ~ subject) * 99 }}", "phép *"),
    (NESTED, "quá nhiều lần"),
    ("{% for a in subject %}{% for b in subject %}{% for c in subject %}{% for d in subject %}"
     "{% endfor %}{% endfor %}{% endfor %}{% endfor %}", "quá nhiều lần"),
    ("{{ 10 ** 100000000 }}", "lũy thừa"),
    ("{{ subject.ljust(10**9) }}", "“.ljust”"),
    ("{{ '{:>999999999}'.format(subject) }}", "“.format”"),
    ("{{ '%0999999999d' % 1 }}", "độ rộng"),
    ("{{ subject|center(999999999) }}", "center"),
    ("{{ subject|replace('', subject)|replace('', subject)|replace('', subject) }}", "replace"),
    ("{% set ns = namespace(s=subject) %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}{{ ns.s }}", "nối chuỗi"),
    ("{% set ns = namespace(s=[1]) %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}"
     "{% endfor %}", "cộng chuỗi"),
    ("{% macro m() %}{{ m() }}{{ m() }}{% endmacro %}{{ m() }}", "đệ quy"),
    ("{% macro a() %}{{ b() }}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{{ a() }}{% endmacro %}"
     "{{ a() }}", "đệ quy"),
    ("{{ lipsum(999999) }}", "lipsum"),
    ("{{ bases.append(subject) }}", "“.append”"),
]


@pytest.mark.parametrize("jinja,named", HOSTILE, ids=[h[0][:40] for h in HOSTILE])
def test_a_costly_template_is_refused_at_upload(jinja, named):
    with pytest.raises(TemplateError) as refused:
        check_template(template_with(jinja))
    assert named in str(refused.value), str(refused.value)


def test_harmless_arithmetic_and_filters_still_work():
    data = render_plan(render.SAMPLE_PLAN, org={}, draft=True, template=template_with(
        "{{ '.' * 20 }}{{ 2 ** 10 }}{{ recipients|join('; ') }}{{ subject|replace('năm', 'NĂM')|upper }}"
        "{% for i in range(3) %}[{{ i + 1 }}]{% endfor %}{{ '%02d' % 7 }}{{ subject.upper() }}"))
    text = "\n".join(render.docx_text(data))
    assert "...................." in text and "1024" in text and "Như trên;; Lưu: VT." in text
    assert "[1][2][3]" in text and "07" in text and "HOẠT ĐỘNG CÔNG ĐOÀN NĂM HỌC" in text


def test_a_stored_costly_template_is_stopped_at_render_with_a_message():
    template = template_with("{{ subject * 1500 }}")
    with pytest.raises(TemplateError, match="tối đa 1.000"):
        render_plan(render.SAMPLE_PLAN, org={}, draft=True, template=template)
    with pytest.raises(TemplateError, match="quá nhiều lần"):
        render_plan(render.SAMPLE_PLAN, org={}, draft=True, template=template_with(NESTED))


def test_a_render_past_its_time_is_stopped_by_the_sandbox(monkeypatch):
    # A deadline already passed: the sandbox looks at the clock every 1,024 steps and stops.
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.0)
    with pytest.raises(TemplateError, match="quá lâu"):
        render_plan(render.SAMPLE_PLAN, org={}, draft=True,
                    template=template_with("{% for i in range(5000) %}{% endfor %}"))


def test_a_render_writing_too_much_is_stopped(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 10_000)
    with pytest.raises(TemplateError, match="quá lớn"):
        render_plan(render.SAMPLE_PLAN, org={}, draft=True)


def _upload(client, data: bytes):
    file = FileStorage(io.BytesIO(data), filename="mau.docx", content_type="application/octet-stream")
    boundary, body = encode_multipart({"csrf_token": client.csrf_token(), "template": file})
    return client.post("/cai-dat/mau-van-ban", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_page_names_the_problem_and_stores_nothing(client, signed_in):
    signed_in(make_user(roles=["chair", "committee"]))
    response = _upload(client, template_with("{{ subject * 200 }}"))
    assert response.status_code == 422
    assert "nhân chuỗi hoặc danh sách (phép *)" in text_of(response)
    assert db.session.execute(sa.select(PlanTemplate)).first() is None


def test_download_with_a_stored_costly_template_gives_a_vietnamese_error(client, signed_in):
    chair = make_user(roles=["chair", "committee"])
    plan = make_plan(chair)
    data = template_with("{% for i in range(10**9) %}x{% endfor %}")
    stored = PlanTemplate(filename="cu.docx", data=data, sha256="0" * 64, size=len(data),
                          uploaded_by_id=chair.id)
    db.session.add(stored)
    db.session.flush()
    Organisation.get_for_update().plan_template_id = stored.id
    db.session.commit()
    signed_in(chair)
    response = client.get(f"/ke-hoach/{plan.id}/tai-ve.docx")
    assert response.status_code == 409
    assert "Không tạo được tệp Word" in text_of(response) and "range()" in text_of(response)
