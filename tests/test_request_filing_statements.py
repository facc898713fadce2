"""Filing a request with its evidence photo, the statements it sends: the hour before a campaign's
deadline is a rush of them (docs/speed.md, "The campaign deadline rush"), so a filing reads nothing it
already holds. Nothing is read after its commit (the message and the address of the next page are made
before), and the empty timeline and file list of a request just made are not read back."""
from __future__ import annotations

import io

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from congdoan.extensions import db
from congdoan.member_requests.kinds import KINDS
from congdoan.member_requests.models import MemberRequest

from .conftest import login, make_group, make_user, text_of
from .reqkit import SAMPLE, make_campaign, png_bytes


def _file(client, path: str, kind: str, campaign_id: int | None = None) -> list[str]:
    """POST the form with a photo; the statements sent, with "COMMIT" where the transaction committed."""
    values = MultiDict(dict(SAMPLE[kind], csrf_token=client.csrf_token()))
    if campaign_id:
        values["campaign_id"] = str(campaign_id)
    values.add("evidence", FileStorage(io.BytesIO(png_bytes()), filename="giay-khen.png"))
    boundary, body = encode_multipart(values)
    log: list[str] = []

    def statement(conn, cursor, sql, *args):
        log.append(" ".join(sql.split()))

    def commit(conn):
        log.append("COMMIT")

    sa.event.listen(db.engine, "before_cursor_execute", statement)
    sa.event.listen(db.engine, "commit", commit)
    try:
        response = client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
        sa.event.remove(db.engine, "commit", commit)
    assert response.status_code == 303, text_of(response)[:300]
    return log


def test_a_filing_reads_nothing_after_its_commit_nor_the_empty_lists_of_a_new_request(client):
    group = make_group("Tổ Khối 1")
    leader = make_user("Vũ Thị Mai", leads=group)
    chair = make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])
    member = make_user("Nguyễn Thị Thanh", group=group)
    campaign = make_campaign(chair)
    login(client, member)
    for kind, path, campaign_id in (
            ("child_award", f"/de-xuat/moi/{KINDS['child_award'].slug}?dot={campaign.id}", campaign.id),
            ("wedding_funeral", f"/de-xuat/moi/{KINDS['wedding_funeral'].slug}", None)):
        log = _file(client, path, kind, campaign_id)
        last_write = max(i for i, s in enumerate(log) if s.startswith(("INSERT", "UPDATE")))
        committed = log.index("COMMIT", last_write)
        after = [s for s in log[committed + 1:] if s != "COMMIT"]
        assert after == [], after
        reads = [s for s in log if s.startswith("SELECT") and (" FROM request_events" in s or " FROM request_files" in s)]
        assert reads == [], reads
    filed = db.session.execute(sa.select(MemberRequest).order_by(MemberRequest.id)).scalars().all()
    assert [(r.kind, len(r.files), len(r.events)) for r in filed] == [("child_award", 1, 1), ("wedding_funeral", 1, 1)]
    assert leader.id != member.id
