"""Separation of duties for the union's offices (issue 15, point 4).

Offices (Chủ tịch, Phó Chủ tịch, Ủy viên BCH, Kế toán / Thủ quỹ) are granted and removed only by the
chair in office, through congdoan.people.offices; the chair is passed on only by a handover, so at most
one person holds it, which the database enforces too. The admin keeps accounts and groups."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from congdoan.audit.models import AuditEntry
from congdoan.errors import DomainError, PermissionDenied
from congdoan.extensions import db
from congdoan.people import offices
from congdoan.people.models import User, UserRole
from congdoan.people.roles import Role

from .conftest import make_user, text_of


def _roles(user: User) -> set[str]:
    db.session.expire_all()
    return {r.value for r in db.session.get(User, user.id).stored_roles}


def _data(entry: AuditEntry) -> dict:
    return json.loads(entry.data)


def _chairs() -> list[int]:
    return db.session.execute(sa.select(UserRole.user_id).where(UserRole.role == "chair")).scalars().all()


@pytest.fixture
def union():
    """A chair, two committee members, an admin and a plain member: a committee of 3."""
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    one = make_user("Trần Văn Minh", roles=["committee"])
    two = make_user("Lê Thị Hà", roles=["committee"])
    admin = make_user("Ngô Văn Tuấn", roles=["admin"])
    member = make_user("Vũ Thị Mai")
    return chair, one, two, admin, member


# --- the service ------------------------------------------------------------------------------------

def test_admin_cannot_grant_himself_an_office(union):
    chair, one, two, admin, member = union
    for office in (Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.ACCOUNTANT):
        with pytest.raises(PermissionDenied) as refused:
            offices.set_offices(admin, {office}, actor=admin)
        assert "Chủ tịch" in refused.value.message
        db.session.rollback()
    with pytest.raises(PermissionDenied):
        offices.hand_over_chair(admin, actor=admin)
    db.session.rollback()
    assert _roles(admin) == {"admin"}
    assert _chairs() == [chair.id]
    assert not db.session.query(AuditEntry).filter(AuditEntry.action.like("office%")).count()


def test_chair_grants_and_removes_offices_with_audit_and_committee_size(union):
    chair, one, two, admin, member = union
    assert offices.committee_size().members == 3
    change = offices.set_offices(member, {Role.COMMITTEE, Role.VICE_CHAIR}, actor=chair)
    db.session.commit()
    assert _roles(member) == {"committee", "vice_chair"}
    assert (change.before.members, change.after.members) == (3, 4)
    assert change.after.needed == 3            # more than half of 4
    assert change.message() == ("Đã giao chức vụ Phó Chủ tịch, Ủy viên Ban Chấp hành cho Vũ Thị Mai. "
                                "Ban Chấp hành nay có 4 ủy viên: một dự thảo cần ít nhất 3 phiếu đồng ý.")
    entries = db.session.query(AuditEntry).filter_by(action="office_granted", object_id=member.id).all()
    assert sorted(_data(e)["office"] for e in entries) == ["committee", "vice_chair"]
    assert all(e.actor_id == chair.id and _data(e)["committee_before"] == 3
               and _data(e)["committee_after"] == 4 for e in entries)

    change = offices.set_offices(member, set(), actor=chair)
    db.session.commit()
    assert _roles(member) == set()
    assert change.after.members == 3 and "nay có 3 ủy viên: một dự thảo cần ít nhất 2 phiếu" in change.message()
    assert db.session.query(AuditEntry).filter_by(action="office_removed", object_id=member.id).count() == 2


def test_accountant_is_an_office_outside_the_committee(union):
    chair, one, two, admin, member = union
    change = offices.set_offices(member, {Role.ACCOUNTANT}, actor=chair)
    db.session.commit()
    assert _roles(member) == {"accountant"}
    assert change.before.members == change.after.members == 3
    assert "Ban Chấp hành vẫn có 3 ủy viên" in change.message()


def test_chair_is_only_handed_over(union):
    chair, one, two, admin, member = union
    with pytest.raises(DomainError, match="bàn giao"):
        offices.set_offices(one, {Role.COMMITTEE, Role.CHAIR}, actor=chair)
    db.session.rollback()
    with pytest.raises(DomainError, match="bàn giao"):
        offices.set_offices(chair, {Role.COMMITTEE}, actor=chair)
    db.session.rollback()
    with pytest.raises(DomainError, match="không kiêm Phó Chủ tịch"):
        offices.set_offices(chair, {Role.CHAIR, Role.COMMITTEE, Role.VICE_CHAIR}, actor=chair)
    db.session.rollback()
    assert _chairs() == [chair.id] and _roles(chair) == {"chair", "committee"}


def test_handover_moves_the_chair_atomically(union):
    chair, one, two, admin, member = union
    offices.set_offices(one, {Role.COMMITTEE, Role.VICE_CHAIR}, actor=chair)
    db.session.commit()
    change = offices.hand_over_chair(one, actor=chair)
    db.session.commit()
    assert _chairs() == [one.id]
    assert _roles(one) == {"chair", "committee"}        # the chair is no longer also a vice chair
    assert _roles(chair) == {"committee"}               # the former chair stays on the committee
    assert change.before.members == change.after.members == 3
    assert "Nguyễn Thị Hoa đã bàn giao chức Chủ tịch cho Trần Văn Minh" in change.message()
    actions = {(e.action, e.object_id, _data(e)["office"])
               for e in db.session.query(AuditEntry).filter(AuditEntry.action.like("office_%"))
               if _data(e).get("handover")}
    assert actions == {("office_removed", chair.id, "chair"), ("office_granted", one.id, "chair"),
                       ("office_removed", one.id, "vice_chair")}
    # The former chair can no longer grant anything; the new one can.
    with pytest.raises(PermissionDenied):
        offices.set_offices(member, {Role.COMMITTEE}, actor=db.session.get(User, chair.id))
    db.session.rollback()
    offices.set_offices(member, {Role.COMMITTEE}, actor=db.session.get(User, one.id))
    db.session.commit()
    assert _roles(member) == {"committee"}


def test_handover_may_leave_the_committee_and_reports_the_new_size(union):
    chair, one, two, admin, member = union
    change = offices.hand_over_chair(one, actor=chair, keep_on_committee=False)
    db.session.commit()
    assert _chairs() == [one.id] and _roles(chair) == set()
    assert (change.before.members, change.after.members) == (3, 2)
    assert "nay có 2 ủy viên: một dự thảo cần ít nhất 2 phiếu" in change.message()
    # A successor from outside the committee joins it: the size grows back.
    change = offices.hand_over_chair(member, actor=db.session.get(User, one.id))
    db.session.commit()
    assert _chairs() == [member.id] and _roles(member) == {"chair", "committee"}
    assert (change.before.members, change.after.members) == (2, 3)


def test_handover_refuses_self_inactive_and_a_stale_chair(union):
    chair, one, two, admin, member = union
    with pytest.raises(DomainError):
        offices.hand_over_chair(chair, actor=chair)
    db.session.rollback()
    gone = make_user("Người Đã Nghỉ", active=False)
    with pytest.raises(DomainError, match="ngừng hoạt động"):
        offices.hand_over_chair(gone, actor=chair)
    db.session.rollback()
    # A second handover from the same (now former) chair, e.g. a second tab, changes nothing.
    stale = db.session.get(User, chair.id)
    offices.hand_over_chair(one, actor=chair)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        offices.hand_over_chair(two, actor=stale)
    db.session.rollback()
    assert _chairs() == [one.id]


def test_the_database_refuses_a_second_chair(union):
    chair, one, two, admin, member = union
    db.session.add(UserRole(user_id=one.id, role="chair"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _chairs() == [chair.id]


def test_first_chair_only_when_there_is_none(union):
    chair, one, two, admin, member = union
    with pytest.raises(DomainError, match="đã có Chủ tịch"):
        offices.set_first_chair(one)
    db.session.rollback()
    db.session.execute(sa.delete(UserRole).where(UserRole.role == "chair"))
    db.session.commit()
    change = offices.set_first_chair(one)
    db.session.commit()
    assert _chairs() == [one.id] and "chair" in _roles(one)
    assert change.after.members == 3


def test_chair_and_office_holders_are_not_deactivated(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(admin)
    r = client.post_form(f"/quan-tri/nguoi-dung/{chair.id}/trang-thai")
    assert r.status_code == 409 and "bàn giao" in text_of(r)
    r = client.post_form(f"/quan-tri/nguoi-dung/{one.id}/trang-thai")
    assert r.status_code == 409 and "miễn nhiệm" in text_of(r)
    assert db.session.get(User, chair.id).active and db.session.get(User, one.id).active
    r = client.post_form(f"/quan-tri/nguoi-dung/{member.id}/trang-thai")
    assert r.status_code == 303 and not db.session.get(User, member.id).active


# --- over HTTP -------------------------------------------------------------------------------------

def test_admin_cannot_grant_himself_the_chair_over_http(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(admin)
    for office in ("chair", "vice_chair", "committee", "accountant"):
        r = client.post_form(f"/quan-tri/nguoi-dung/{admin.id}", {
            "full_name": admin.full_name, "email": admin.email, "phone": "", "roles": ["admin", office]})
        assert r.status_code == 422
        assert "Chỉ Chủ tịch mới được giao chức vụ" in text_of(r)
        r = client.post_form(f"/chuc-vu/{admin.id}", {"offices": [office]})
        assert r.status_code == 403
    r = client.post_form("/chuc-vu/ban-giao", {"successor_id": str(admin.id), "keep_on_committee": "y"})
    assert r.status_code == 403
    r = client.post_form("/quan-tri/nguoi-dung/them", {
        "full_name": "Chủ Tịch Giả", "email": "gia@thanhto.demo", "roles": ["chair"]})
    assert r.status_code == 422 and "Chỉ Chủ tịch mới được giao chức vụ" in text_of(r)
    assert _roles(admin) == {"admin"} and _chairs() == [chair.id]
    assert db.session.execute(sa.select(User).where(User.email == "gia@thanhto.demo")).scalar() is None


def test_admin_still_edits_accounts_of_office_holders(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(admin)
    r = client.post_form(f"/quan-tri/nguoi-dung/{one.id}", {
        "full_name": "Trần Văn Minh", "email": one.email, "phone": "0912345678", "roles": []})
    assert r.status_code == 303
    assert _roles(one) == {"committee"} and db.session.get(User, one.id).phone == "0912345678"
    # An old form that still sends the offices the person holds changes nothing either.
    r = client.post_form(f"/quan-tri/nguoi-dung/{one.id}", {
        "full_name": "Trần Văn Minh", "email": one.email, "phone": "", "roles": ["committee", "admin"]})
    assert r.status_code == 303 and _roles(one) == {"committee", "admin"}


def test_offices_page_shows_size_and_threshold(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(chair)
    r = client.get("/chuc-vu")
    assert r.status_code == 200
    page = text_of(r)
    assert "Ban Chấp hành hiện có 3 ủy viên: một dự thảo cần ít nhất 2 phiếu đồng ý." in page
    assert "Bàn giao chức Chủ tịch" in page


def test_admin_reads_the_offices_page_without_forms(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(admin)
    r = client.get("/chuc-vu")
    assert r.status_code == 200
    assert "Nguyễn Thị Hoa" in text_of(r) and "Bàn giao chức Chủ tịch" not in text_of(r)


def test_chair_grants_an_office_over_http_and_sees_the_new_threshold(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(chair)
    r = client.post_form(f"/chuc-vu/{member.id}", {"offices": ["committee"]}, follow_redirects=True)
    assert r.status_code == 200
    assert "Ban Chấp hành nay có 4 ủy viên: một dự thảo cần ít nhất 3 phiếu đồng ý." in text_of(r)
    assert _roles(member) == {"committee"}
    r = client.post_form(f"/chuc-vu/{member.id}", {"offices": ["chair"]})
    assert r.status_code == 422 and "bàn giao" in text_of(r)
    assert _roles(member) == {"committee"}


def test_chair_hands_over_over_http(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(chair)
    r = client.post_form("/chuc-vu/ban-giao", {"successor_id": str(one.id), "keep_on_committee": "y"},
                         follow_redirects=True)
    assert r.status_code == 200 and "đã bàn giao chức Chủ tịch cho Trần Văn Minh" in text_of(r)
    assert _chairs() == [one.id]
    r = client.post_form("/chuc-vu/ban-giao", {"successor_id": str(two.id)})
    assert r.status_code == 403 and _chairs() == [one.id]


def test_handover_form_errors_are_at_the_field(client, signed_in, union):
    chair, one, two, admin, member = union
    signed_in(chair)
    for value in ("", "abc", "999999", str(chair.id)):
        r = client.post_form("/chuc-vu/ban-giao", {"successor_id": value})
        assert r.status_code == 422, value
        assert "field-error" in r.get_data(as_text=True)
    assert _chairs() == [chair.id]


def test_admin_cannot_sign_a_plan(client, signed_in):
    from congdoan.plans.models import Plan, PlanStatus
    from .doc_factories import approved_plan, make_committee
    committee = make_committee()
    plan = approved_plan(committee)
    admin = make_user("Ngô Văn Tuấn", roles=["admin"])
    signed_in(admin)
    assert client.get(f"/ke-hoach/{plan.id}/ky-ban-hanh").status_code == 403
    assert client.post_form(f"/ke-hoach/{plan.id}/ky-ban-hanh").status_code == 403
    # ... nor make himself the chair's delegate to sign: that is the chair's setting.
    client.post_form("/cai-dat/", {"sign_delegate_id": str(admin.id)})
    assert client.post_form(f"/ke-hoach/{plan.id}/ky-ban-hanh").status_code == 403
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert plan.state == PlanStatus.APPROVED and plan.number is None


# --- other paths that grant roles ----------------------------------------------------------------

def test_member_import_by_the_admin_does_not_grant_offices(client, signed_in, union):
    import io
    chair, one, two, admin, member = union
    signed_in(admin)
    body = ("Họ và tên,Email,Điện thoại,Tổ,Vai trò\n"
            "Đinh Văn Một,mot@thanhto.demo,,,Ủy viên BCH\n"
            "Đinh Văn Hai,hai@thanhto.demo,,,\n")
    r = client.post_form("/quan-tri/nguoi-dung/nhap",
                         {"file": (io.BytesIO(body.encode()), "ds.csv")}, content_type="multipart/form-data")
    assert r.status_code == 200
    assert "Chỉ Chủ tịch mới được giao chức vụ" in text_of(r)
    emails = set(db.session.execute(sa.select(User.email)).scalars())
    assert "hai@thanhto.demo" in emails and "mot@thanhto.demo" not in emails


def test_member_import_by_the_chair_grants_offices_through_the_service(union):
    from congdoan.people.member_import import Row, import_members
    chair, one, two, admin, member = union
    chair_admin = db.session.get(User, chair.id)
    chair_admin.set_roles({Role.CHAIR, Role.COMMITTEE, Role.ADMIN})
    db.session.commit()
    report = import_members([Row(2, {"full_name": "Đinh Văn Ba", "email": "ba@thanhto.demo",
                                     "roles": "Ủy viên BCH"}),
                             Row(3, {"full_name": "Đinh Văn Bốn", "email": "bon@thanhto.demo",
                                     "roles": "Chủ tịch"})], actor=chair_admin)
    db.session.commit()
    assert [c.user.email for c in report.created] == ["ba@thanhto.demo"]
    assert "bàn giao" in " ".join(report.rejected[0].reasons)
    ba = db.session.execute(sa.select(User).where(User.email == "ba@thanhto.demo")).scalar_one()
    assert _roles(ba) == {"committee"}
    assert db.session.query(AuditEntry).filter_by(action="office_granted", object_id=ba.id).count() == 1


def test_create_admin_sets_the_first_chair_only_when_asked_and_none_exists(runner):
    r = runner.invoke(args=["create-admin", "--email", "admin@thanhto.demo", "--name", "Quản Trị",
                            "--password", "mot-mat-khau-dai"])
    assert r.exit_code == 0, r.output
    assert "Chưa có Chủ tịch" in r.output
    assert _chairs() == []
    r = runner.invoke(args=["create-admin", "--email", "ct@thanhto.demo", "--name", "Chủ Tịch",
                            "--password", "mot-mat-khau-dai", "--chair"])
    assert r.exit_code == 0, r.output
    chair = db.session.execute(sa.select(User).where(User.email == "ct@thanhto.demo")).scalar_one()
    assert _roles(chair) == {"admin", "chair", "committee"}
    r = runner.invoke(args=["create-admin", "--email", "ct2@thanhto.demo", "--name", "Chủ Tịch Hai",
                            "--password", "mot-mat-khau-dai", "--chair"])
    assert r.exit_code != 0 and "đã có Chủ tịch" in r.output
    assert db.session.execute(sa.select(User).where(User.email == "ct2@thanhto.demo")).scalar() is None


def test_set_first_chair_command(runner):
    member = make_user("Nguyễn Thị Hoa", email="hoa@thanhto.demo")
    r = runner.invoke(args=["set-first-chair", "khong-co@thanhto.demo"])
    assert r.exit_code != 0 and "Không có tài khoản" in r.output
    r = runner.invoke(args=["set-first-chair", "hoa@thanhto.demo"])
    assert r.exit_code == 0, r.output
    assert _roles(member) == {"chair", "committee"}
    r = runner.invoke(args=["set-first-chair", "hoa@thanhto.demo"])
    assert r.exit_code != 0 and "đã có Chủ tịch" in r.output


def test_simultaneous_handovers_leave_one_chair(app):
    """Four handovers fired at once from four tabs of the chair, each to someone else: one wins, the
    others are refused and nothing of theirs is written (the guarded UPDATE of the chair's row).
    On PostgreSQL (TEST_DATABASE_URL) the losers wait on the row lock; on SQLite on the write lock."""
    import threading
    from .conftest import PASSWORD, login
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    successors = [make_user(f"Người Nhận {i}") for i in range(4)]
    clients = []
    for _ in successors:
        client = app.test_client()
        assert login(client, chair, PASSWORD).status_code == 303
        clients.append((client, client.csrf_token()))
    ids = [str(p.id) for p in successors]   # read here: the threads have no app context
    db.session.commit()
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        client, token = clients[index]
        try:
            barrier.wait(timeout=20)
            statuses[index] = client.post("/chuc-vu/ban-giao", data={
                "csrf_token": token, "successor_id": ids[index]}).status_code
        except BaseException as exc:  # a thread's exception would vanish otherwise
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sorted(statuses) == [303, 403, 403, 403]
    chairs = _chairs()
    assert len(chairs) == 1 and chairs[0] == successors[statuses.index(303)].id
    assert sorted(len(_roles(p)) for p in successors) == [0, 0, 0, 2]
    assert _roles(chair) == set()          # keep_on_committee was not ticked


def test_a_size_change_during_a_vote_is_announced_with_the_new_threshold(app):
    """A draft under vote counts the committee in office at each vote (approvals.services), so the
    confirmation says that open votes now need the new number."""
    from flask import current_app
    from congdoan.approvals.services import submit, vote
    from .doc_factories import make_committee
    from .plan_factories import make_plan
    committee = make_committee(signature=False)
    plan = make_plan(committee.chair)
    with current_app.test_request_context():
        submit(plan, actor=committee.chair)
        for voter in (committee.chair, committee.vice):
            vote(plan, voter=voter, choice="for")
    db.session.commit()
    newcomer = make_user("Người Mới")
    change = offices.set_offices(newcomer, {Role.COMMITTEE}, actor=committee.chair)
    db.session.commit()
    assert change.message() == (
        "Đã giao chức vụ Ủy viên Ban Chấp hành cho Người Mới. Ban Chấp hành nay có 8 ủy viên: một dự thảo "
        "cần ít nhất 5 phiếu đồng ý. 1 dự thảo đang biểu quyết nay tính theo số ủy viên mới; kết quả được "
        "xét lại khi có phiếu tiếp theo.")
