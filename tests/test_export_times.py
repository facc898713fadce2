"""The times in every export are Vietnam's (UTC+7), end to end (issue 16, point 15): a time stored in
the database (UTC) comes out of the task export and the request exports seven hours later, and a
late-evening UTC time falls on the next day in Vietnam."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from congdoan.extensions import db

from .conftest import login
from .reqkit import act, cast, make_campaign, submit
from .task_factories import make_union, quick_task

STORED = dt.datetime(2026, 11, 20, 20, 15)       # naive UTC, as the columns hold it
LOCAL = dt.datetime(2026, 11, 21, 3, 15)         # the same moment in Hà Nội


def _cells(data: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _dates(values) -> set:
    return {v.date() if isinstance(v, dt.datetime) else v for v in values if isinstance(v, (dt.date, dt.datetime))}


def test_the_task_export_writes_the_status_time_in_vietnam_time(client):
    u = make_union()
    task = quick_task(u, group=u.groups[0])
    task.status_changed_at = STORED
    db.session.commit()
    login(client, u.chair)
    response = client.get("/viec/xuat-excel")
    assert response.status_code == 200
    values = _cells(response.get_data())
    assert LOCAL.date() in _dates(values), values
    assert STORED.date() not in _dates(values) - {task.due_date}


def test_the_request_exports_write_dates_in_vietnam_time(client):
    c = cast()
    campaign = make_campaign(c.chair)
    req = submit(c.member, "child_award", campaign=campaign)
    act(req, "confirm", c.leader)
    act(req, "approve", c.chair)
    act(req, "pay", c.accountant)
    req.submitted_at = STORED
    req.decided_at = STORED + dt.timedelta(minutes=5)
    req.paid_at = STORED + dt.timedelta(minutes=10)
    db.session.commit()
    login(client, c.chair)
    for url in ("/de-xuat/tat-ca.xlsx", f"/dot-tiep-nhan/{campaign.id}/danh-sach.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        dates = _dates(_cells(response.get_data()))
        response.close()        # the campaign's list is sent from a temporary file, closed with the response
        assert LOCAL.date() in dates and STORED.date() not in dates, (url, dates)
