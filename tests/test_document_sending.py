"""Gửi văn bản (issue 16, point 9): whoever may sign sends a signed plan to all members, some groups,
the committee and typed addresses; each address gets the signed file as an attachment through the
outbox, members chosen get the download link in the app, the sending is audited and listed, and a
double submit sends once."""
from __future__ import annotations

import email
import email.policy
import re

import pytest
import sqlalchemy as sa

from congdoan.audit.models import AuditEntry
from congdoan.documents import sending
from congdoan.documents import signing
from congdoan.errors import PermissionDenied, ValidationFailed
from congdoan.extensions import db
from congdoan.jobs.models import Job
from congdoan.notifications.models import Notification

from .conftest import make_group, make_user, text_of
from .doc_factories import approved_plan, make_committee
from .test_notifications import smtp  # noqa: F401  (the local SMTP server fixture)
from .test_resubmission import ALREADY, token_of_form


@pytest.fixture
def issued():
    """An issued plan, two groups of members, an accountant."""
    committee = make_committee()
    g1, g2 = make_group("Tổ Khối 1"), make_group("Tổ Văn phòng")
    first = [make_user(f"Khối Một {i}", email=f"k1.{i}@thu.demo", group=g1) for i in range(3)]
    second = [make_user(f"Văn Phòng {i}", email=f"vp.{i}@thu.demo", group=g2) for i in range(2)]
    make_user("Đã Nghỉ", email="nghi@thu.demo", group=g1, active=False)
    accountant = make_user("Phạm Thị Lan", email="ketoan@thu.demo", roles=["accountant"])
    plan = approved_plan(committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    return dict(committee=committee, plan=plan, signed=signed, g1=g1, g2=g2, first=first, second=second,
                accountant=accountant)


def sent_notes() -> list[Notification]:
    return db.session.execute(sa.select(Notification).where(Notification.kind == "document_sent")
                              .order_by(Notification.user_id)).scalars().all()


def mail_jobs() -> list[Job]:
    return db.session.execute(sa.select(Job).where(Job.kind == "document_mail").order_by(Job.id)).scalars().all()


def delivered(smtp) -> list:  # noqa: F811
    """What the mail server has received once the worker has run the document mails due now."""
    from congdoan.jobs import worker
    worker.run(smtp.app, once=True, kinds=(sending.KIND,))
    return smtp.received


def audits() -> list[AuditEntry]:
    return db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "document_sent")).scalars().all()


def test_sending_to_a_group_and_an_address_mails_the_signed_file(issued, smtp):  # noqa: F811
    chair, plan, signed = issued["committee"].chair, issued["plan"], issued["signed"]
    choice = sending.Choice(group_ids=(issued["g1"].id,), addresses="ldld.haian@example.vn\n\nLDLD.HAIAN@example.vn\n")
    sent = sending.send_document(plan, choice, actor=chair, note="Kính chuyển để biết.")
    db.session.commit()
    assert (sent.members, sent.addresses, sent.mails) == (3, 1, 4)
    # The members of the group (not the deactivated one) get the download link in the app.
    assert [n.user_id for n in sent_notes()] == sorted(u.id for u in issued["first"])
    assert sent_notes()[0].link == f"/ke-hoach/{plan.id}/tai-ve.docx"
    assert f"văn bản số {signed.number}" in sent_notes()[0].message and plan.subject in sent_notes()[0].message
    assert {j.payload["to"] for j in mail_jobs()} == {"k1.0@thu.demo", "k1.1@thu.demo", "k1.2@thu.demo",
                                                     "ldld.haian@example.vn"}
    assert all(j.payload["signed_id"] == signed.id for j in mail_jobs())
    messages = delivered(smtp)                      # the worker sends them
    assert sorted(m[0][0] for m in messages) == ["k1.0@thu.demo", "k1.1@thu.demo", "k1.2@thu.demo",
                                                 "ldld.haian@example.vn"]
    parsed = email.message_from_string(messages[0][1], policy=email.policy.default)
    files = [(part.get_filename(), part.get_payload(decode=True)) for part in parsed.iter_attachments()]
    assert len(files) == 1 and files[0][0].endswith(".docx") and files[0][1] == signed.docx
    assert "Kính chuyển để biết." in parsed.get_body(("plain",)).get_content()
    assert parsed["Subject"] == f"[Công đoàn] Văn bản số {signed.number}: {plan.subject}"
    entry = audits()[0]
    assert entry.actor_id == chair.id and f"tới 4 người nhận" in entry.summary
    assert db.session.execute(sa.select(Job.status).where(Job.kind == "document_mail").distinct()).scalars().all() \
        == ["done"]


def test_the_pdf_goes_along_when_it_is_ready(issued, smtp):  # noqa: F811
    signed = issued["signed"]
    signed.pdf, signed.pdf_sha256 = b"%PDF-1.7 thu", "0" * 64
    db.session.commit()
    sending.send_document(issued["plan"], sending.Choice(addresses="a@example.vn"), actor=issued["committee"].chair)
    db.session.commit()
    parsed = email.message_from_string(delivered(smtp)[0][1], policy=email.policy.default)
    names = sorted(part.get_filename() for part in parsed.iter_attachments())
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "pdf"]


def test_all_members_and_the_committee_each_once_never_the_sender(issued):
    committee, chair = issued["committee"], issued["committee"].chair
    sent = sending.send_document(issued["plan"], sending.Choice(all_members=True, committee=True), actor=chair)
    db.session.commit()
    everyone = {u.id for u in committee.everyone + issued["first"] + issued["second"] + [issued["accountant"]]}
    assert [n.user_id for n in sent_notes()] == sorted(everyone - {chair.id})
    assert sent.members == len(everyone) - 1 and sent.mails == 0          # no mail server here: in the app only


