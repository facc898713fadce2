"""One submission, one record (issue 15, point 7): every form that creates carries a one-time token;
the same body sent twice (a double tap, a resend on a slow phone) creates one record, and the second
answer sends the person to the first one's result with "Đã nhận lần gửi trước; không tạo thêm."."""
from __future__ import annotations

import datetime as dt
import io
import re
import threading

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from congdoan.approvals import services as approvals
from congdoan.approvals.models import RoundComment
from congdoan.dates import local_today, utcnow
from congdoan.extensions import db
from congdoan.people.models import Group, User
from congdoan.plans import creating as plan_creating
from congdoan.documents.models import PlanTemplate
from congdoan.plans.models import Plan, PlanBasis
from congdoan.member_requests.models import Campaign, MemberRequest, RequestFile
from congdoan.submissions.models import FormSubmission

from .conftest import login, make_group, make_user, text_of
from .doc_factories import example_docx
from .plan_factories import make_plan
from .reqkit import SAMPLE, cast, jpeg_bytes, submit

ALREADY = "Đã nhận lần gửi trước; không tạo thêm."


def token_of(page) -> str:
    """The one-time token of the (first) creating form on a page: it must be there."""
    html = page.get_data(as_text=True)
    found = re.findall(r'name="submission_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission_token"', html)
    assert found, "the form carries no submission token"
    return next(a or b for a, b in found)


def token_of_form(page, action: str) -> str:
    """The token of the form that posts to `action`."""
    html = page.get_data(as_text=True)
    form = re.search(r'<form[^>]*action="%s"[^>]*>(.*?)</form>' % re.escape(action), html, re.S)
    assert form, f"no form posts to {action}"
    found = re.search(r'name="submission_token" value="([^"]+)"', form.group(1))
    assert found, "the form carries no submission token"
    return found.group(1)


def multipart(client, url: str, fields: dict, files: dict | None = None, *, htmx: bool = False):
    values = MultiDict(dict(fields, csrf_token=client.csrf_token()))
    for name, (content, filename) in (files or {}).items():
        values.add(name, FileStorage(io.BytesIO(content), filename=filename, content_type="application/octet-stream"))
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers={"HX-Request": "true"} if htmx else {})


def count(model) -> int:
    db.session.expire_all()
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def assert_second_shows_the_first(client, first, second):
    assert first.status_code == 303, first.get_data(as_text=True)[:300]
    assert second.status_code == 303, second.get_data(as_text=True)[:300]
    assert second.headers["Location"] == first.headers["Location"]
    assert ALREADY in text_of(client.get(second.headers["Location"]))


# --- member requests (đề xuất) -------------------------------------------------------------------

def test_a_request_sent_twice_is_one_request(client, signed_in):
    c = cast()
    signed_in(c.member)
    body = dict(SAMPLE["suggestion"], submission_token=token_of(client.get("/de-xuat/moi/kien-nghi")))
    first = multipart(client, "/de-xuat/moi/kien-nghi", body)
    second = multipart(client, "/de-xuat/moi/kien-nghi", body)
    assert count(MemberRequest) == 1
    assert_second_shows_the_first(client, first, second)


def test_ten_sendings_of_one_request_form_are_one_request(client, signed_in):
    c = cast()
    signed_in(c.member)
    body = dict(SAMPLE["suggestion"], submission_token=token_of(client.get("/de-xuat/moi/kien-nghi")))
    answers = [multipart(client, "/de-xuat/moi/kien-nghi", body) for _ in range(10)]
    assert count(MemberRequest) == 1
    assert {a.headers["Location"] for a in answers} == {answers[0].headers["Location"]}


def test_a_resend_over_htmx_is_sent_to_the_first_result(client, signed_in):
    c = cast()
    signed_in(c.member)
    body = dict(SAMPLE["suggestion"], submission_token=token_of(client.get("/de-xuat/moi/kien-nghi")))
    first = multipart(client, "/de-xuat/moi/kien-nghi", body, htmx=True)
    second = multipart(client, "/de-xuat/moi/kien-nghi", body, htmx=True)
    assert count(MemberRequest) == 1
    assert second.status_code == 204 and second.headers["HX-Redirect"] == first.headers["HX-Redirect"]


