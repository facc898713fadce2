"""Payment records: the accountant's "Ghi nhận đã chi" form (date, voucher number, receiver), its
checks with Vietnamese messages and nothing written on bad input, one voucher sequence per year of
the payment date, corrections with a reason in the timeline and the audit trail, and the lists that
carry the record."""
import datetime as dt
import json

import pytest
import sqlalchemy as sa

from congdoan.audit.models import AuditEntry
from congdoan.dates import fmt_date, local_today
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.member_requests import payments, workflow
from congdoan.member_requests.models import MemberRequest
from congdoan.member_requests.payments import Payment

from .conftest import text_of
from .reqkit import act, cast, request_in, submit

TODAY = local_today()
YEAR = TODAY.year


def _pay_url(req) -> str:
    return f"/de-xuat/{req.id}/ghi-nhan-chi"


def _form(req, **values) -> dict:
    proposal = payments.propose(req)
    form = {"paid_on": proposal.paid_on, "voucher": proposal.voucher, "receiver": proposal.receiver,
            "note": "", "proposed": proposal.voucher, "version": str(req.version)}
    form.update(values)
    return form


def _approved(c, kind="wedding_funeral", decided_on: dt.date | None = None):
    req = request_in(c, "approved", kind)
    if decided_on is not None:
        # decided at noon Vietnam time that day (05:00 UTC)
        req.decided_at = dt.datetime.combine(decided_on, dt.time(5, 0))
        db.session.commit()
    return req


def _payments() -> list[Payment]:
    return db.session.execute(sa.select(Payment).order_by(Payment.voucher_year, Payment.voucher_seq)).scalars().all()


def test_form_proposes_today_the_next_number_and_the_member(client, signed_in):
    c = cast()
    first = _approved(c)
    act(first, "pay", c.accountant)                       # PC-001 of this year is taken
    req = _approved(c)
    signed_in(c.accountant)
    page = client.get(_pay_url(req))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="{fmt_date(TODAY)}"' in html
    assert f'value="PC-002/{YEAR}"' in html
    assert 'value="Nguyễn Thị Thanh"' in html
    # htmx gets the form alone, to open in place of the button
    fragment = client.get(_pay_url(req) + "?view=card", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert f'id="pay-form-{req.id}-card"' in fragment and f'hx-target="#req-card-{req.id}"' in fragment


def test_recording_a_payment_writes_the_record_and_says_what_was_done(client, signed_in):
    c = cast()
    req = _approved(c)
    signed_in(c.accountant)
    r = client.post_form(_pay_url(req), _form(req, receiver="Nguyễn Văn Bình (chồng)", note="Chi tiền mặt"))
    assert r.status_code == 303
    db.session.expire_all()
    req = db.session.get(MemberRequest, req.id)
    assert req.status == "done"
    paid = req.payment
    assert (paid.paid_on, paid.voucher, paid.receiver, paid.note) == (TODAY, f"PC-001/{YEAR}",
                                                                      "Nguyễn Văn Bình (chồng)", "Chi tiền mặt")
    assert paid.recorded_by_id == c.accountant.id
    assert req.events[-1].note == (f"Phiếu chi PC-001/{YEAR}, ngày chi {fmt_date(TODAY)}, người nhận "
                                   f"Nguyễn Văn Bình (chồng).\nChi tiền mặt")
    page = text_of(client.get(f"/de-xuat/{req.id}"))
    assert f"Đã ghi nhận đã chi cho đề xuất “{req.title}”: phiếu chi PC-001/{YEAR}" in page
    for text in ("Thông tin chi", f"PC-001/{YEAR}", "Nguyễn Văn Bình (chồng)", "Phạm Thị Lan", fmt_date(TODAY)):
        assert text in page
    assert f"phiếu chi PC-001/{YEAR}" in req.next_step
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "request_pay")).scalar_one()
    assert json.loads(entry.data)["voucher"] == f"PC-001/{YEAR}"
    told = db.session.execute(sa.select(Notification.message).where(Notification.user_id == c.member.id,
                                                                    Notification.kind == "request_pay")).scalar_one()
    assert f"(phiếu chi PC-001/{YEAR}, người nhận: Nguyễn Văn Bình (chồng))" in told


def test_htmx_payment_from_the_inbox_card(client, signed_in):
    c = cast()
    req = _approved(c)
    signed_in(c.accountant)
    inbox = client.get("/de-xuat/cho-chi").get_data(as_text=True)
    assert f'hx-get="/de-xuat/{req.id}/ghi-nhan-chi?view=card"' in inbox
    r = client.post_form(_pay_url(req), _form(req, view="card"), htmx=True)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert f'id="req-card-{req.id}"' in html and "Đã ghi nhận đã chi cho đề xuất" in html
    assert "HX-Retarget" not in r.headers


