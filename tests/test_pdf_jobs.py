"""Issue 15 point 9: the PDF of a signed plan is made by the worker, never inside a web request.

Signing enqueues the conversion in the signing transaction; the plan page says "Đang tạo bản PDF…"
(and polls) until the worker has stored it, then offers it; the download route only ever returns
the stored file. A conversion that fails for good is told to members in plain Vietnamese, without
LibreOffice's own words, and the administrator sees the detail.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from congdoan.documents import pdf as pdf_tools
from congdoan.documents import signing
from congdoan.documents.models import SignedDocument
from congdoan.dates import utcnow
from congdoan.extensions import db

from .conftest import make_user, text_of
from .doc_factories import approved_plan, make_committee

FAKE_PDF = b"%PDF-1.4\n% made by the test's converter\n%%EOF\n"


@pytest.fixture
def converter(monkeypatch):
    """LibreOffice stood in for: records each conversion; `fail` makes the next ones fail."""
    class Converter:
        calls: list[bytes] = []
        fail = 0

        def __call__(self, data: bytes, **kwargs) -> bytes:
            self.calls.append(data)
            if self.fail:
                self.fail -= 1
                raise pdf_tools.PdfError("LibreOffice không tạo được tệp PDF (mã lỗi 81): "
                                         "javaldx: Could not find a Java Runtime Environment!")
            return FAKE_PDF
    conv = Converter()
    conv.calls = []
    monkeypatch.setattr(pdf_tools, "convert_to_pdf", conv)
    monkeypatch.setattr(pdf_tools, "pdf_available", lambda: (True, ""))
    return conv


def run_worker(runner):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result


def test_signing_and_downloading_never_convert_inside_the_request(client, signed_in, runner, converter):
    committee = make_committee()
    plan = approved_plan(committee)
    signed_in(committee.chair)
    assert client.post_form(f"/ke-hoach/{plan.id}/ky-ban-hanh").status_code == 303
    assert converter.calls == []                                    # signing did not convert

    page = client.get(f"/ke-hoach/{plan.id}")
    assert "Đang tạo bản PDF…" in text_of(page) and "tai-ve.pdf" not in page.get_data(as_text=True)
    early = client.get(f"/ke-hoach/{plan.id}/tai-ve.pdf")
    assert early.status_code == 409 and "đang được tạo" in text_of(early)
    assert converter.calls == []                                    # nor did asking for the PDF

    run_worker(runner)
    assert len(converter.calls) == 1
    signed = db.session.execute(sa.select(SignedDocument).where(SignedDocument.plan_id == plan.id)).scalar_one()
    assert converter.calls[0] == signed.docx
    ready = client.get(f"/ke-hoach/{plan.id}/tai-ve.pdf")
    assert ready.status_code == 200 and ready.data == FAKE_PDF
    assert "Tải PDF" in text_of(client.get(f"/ke-hoach/{plan.id}"))
    run_worker(runner)
    assert len(converter.calls) == 1                                # converted once, then stored


def test_the_page_polls_until_the_pdf_is_ready(client, signed_in, runner, converter):
    committee = make_committee()
    plan = approved_plan(committee)
    signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    signed_in(committee.members[0])
    html = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    poll = f"/ke-hoach/{plan.id}/trang-thai-pdf"
    assert f'hx-get="{poll}"' in html and "hx-trigger=\"every" in html
    pending = client.get(poll, headers={"HX-Request": "true"})
    assert pending.status_code == 200 and "Đang tạo bản PDF…" in text_of(pending)
    run_worker(runner)
    ready = client.get(poll, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f"/ke-hoach/{plan.id}/tai-ve.pdf" in ready and "hx-trigger" not in ready   # polling stops
    client.post_form("/dang-xuat")
    assert client.get(poll).status_code in (302, 303)              # signed out: the sign-in page


def test_a_conversion_that_fails_for_good_is_explained_without_libreoffice_words(
        client, signed_in, as_, runner, converter):
    committee = make_committee()
    admin = make_user("Ngô Văn Tuấn", roles=["admin"])
    plan = approved_plan(committee)
    signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    converter.fail = 100
    from congdoan.jobs.models import Job
    for _ in range(10):                      # every attempt, each when it falls due
        job = db.session.execute(sa.select(Job).where(Job.kind == "pdf")).scalar_one()
        if job.status == "failed":
            break
        db.session.execute(sa.update(Job).where(Job.id == job.id).values(run_after=utcnow()))
        db.session.commit()
        run_worker(runner)
        db.session.expire_all()
    job = db.session.execute(sa.select(Job).where(Job.kind == "pdf")).scalar_one()
    assert job.status == "failed" and job.attempts == job.max_attempts and "Java" in job.last_error

    signed_in(committee.members[0])
    page = text_of(client.get(f"/ke-hoach/{plan.id}"))
    assert "Không tạo được bản PDF" in page and "vẫn tải được bản Word" in page
    assert "Java" not in page and "LibreOffice" not in page and "CONGDOAN_SOFFICE" not in page
    refused = client.get(f"/ke-hoach/{plan.id}/tai-ve.pdf")
    assert refused.status_code == 409 and "Java" not in text_of(refused)

    as_(admin)
    assert "Java Runtime" in text_of(client.get(f"/ke-hoach/{plan.id}"))      # the administrator sees why
    from congdoan.notifications.models import Notification
    told = db.session.execute(sa.select(Notification).where(Notification.user_id == admin.id)).scalars().all()
    # (besides "Kế hoạch mới", which every active account gets at issue)
    assert [n.kind for n in told if n.kind != "plan_new"] == ["job_failed"]


def test_a_worker_killed_during_a_conversion_leaves_the_job_to_the_next_one(app, tmp_path, monkeypatch):
    """A real worker process is killed (SIGKILL) while LibreOffice works: the job stays leased, then
    the next worker runs it once the lease has passed and the PDF is stored."""
    import datetime as dt
    import os
    import signal
    import subprocess
    import sys
    import time

    from congdoan.jobs import worker
    from congdoan.jobs.models import Job

    started = tmp_path / "soffice-started"
    slow = tmp_path / "soffice"
    slow.write_text(f"#!/bin/sh\necho $$ > {started}\nexec sleep 300\n")
    slow.chmod(0o755)
    monkeypatch.setenv("CONGDOAN_SOFFICE", str(slow))
    committee = make_committee()
    plan = approved_plan(committee)
    signed = signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = dict(os.environ, DATABASE_URL=url, INSTANCE_PATH=app.instance_path, CONGDOAN_SOFFICE=str(slow))
    env.pop("SMTP_HOST", None)
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--poll", "0.2"],
                                cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120                 # a wait for the state, not a measured time
        while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert started.exists(), log.read_text(errors="replace")[-2000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if started.exists() and started.read_text().strip():
            try:
                os.killpg(int(started.read_text().strip()), signal.SIGKILL)   # the orphaned "LibreOffice"
            except ProcessLookupError:
                pass
    db.session.expire_all()
    job = db.session.execute(sa.select(Job).where(Job.kind == "pdf")).scalar_one()
    assert (job.status, job.attempts) == ("running", 1)
    lease_end = job.locked_until

    monkeypatch.setattr(pdf_tools, "convert_to_pdf", lambda data, **kw: FAKE_PDF)
    monkeypatch.setattr(pdf_tools, "pdf_available", lambda: (True, ""))
    worker.run(app, once=True, now=lease_end - dt.timedelta(seconds=1))    # the lease still holds
    db.session.expire_all()
    assert db.session.get(SignedDocument, signed.id).pdf_sha256 is None
    worker.run(app, once=True, now=lease_end + dt.timedelta(seconds=1))
    db.session.expire_all()
    job = db.session.execute(sa.select(Job).where(Job.kind == "pdf")).scalar_one()
    assert (job.status, job.attempts) == ("done", 2)
    assert db.session.get(SignedDocument, signed.id).pdf == FAKE_PDF