def test_a_form_back_with_errors_keeps_its_token_and_is_taken_once_corrected(client, signed_in):
    c = cast()
    signed_in(c.member)
    token = token_of(client.get("/de-xuat/moi/kien-nghi"))
    wrong = multipart(client, "/de-xuat/moi/kien-nghi", {"subject": "", "content": "", "submission_token": token})
    assert wrong.status_code == 422 and token_of(wrong) == token and count(MemberRequest) == 0
    right = multipart(client, "/de-xuat/moi/kien-nghi", dict(SAMPLE["suggestion"], submission_token=token))
    assert right.status_code == 303 and count(MemberRequest) == 1


def test_each_showing_of_a_form_has_its_own_token_and_two_forms_make_two_records(client, signed_in):
    c = cast()
    signed_in(c.member)
    one, two = (token_of(client.get("/de-xuat/moi/kien-nghi")) for _ in range(2))
    assert one != two
    for token in (one, two):
        assert multipart(client, "/de-xuat/moi/kien-nghi", dict(SAMPLE["suggestion"], submission_token=token)).status_code == 303
    assert count(MemberRequest) == 2


def test_a_post_without_a_token_is_served_as_before(client, signed_in):
    c = cast()
    signed_in(c.member)
    assert multipart(client, "/de-xuat/moi/kien-nghi", SAMPLE["suggestion"]).status_code == 303
    assert count(MemberRequest) == 1 and count(FormSubmission) == 0


# --- plans: new, copy to a new year, Word import ------------------------------------------------

def test_a_new_plan_sent_twice_is_one_plan(client, signed_in):
    signed_in(make_user(roles=["committee"]))
    body = {"subject": "Tổ chức Tết Trung thu năm 2026", "period": "Tháng 9/2026",
            "submission_token": token_of(client.get("/ke-hoach/moi"))}
    first, second = client.post_form("/ke-hoach/moi", body), client.post_form("/ke-hoach/moi", body)
    assert count(Plan) == 1
    assert_second_shows_the_first(client, first, second)


def test_a_copy_to_next_year_sent_twice_is_one_copy(client, signed_in):
    author = make_user(roles=["committee"])
    source = make_plan(author)
    db.session.commit()
    signed_in(author)
    body = {"shift_years": "y", "years": "1",
            "submission_token": token_of(client.get(f"/ke-hoach/{source.id}/sao-chep"))}
    first = client.post_form(f"/ke-hoach/{source.id}/sao-chep", body)
    second = client.post_form(f"/ke-hoach/{source.id}/sao-chep", body)
    assert count(Plan) == 2
    assert_second_shows_the_first(client, first, second)


def test_a_word_import_sent_twice_is_one_plan(client, signed_in):
    signed_in(make_user(roles=["committee"]))
    token = token_of(client.get("/ke-hoach/nhap-word"))
    data = example_docx().read_bytes()
    answers = [multipart(client, "/ke-hoach/nhap-word", {"submission_token": token}, {"file": (data, "ke-hoach.docx")})
               for _ in range(2)]
    assert count(Plan) == 1
    assert_second_shows_the_first(client, *answers)


# --- comments on the approvals page -------------------------------------------------------------