BAD = [
    ("future date", {"paid_on": fmt_date(TODAY + dt.timedelta(days=1))}, "paid_on", "không được sau hôm nay"),
    ("impossible date", {"paid_on": "15/13/2026"}, "paid_on", "Ngày chi “15/13/2026” không hợp lệ"),
    ("words for a date", {"paid_on": "hôm qua"}, "paid_on", "không hợp lệ: nhập theo dạng ngày/tháng/năm"),
    ("empty date", {"paid_on": ""}, "paid_on", "Vui lòng nhập ngày chi."),
    ("empty receiver", {"receiver": "   "}, "receiver", "Vui lòng nhập người nhận"),
    ("long receiver", {"receiver": "A" * 201}, "receiver", "tối đa 200 ký tự"),
    ("bad number", {"voucher": "PC-abc"}, "voucher", "Số phiếu chi “PC-abc” không hợp lệ"),
    ("zero", {"voucher": "0"}, "voucher", "không hợp lệ"),
    ("empty number", {"voucher": ""}, "voucher", "Vui lòng nhập số phiếu chi."),
    ("number of another year", {"voucher": f"PC-007/{YEAR - 1}"}, "voucher", f"thuộc năm {YEAR - 1}"),
]


@pytest.mark.parametrize("values,field,message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_keeps_the_form_and_writes_nothing(client, signed_in, values, field, message):
    c = cast()
    req = _approved(c)
    signed_in(c.accountant)
    form = _form(req, **{"receiver": "Người Nhận Giữ Lại", **values})
    r = client.post_form(_pay_url(req), form)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert message in text_of(r)
    assert f'id="{field}-{req.id}-error"' in html and 'aria-invalid="true"' in html
    if field != "receiver":
        assert 'value="Người Nhận Giữ Lại"' in html                     # what was typed stays
    db.session.expire_all()
    assert db.session.get(MemberRequest, req.id).status == "approved"
    assert _payments() == []
    # the same through htmx: 200 so htmx swaps it, and only the form is redrawn
    r = client.post_form(_pay_url(req), form, htmx=True)
    assert r.status_code == 200 and message in text_of(r)
    assert r.headers["HX-Retarget"] == f"#pay-form-{req.id}" and r.headers["HX-Reswap"] == "outerHTML"
    assert _payments() == []


def test_a_date_before_the_committee_decision_is_refused(client, signed_in):
    c = cast()
    req = _approved(c, decided_on=TODAY - dt.timedelta(days=3))
    signed_in(c.accountant)
    r = client.post_form(_pay_url(req), _form(req, paid_on=fmt_date(TODAY - dt.timedelta(days=4))))
    assert r.status_code == 422
    assert (f"Ngày chi không được trước ngày Ban Chấp hành duyệt đề xuất "
            f"({fmt_date(TODAY - dt.timedelta(days=3))})") in text_of(r)
    # the decision day itself is fine, typed without leading zeros
    day = TODAY - dt.timedelta(days=3)
    r = client.post_form(_pay_url(req), _form(req, paid_on=f"{day.day}/{day.month}/{day.year}"))
    assert r.status_code == 303
    assert db.session.get(MemberRequest, req.id).payment.paid_on == day


def test_a_typed_number_already_used_is_refused_by_name(client, signed_in):
    c = cast()
    first = _approved(c)
    act(first, "pay", c.accountant)
    req = _approved(c)
    signed_in(c.accountant)
    r = client.post_form(_pay_url(req), _form(req, voucher="1"))
    assert r.status_code == 422
    assert (f"Số phiếu chi PC-001/{YEAR} đã dùng cho đề xuất #{first.id}. "
            f"Số tiếp theo còn trống: PC-002/{YEAR}.") in text_of(r)
    # a free number typed in any common way is used as typed
    r = client.post_form(_pay_url(req), _form(req, voucher=f"pc 015/{YEAR}"))
    assert r.status_code == 303
    assert db.session.get(MemberRequest, req.id).payment.voucher == f"PC-015/{YEAR}"


def test_the_proposed_number_taken_meanwhile_gives_the_next_one(client, signed_in):
    c = cast()
    a, b = _approved(c), _approved(c)
    signed_in(c.accountant)
    form_a, form_b = _form(a), _form(b)            # both pages show PC-001
    assert form_a["voucher"] == form_b["voucher"] == f"PC-001/{YEAR}"
    assert client.post_form(_pay_url(a), form_a).status_code == 303
    assert client.post_form(_pay_url(b), form_b).status_code == 303
    assert [p.voucher for p in _payments()] == [f"PC-001/{YEAR}", f"PC-002/{YEAR}"]


def test_numbers_run_per_year_of_the_payment_date(app):
    c = cast()
    last_year = YEAR - 1
    reqs = [_approved(c, decided_on=dt.date(last_year, 12, 30)) for _ in range(4)]
    dates = [dt.date(last_year, 12, 31), dt.date(YEAR, 1, 1), dt.date(last_year, 12, 31), dt.date(YEAR, 1, 2)]
    for req, day in zip(reqs, dates):
        workflow.apply(req, "pay", c.accountant, expected=req.version,
                       payment=payments.PaymentInput(day, None, "Người nhận", ""))
        db.session.commit()
    got = {p.request_id: p.voucher for p in _payments()}
    assert [got[r.id] for r in reqs] == [f"PC-001/{last_year}", f"PC-001/{YEAR}", f"PC-002/{last_year}",
                                         f"PC-002/{YEAR}"]


def test_on_the_first_of_january_the_proposal_starts_a_new_year(monkeypatch):
    c = cast()
    act(_approved(c), "pay", c.accountant)
    req = _approved(c)
    monkeypatch.setattr(payments, "local_today", lambda: dt.date(YEAR + 1, 1, 1))
    proposal = payments.propose(req)
    assert (proposal.paid_on, proposal.voucher) == (f"01/01/{YEAR + 1}", f"PC-001/{YEAR + 1}")


def test_paying_without_the_form_records_today_the_next_number_and_the_member():
    c = cast()
    req = _approved(c)
    act(req, "pay", c.accountant)
    paid = req.payment
    assert (paid.paid_on, paid.voucher, paid.receiver) == (TODAY, f"PC-001/{YEAR}", "Nguyễn Thị Thanh")


def test_only_the_accountant_opens_the_form_and_only_while_approved(client, signed_in, as_):
    c = cast()
    req = _approved(c)
    signed_in(c.chair)
    assert client.get(_pay_url(req)).status_code == 403
    assert client.post_form(_pay_url(req), _form(req)).status_code == 403
    as_(c.accountant)
    assert client.post_form(_pay_url(req), _form(req)).status_code == 303
    assert client.get(_pay_url(req)).status_code == 409           # already paid
    r = client.post_form(_pay_url(req), _form(req, voucher="9"))
    assert r.status_code == 409 and len(_payments()) == 1
    # the generic action URL does not bypass the form
    other = _approved(c)
    assert client.post_form(f"/de-xuat/{other.id}/thao-tac/pay", {"version": other.version}).status_code == 404


def test_a_stale_page_is_refused(client, signed_in):
    c = cast()
    req = _approved(c)
    signed_in(c.accountant)
    form = _form(req, version=str(req.version - 1))
    assert client.post_form(_pay_url(req), form).status_code == 409
    assert _payments() == []


# --- corrections ------------------------------------------------------------------------------------

def _fix_url(req) -> str:
    return f"/de-xuat/{req.id}/phieu-chi"


def _fix_form(req, **values) -> dict:
    paid = req.payment
    form = {"paid_on": fmt_date(paid.paid_on), "voucher": paid.voucher, "receiver": paid.receiver,
            "note": paid.note, "reason": "", "payment_version": str(paid.version)}
    form.update(values)
    return form


def test_the_accountant_corrects_a_payment_with_a_reason_and_it_is_on_record(client, signed_in):
    c = cast()
    req = _approved(c)
    act(req, "pay", c.accountant)
    signed_in(c.accountant)
    r = client.post_form(_fix_url(req), _fix_form(req, receiver="Nguyễn Văn Bình (chồng)", voucher="7"))
    assert r.status_code == 422 and "Vui lòng nhập lý do sửa." in text_of(r)
    db.session.expire_all()
    assert db.session.get(MemberRequest, req.id).payment.receiver == "Nguyễn Thị Thanh"
    r = client.post_form(_fix_url(req), _fix_form(req, receiver="Nguyễn Văn Bình (chồng)", voucher="7",
                                                  reason="Chồng chị Thanh nhận thay"))
    assert r.status_code == 303
    db.session.expire_all()
    req = db.session.get(MemberRequest, req.id)
    assert (req.payment.receiver, req.payment.voucher, req.payment.version) == ("Nguyễn Văn Bình (chồng)",
                                                                                  f"PC-007/{YEAR}", 2)
    event = req.events[-1]
    assert event.action == "pay_fix" and event.actor_id == c.accountant.id
    assert f"số phiếu chi: PC-001/{YEAR} → PC-007/{YEAR}" in event.note
    assert "người nhận: Nguyễn Thị Thanh → Nguyễn Văn Bình (chồng)" in event.note
    assert "Lý do: Chồng chị Thanh nhận thay" in event.note
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "request_payment_corrected")).scalar_one()
    data = json.loads(entry.data)
    assert data["before"]["receiver"] == "Nguyễn Thị Thanh" and data["after"]["voucher"] == f"PC-007/{YEAR}"
    page = text_of(client.get(f"/de-xuat/{req.id}"))
    assert "Kế toán sửa thông tin chi" in page and f"PC-007/{YEAR}" in page
    # the old number is free again, the new one taken
    assert payments.holder_of(YEAR, 1) is None and payments.holder_of(YEAR, 7).request_id == req.id


