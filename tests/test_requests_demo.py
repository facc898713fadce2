"""The demo seed: an open Trung thu campaign and requests in several states, idempotent."""
import os

import sqlalchemy as sa

from congdoan.dates import local_today
from congdoan.extensions import db
from congdoan.notifications.models import Notification
from congdoan.member_requests.models import Campaign, MemberRequest, RequestEvent
from congdoan.uploads.models import StoredFile
from congdoan.uploads.service import path_of



def test_demo_has_an_open_campaign_and_requests_in_every_state(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "campaigns=1" in first.output and "requests=9" in first.output
    from congdoan.demo.member_requests import CAMPAIGN_TITLE
    campaign = db.session.execute(sa.select(Campaign).where(Campaign.title == CAMPAIGN_TITLE)).scalar_one()
    assert campaign.is_open(local_today()) and campaign.kind == "child_award"
    # The past school year's requests (congdoan/demo/past_year.py) are all decided: paid or refused.
    current = db.session.query(MemberRequest).filter(MemberRequest.submitted_at >= campaign.created_at)
    states = {r.status for r in current}
    assert states == {"submitted", "returned", "confirmed", "approved", "done"}
    past = db.session.query(MemberRequest).filter(MemberRequest.submitted_at < campaign.created_at)
    assert {r.status for r in past} == {"done", "refused"}
    # Four certificates of the current campaign, four of the past year's and four photos of its activities.
    files = db.session.query(StoredFile).all()
    assert len(files) == 12 and all(os.path.exists(path_of(f)) for f in files)
    counts = [db.session.query(m).count() for m in (Campaign, MemberRequest, RequestEvent, StoredFile, Notification)]
    second = runner.invoke(args=["seed-demo"])
    assert "không thay đổi gì" in second.output
    assert [db.session.query(m).count() for m in (Campaign, MemberRequest, RequestEvent, StoredFile, Notification)] == counts