def test_a_comment_sent_twice_is_one_comment(app, client):
    people = [make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])] + [
        make_user(f"Ủy Viên {i}", roles=["committee"]) for i in range(1, 4)]
    plan = make_plan(people[1])
    approvals.submit(plan, actor=people[1])
    db.session.commit()
    login(client, people[2])
    page = client.get(f"/ke-hoach/{plan.id}/duyet")
    body = {"comment": "Thêm mục khen thưởng", "section": "", "submission_token": token_of(page)}
    htmx_page = {"HX-Current-URL": f"http://localhost/ke-hoach/{plan.id}/duyet"}   # as htmx sends it
    first = client.post_form(f"/ke-hoach/{plan.id}/gop-y", body, htmx=True, headers=htmx_page)
    assert first.status_code == 200 and "Thêm mục khen thưởng" in text_of(first)
    assert token_of(first) != body["submission_token"], "the emptied form is a new submission"
    second = client.post_form(f"/ke-hoach/{plan.id}/gop-y", body, htmx=True, headers=htmx_page)
    assert count(RoundComment) == 1
    assert second.status_code == 204 and second.headers["HX-Redirect"] == f"/ke-hoach/{plan.id}/duyet"
    plain_first = client.post_form(f"/ke-hoach/{plan.id}/gop-y", dict(body, submission_token=token_of(first)))
    plain_second = client.post_form(f"/ke-hoach/{plan.id}/gop-y", dict(body, submission_token=token_of(first)))
    assert count(RoundComment) == 2
    assert_second_shows_the_first(client, plain_first, plain_second)


# --- campaigns ----------------------------------------------------------------------------------

def test_a_campaign_sent_twice_is_one_campaign(client, signed_in):
    c = cast()
    signed_in(c.chair)
    body = {"kind": "child_award", "title": "Khen thưởng con đoàn viên Trung thu 2026", "description": "",
            "deadline": (local_today() + dt.timedelta(days=5)).isoformat(),
            "submission_token": token_of(client.get("/dot-tiep-nhan/moi"))}
    first, second = client.post_form("/dot-tiep-nhan/moi", body), client.post_form("/dot-tiep-nhan/moi", body)
    assert count(Campaign) == 1
    assert_second_shows_the_first(client, first, second)


# --- people: a new person, the member import, a new group ---------------------------------------

@pytest.fixture
def admin(signed_in, client):
    person = make_user("Quản Trị", roles=["admin"])
    signed_in(person)
    return person


def test_a_new_person_sent_twice_is_one_account(client, admin):
    group = make_group("Tổ Khối 1")
    body = {"full_name": "Trần Thị Bình", "email": "binh.tran@thanhto.demo", "phone": "", "group_id": str(group.id),
            "submission_token": token_of(client.get("/quan-tri/nguoi-dung/them"))}
    first = client.post_form("/quan-tri/nguoi-dung/them", body)
    assert first.status_code == 200 and "Trần Thị Bình" in text_of(first)     # the one-time password page
    second = client.post_form("/quan-tri/nguoi-dung/them", body)
    assert count(User) == 2
    assert second.status_code == 303 and second.headers["Location"] == "/quan-tri/nguoi-dung"
    assert ALREADY in text_of(client.get(second.headers["Location"]))


def test_a_member_import_sent_twice_creates_each_member_once(client, admin):
    rows = "Họ và tên,Email,Điện thoại,Tổ,Vai trò\nA Một,a1@thanhto.demo,,,\nB Hai,b2@thanhto.demo,,,\n".encode()
    token = token_of(client.get("/quan-tri/nguoi-dung/nhap"))
    first = multipart(client, "/quan-tri/nguoi-dung/nhap", {"submission_token": token}, {"file": (rows, "ds.csv")})
    assert first.status_code == 200 and "2 người đã được tạo" in text_of(first)
    second = multipart(client, "/quan-tri/nguoi-dung/nhap", {"submission_token": token}, {"file": (rows, "ds.csv")})
    assert count(User) == 3
    assert second.status_code == 303 and ALREADY in text_of(client.get(second.headers["Location"]))


def test_a_new_group_sent_twice_is_one_group(client, admin):
    body = {"name": "Tổ Văn phòng", "submission_token": token_of(client.get("/quan-tri/to-cong-doan"))}
    first = client.post_form("/quan-tri/to-cong-doan", body)
    second = client.post_form("/quan-tri/to-cong-doan", body)
    assert count(Group) == 1
    assert_second_shows_the_first(client, first, second)


# --- other creating forms: a part added in the plan editor, evidence, a Word template ------------