def test_a_correction_cannot_take_a_used_number_or_a_stale_page(client, signed_in):
    c = cast()
    first, second = _approved(c), _approved(c)
    act(first, "pay", c.accountant)
    act(second, "pay", c.accountant)
    signed_in(c.accountant)
    r = client.post_form(_fix_url(second), _fix_form(second, voucher="1", reason="Nhầm số"))
    assert r.status_code == 422 and f"Số phiếu chi PC-001/{YEAR} đã dùng cho đề xuất #{first.id}" in text_of(r)
    r = client.post_form(_fix_url(second), _fix_form(second, payment_version="5", receiver="X", reason="Y"))
    assert r.status_code == 409
    r = client.post_form(_fix_url(second), _fix_form(second, reason="Không đổi gì"))
    assert r.status_code == 422 and "không có gì thay đổi" in text_of(r)
    assert db.session.get(MemberRequest, second.id).payment.version == 1


def test_only_the_accountant_corrects(client, signed_in):
    c = cast()
    req = _approved(c)
    act(req, "pay", c.accountant)
    signed_in(c.chair)
    assert "Sửa thông tin chi" not in text_of(client.get(f"/de-xuat/{req.id}"))
    r = client.post_form(_fix_url(req), _fix_form(req, receiver="Ai đó", reason="Thử"))
    assert r.status_code == 403
    assert db.session.get(MemberRequest, req.id).payment.receiver == "Nguyễn Thị Thanh"