def test_the_committee_choice_is_the_committee_and_the_office_holders(issued):
    committee = issued["committee"]
    sending.send_document(issued["plan"], sending.Choice(committee=True), actor=committee.chair)
    db.session.commit()
    assert [n.user_id for n in sent_notes()] == sorted(
        {u.id for u in committee.everyone if u.id != committee.chair.id} | {issued["accountant"].id})


@pytest.mark.parametrize("choice,field,message", [
    (sending.Choice(), "recipients", "Vui lòng chọn người nhận"),
    (sending.Choice(addresses="a@example.vn\nkhông phải địa chỉ\nb@"), "addresses",
     "Dòng 2: “không phải địa chỉ” không phải địa chỉ e-mail hợp lệ. Dòng 3: “b@” không phải"),
    (sending.Choice(addresses="\n".join(f"a{i}@example.vn" for i in range(201))), "addresses", "Tối đa 200 địa chỉ"),
    (sending.Choice(group_ids=(999999,)), "groups", "không còn hoạt động"),
])
def test_bad_choices_are_refused_and_nothing_is_written(issued, smtp, choice, field, message):  # noqa: F811
    with pytest.raises(ValidationFailed) as refused:
        sending.send_document(issued["plan"], choice, actor=issued["committee"].chair)
    assert message in refused.value.errors[field]
    db.session.rollback()
    assert sent_notes() == [] and mail_jobs() == [] and audits() == []


def test_a_group_without_members_gives_nobody(issued):
    empty = make_group("Tổ Trống")
    with pytest.raises(ValidationFailed) as refused:
        sending.send_document(issued["plan"], sending.Choice(group_ids=(empty.id,)), actor=issued["committee"].chair)
    assert "không có người nhận nào" in refused.value.errors["recipients"]


def test_typed_addresses_need_a_mail_server(issued):
    with pytest.raises(ValidationFailed) as refused:
        sending.send_document(issued["plan"], sending.Choice(addresses="a@example.vn"),
                              actor=issued["committee"].chair)
    assert "chưa cấu hình gửi thư" in refused.value.errors["addresses"]


def test_only_who_may_sign_sends(issued):
    committee = issued["committee"]
    with pytest.raises(PermissionDenied):
        sending.send_document(issued["plan"], sending.Choice(all_members=True), actor=committee.vice)


# ------------------------------------------------------------------------------------------ the page

def test_page_sends_once_lists_the_sending_and_keeps_a_bad_form(issued, client, signed_in, smtp):  # noqa: F811
    chair, plan, signed = issued["committee"].chair, issued["plan"], issued["signed"]
    signed_in(chair)
    detail = text_of(client.get(f"/ke-hoach/{plan.id}"))
    assert "Gửi văn bản" in detail
    url = f"/ke-hoach/{plan.id}/gui-van-ban"
    page = client.get(url)
    assert page.status_code == 200 and "Tổ Khối 1 (3 đoàn viên)" in text_of(page)
    token = token_of_form(page, url)
    bad = client.post_form(url, {"groups": str(issued["g2"].id), "addresses": "sai-dia-chi",
                                 "note": "Lời nhắn giữ lại", "submission_token": token})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Dòng 1: “sai-dia-chi” không phải địa chỉ e-mail hợp lệ." in text_of(bad)
    assert "Lời nhắn giữ lại" in html and "sai-dia-chi" in html and f'value="{token}"' in html
    assert sent_notes() == [] and audits() == []
    body = {"groups": str(issued["g2"].id), "addresses": "ldld@example.vn", "submission_token": token}
    first = client.post_form(url, body)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/ke-hoach/{plan.id}")
    again = client.post_form(url, body)                          # the double tap
    assert again.status_code == 303
    assert ALREADY in text_of(client.get(f"/ke-hoach/{plan.id}"))
    assert len(audits()) == 1 and len(mail_jobs()) == 3 and len(sent_notes()) == 2
    detail = text_of(client.get(f"/ke-hoach/{plan.id}"))
    assert "Đã gửi văn bản" in detail and "gửi tới 3 người nhận (Tổ Văn phòng, 1 địa chỉ e-mail)" in detail


def test_page_refuses_who_may_not_sign_and_unsigned_plans(issued, client, signed_in, as_):
    committee = issued["committee"]
    signed_in(committee.vice)                     # not delegated to sign
    assert client.get(f"/ke-hoach/{issued['plan'].id}/gui-van-ban").status_code == 403
    assert "Gửi văn bản" not in text_of(client.get(f"/ke-hoach/{issued['plan'].id}"))
    as_(issued["first"][0])                       # a plain member
    assert client.get(f"/ke-hoach/{issued['plan'].id}/gui-van-ban").status_code == 403
    assert "Đã gửi văn bản" not in text_of(client.get(f"/ke-hoach/{issued['plan'].id}"))
    draft = approved_plan(committee, subject="Chưa ký")
    as_(committee.chair)
    assert client.get(f"/ke-hoach/{draft.id}/gui-van-ban").status_code == 404


def test_page_refuses_a_note_too_long_keeping_the_form(issued, client, signed_in):
    signed_in(issued["committee"].chair)
    url = f"/ke-hoach/{issued['plan'].id}/gui-van-ban"
    refused = client.post_form(url, {"all_members": "y", "note": "x" * 2001})
    assert refused.status_code == 422 and "Lời nhắn quá dài (tối đa 2000 ký tự)." in text_of(refused)
    assert re.search(r'<input checked id="all_members"', refused.get_data(as_text=True))     # the form kept
    assert sent_notes() == [] and audits() == []