def test_a_part_added_twice_in_the_editor_is_one_part(client, signed_in):
    author = make_user(roles=["committee"])
    plan = make_plan(author, bases=[])
    db.session.commit()
    signed_in(author)
    token = token_of(client.get(f"/ke-hoach/{plan.id}"))
    body = {"text": "Căn cứ Luật Công đoàn năm 2024;", "submission_token": token}
    htmx_page = {"HX-Current-URL": f"http://localhost/ke-hoach/{plan.id}"}      # as htmx sends it
    first = client.post_form(f"/ke-hoach/{plan.id}/basis/them", body, htmx=True, headers=htmx_page)
    assert first.status_code == 200 and token not in first.get_data(as_text=True)
    second = client.post_form(f"/ke-hoach/{plan.id}/basis/them", body, htmx=True, headers=htmx_page)
    assert count(PlanBasis) == 1
    assert second.status_code == 204 and second.headers["HX-Redirect"] == f"/ke-hoach/{plan.id}"


def test_evidence_sent_twice_is_stored_once(client, signed_in):
    c = cast()
    req = submit(c.member)
    signed_in(c.member)
    token = token_of(client.get(f"/de-xuat/{req.id}"))
    before = count(RequestFile)
    answers = [multipart(client, f"/de-xuat/{req.id}/minh-chung", {"submission_token": token},
                         {"evidence": (jpeg_bytes(), "them.jpg")}) for _ in range(2)]
    assert count(RequestFile) == before + 1
    assert_second_shows_the_first(client, *answers)


def test_a_word_template_sent_twice_is_one_template(client, signed_in):
    from .test_documents import template_with
    signed_in(make_user(roles=["chair", "committee"]))
    token = token_of_form(client.get("/cai-dat/"), "/cai-dat/mau-van-ban")
    data = template_with("LOGO CÔNG ĐOÀN")
    answers = [multipart(client, "/cai-dat/mau-van-ban", {"submission_token": token}, {"template": (data, "mau.docx")})
               for _ in range(2)]
    assert count(PlanTemplate) == 1
    assert_second_shows_the_first(client, *answers)


# --- two sendings at the same moment ------------------------------------------------------------

def test_two_sendings_at_once_make_one_plan(app, monkeypatch):
    """Both pass the look-up before either commits: the unique token decides, the loser is rolled
    back whole and shown the winner's plan."""
    author = make_user(roles=["committee"])
    db.session.commit()
    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        login(c, author)
    token = token_of(clients[0].get("/ke-hoach/moi"))
    both_looked = threading.Barrier(2, timeout=20)
    real = plan_creating.create_plan

    def create_when_both_have_looked(*args, **kwargs):
        both_looked.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_creating, "create_plan", create_when_both_have_looked)
    body = {"subject": "Hội thao chào mừng 22/12", "period": "Tháng 12/2026", "submission_token": token}
    answers: list = [None, None]

    def send(i):
        answers[i] = clients[i].post_form("/ke-hoach/moi", body)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count(Plan) == 1
    plan_id = db.session.execute(sa.select(Plan.id)).scalar_one()
    assert [a.status_code for a in answers] == [303, 303]
    assert {a.headers["Location"] for a in answers} == {f"/ke-hoach/{plan_id}"}


# --- old tokens ---------------------------------------------------------------------------------

def test_old_tokens_are_pruned_by_the_command(runner):
    user = make_user()
    db.session.add_all([FormSubmission(token="a" * 32, user_id=user.id, endpoint="x", result_url="/",
                                       created_at=utcnow() - dt.timedelta(days=8)),
                        FormSubmission(token="b" * 32, user_id=user.id, endpoint="x", result_url="/",
                                       created_at=utcnow() - dt.timedelta(days=1))])
    db.session.commit()
    result = runner.invoke(args=["submissions", "prune"])
    assert result.exit_code == 0 and "Đã xóa 1 mã" in result.output
    assert db.session.execute(sa.select(FormSubmission.token)).scalars().all() == ["b" * 32]