def test_a_private_request_keeps_its_words_out_of_the_audit_trail(client, signed_in):
    c = cast()
    req = submit(c.member, "sick_visit")
    act(req, "approve", c.chair)
    act(req, "pay", c.accountant)
    signed_in(c.accountant)
    r = client.post_form(_fix_url(req), _fix_form(req, note="Bệnh viện Việt Tiệp", reason="Bổ sung nơi thăm"))
    assert r.status_code == 303
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "request_payment_corrected")).scalar_one()
    assert "Việt Tiệp" not in entry.data and "Bổ sung nơi thăm" not in entry.data


# --- the migration ----------------------------------------------------------------------------------

def test_the_migration_gives_requests_paid_before_it_a_record(app, tmp_path):
    """Paid requests of an older database get a record: the date they were marked paid in Vietnam
    time, numbers in the order they were paid within each year, the member as the receiver."""
    from flask_migrate import downgrade, upgrade

    from congdoan import create_app
    from congdoan.config import TestConfig
    folder = tmp_path / "old"
    old = create_app(TestConfig, instance_path=str(folder), SQLALCHEMY_DATABASE_URI="sqlite:///" + str(folder / "c.sqlite"))
    with old.app_context():
        # The people and requests are made by today's models (which know today's columns), then the
        # schema goes back to the revision before the payment records, keeping the rows.
        upgrade()
        c = cast()
        reqs = [request_in(c, "approved") for _ in range(3)]
        unpaid = request_in(c, "approved")
        db.session.commit()
        req_ids, unpaid_id, accountant_id = [r.id for r in reqs], unpaid.id, c.accountant.id
        db.session.remove()
        downgrade(revision="0025_search_text")
        # the requests as the app paid them before: the status, paid_at and paid_by only
        times = [dt.datetime(2025, 12, 31, 17, 30),     # 00:30 on 1 January 2026 in Vietnam
                 dt.datetime(2025, 12, 31, 16, 30),     # 23:30 on 31 December 2025
                 dt.datetime(2025, 12, 31, 18, 0)]
        for req_id, when in zip(req_ids, times):
            db.session.execute(sa.text("UPDATE member_requests SET status = 'done', paid_at = :t, paid_by_id = :u "
                                       "WHERE id = :id"), {"t": when, "u": accountant_id, "id": req_id})
        db.session.commit()
        upgrade()
        rows = db.session.execute(sa.text("SELECT request_id, paid_on, voucher_year, voucher_seq, receiver, "
                                          "recorded_by_id FROM request_payments ORDER BY request_id")).all()
        assert [(r[0], str(r[1]), r[2], r[3], r[4], r[5]) for r in rows] == [
            (req_ids[0], "2026-01-01", 2026, 1, "Nguyễn Thị Thanh", accountant_id),
            (req_ids[1], "2025-12-31", 2025, 1, "Nguyễn Thị Thanh", accountant_id),
            (req_ids[2], "2026-01-01", 2026, 2, "Nguyễn Thị Thanh", accountant_id)]
        assert unpaid_id not in [r[0] for r in rows]
        db.session.remove()
        db.engine.dispose()
