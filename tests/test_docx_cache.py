"""A draft's Word file is rendered once per content and kept on disk (congdoan/documents/cache.py),
shared by the worker processes: a second download does not render again, any change to what goes
into the file (the plan, its groups, the settings, the template, the renderer) renders again, the
kept files stay within their limits, and a damaged or missing file is rendered again, never served."""
from __future__ import annotations

import io
import os
import time

import pytest
import sqlalchemy as sa
from docx import Document

from congdoan.documents import cache as cache_module
from congdoan.documents import context, render, stored_files, templates
from congdoan.documents.render import docx_text
from congdoan.extensions import db
from congdoan.organisation.models import Organisation
from congdoan.people.models import Group
from congdoan.plans.models import PlanLine, PlanStatus

from .conftest import make_group, make_user
from .plan_factories import make_plan


@pytest.fixture
def cache_dir(app, tmp_path, monkeypatch):
    directory = tmp_path / "docx"
    monkeypatch.setitem(app.config, "DOCX_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def renders(monkeypatch):
    """The renders actually run (the real renderer, counted)."""
    calls = []
    real = stored_files.render_plan

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(stored_files, "render_plan", counting)
    return calls


@pytest.fixture
def chair():
    return make_user("Nguyễn Thị Hoa", roles=["chair", "committee"])


def lines(data: bytes) -> list[str]:
    return [t for t in docx_text(data) if t.strip()]


def download(client, plan_id: int) -> bytes:
    response = client.get(f"/ke-hoach/{plan_id}/tai-ve.docx")
    assert response.status_code == 200
    assert "du-thao-ke-hoach" in response.headers["Content-Disposition"]
    return response.data


def test_a_second_download_is_not_rendered_again(client, signed_in, chair, cache_dir, renders):
    plan = make_plan(chair)
    signed_in(chair)
    first = download(client, plan.id)
    assert renders == [1] and len(list(cache_dir.glob("*.docx"))) == 1
    second = download(client, plan.id)
    assert renders == [1] and second == first
    text = lines(second)
    assert text[0] == "DỰ THẢO" and "Số: .../KH-CĐ" in text and "- Dòng một." in text
    # the file is kept under the key of its content: any worker process reading the folder finds it
    assert stored_files.docx_cache().get(stored_files.draft_key(
        stored_files.document_of(plan), context.render_org(Organisation.get()), stored_files._template_for_key(Organisation.get()),
        True)) == first


def test_an_edit_of_the_plan_renders_again(client, signed_in, chair, cache_dir, renders):
    plan = make_plan(chair)
    signed_in(chair)
    first = download(client, plan.id)
    line = db.session.execute(sa.select(PlanLine).where(PlanLine.plan_id == plan.id)
                              .order_by(PlanLine.id)).scalars().first()
    response = client.post_form(f"/ke-hoach/{plan.id}/line/{line.id}",
                                {"rev": line.rev, "kind": "bullet", "text": "Dòng đã sửa."})
    assert response.status_code == 303
    second = download(client, plan.id)
    assert renders == [1, 1] and second != first
    assert "- Dòng đã sửa." in lines(second) and "- Dòng một." not in lines(second)
    assert download(client, plan.id) == second and len(renders) == 2


def test_a_status_change_and_a_renamed_group_render_again(client, signed_in, chair, cache_dir, renders):
    group = make_group("Tổ Văn phòng")
    plan = make_plan(chair, schedule=[{"period": "9/2024", "activities": [
        {"text": "Họp", "groups": ["Tổ Văn phòng"], "due": None}]}])
    signed_in(chair)
    download(client, plan.id)
    # the group names are part of the document (a union's own template may print them)
    db.session.get(Group, group.id).set_name("Tổ Hành chính")
    db.session.commit()
    download(client, plan.id)
    assert len(renders) == 2
    # a plan issued without a stored signed file is rendered without the draft mark
    db.session.get(type(plan), plan.id).status = PlanStatus.ISSUED.value
    db.session.get(type(plan), plan.id).number = "05/KH-CĐ"
    db.session.commit()
    response = client.get(f"/ke-hoach/{plan.id}/tai-ve.docx")
    assert len(renders) == 3 and "DỰ THẢO" not in lines(response.data) and "Số: 05/KH-CĐ" in lines(response.data)


def test_a_change_of_the_settings_renders_again(client, signed_in, chair, cache_dir, renders):
    plan = make_plan(chair)
    signed_in(chair)
    download(client, plan.id)
    org = Organisation.get_for_update()
    org.plan_abbrev, org.motto_line2 = "KHX", "Tiêu ngữ khác"
    db.session.commit()
    text = lines(download(client, plan.id))
    assert len(renders) == 2 and "Số: .../KHX-CĐ" in text and "Tiêu ngữ khác" in text
    # settings the renderer does not read (the seal, the delegate) keep the kept file
    org = Organisation.get_for_update()
    org.vote_deadline_days = 9
    db.session.commit()
    download(client, plan.id)
    assert len(renders) == 2


def _template_with(text: str) -> bytes:
    document = Document(str(render.DEFAULT_TEMPLATE))
    document.paragraphs[0].insert_paragraph_before(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_change_of_the_template_renders_again(client, signed_in, chair, cache_dir, renders):
    plan = make_plan(chair)
    signed_in(chair)
    built_in = download(client, plan.id)
    templates.upload_template("rieng.docx", _template_with("LOGO CÔNG ĐOÀN"), actor=chair)
    db.session.commit()
    renders.clear()
    own = download(client, plan.id)
    assert renders == [1] and "LOGO CÔNG ĐOÀN" in lines(own)
    templates.upload_template("khac.docx", _template_with("MẪU KHÁC"), actor=chair)
    db.session.commit()
    other = download(client, plan.id)
    assert renders == [1, 1] and "MẪU KHÁC" in lines(other) and "LOGO CÔNG ĐOÀN" not in lines(other)
    templates.use_template(None, actor=chair)
    db.session.commit()
    assert download(client, plan.id) == built_in and len(renders) == 2     # kept from the first download


def test_a_new_renderer_renders_again(client, signed_in, chair, cache_dir, renders, monkeypatch):
    plan = make_plan(chair)
    signed_in(chair)
    download(client, plan.id)
    monkeypatch.setattr(stored_files, "renderer_fingerprint", lambda: "another version of the renderer")
    download(client, plan.id)
    assert len(renders) == 2
    assert render.renderer_fingerprint() == render.renderer_fingerprint() and len(render.renderer_fingerprint()) == 64


def test_a_damaged_or_missing_file_is_rendered_again(client, signed_in, chair, cache_dir, renders):
    plan = make_plan(chair)
    signed_in(chair)
    first = download(client, plan.id)
    [kept] = list(cache_dir.glob("*.docx"))
    for damage in (lambda raw: raw[: len(raw) // 2],                  # truncated
                   lambda raw: raw[:-10] + b"x" * 10,                # changed bytes
                   lambda raw: b""):                                 # empty
        kept.write_bytes(damage(kept.read_bytes()))
        again = download(client, plan.id)
        assert lines(again) == lines(first)
        assert cache_module.MAGIC in kept.read_bytes()[:64]           # written whole again
    kept.unlink()
    assert lines(download(client, plan.id)) == lines(first)
    assert len(renders) == 5 and kept.exists()
    download(client, plan.id)
    assert len(renders) == 5


def test_the_kept_files_stay_within_their_limits(client, signed_in, chair, cache_dir, renders, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCX_CACHE_MAX_FILES", 3)
    plans = [make_plan(chair, f"Kế hoạch số {i} năm 2024") for i in range(5)]
    signed_in(chair)
    for i, plan in enumerate(plans):
        download(client, plan.id)
        files = list(cache_dir.glob("*.docx"))
        assert len(files) == min(i + 1, 3)
        for j, path in enumerate(sorted(files, key=lambda p: p.stat().st_mtime)):
            os.utime(path, (time.time() - 100 + j, time.time() - 100 + j))   # distinct ages
    # the most recent ones are kept: the last plan comes from the cache, the first is rendered again
    renders.clear()
    download(client, plans[-1].id)
    assert renders == []
    download(client, plans[0].id)
    assert renders == [1] and len(list(cache_dir.glob("*.docx"))) == 3
    # a size limit too: one file fits, the older is pruned; a file larger than the limit is not kept
    size = max(p.stat().st_size for p in cache_dir.glob("*.docx"))
    monkeypatch.setitem(app.config, "DOCX_CACHE_MAX_BYTES", size + size // 2)
    download(client, plans[1].id)
    assert len(list(cache_dir.glob("*.docx"))) == 1
    monkeypatch.setitem(app.config, "DOCX_CACHE_MAX_BYTES", 100)
    download(client, plans[2].id)
    assert len(list(cache_dir.glob("*.docx"))) <= 1
    monkeypatch.setitem(app.config, "DOCX_CACHE_MAX_FILES", 0)          # 0: off, every download renders
    renders.clear()
    download(client, plans[2].id)
    download(client, plans[2].id)
    assert renders == [1, 1]


def test_a_cache_that_cannot_be_written_never_breaks_the_download(client, signed_in, chair, app, tmp_path,
                                                                   monkeypatch, renders):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setitem(app.config, "DOCX_CACHE_DIR", str(blocker / "docx"))
    plan = make_plan(chair)
    signed_in(chair)
    assert "DỰ THẢO" in lines(download(client, plan.id))
    assert "DỰ THẢO" in lines(download(client, plan.id))
    assert len(renders) == 2


def test_dead_temporary_files_are_cleaned(tmp_path):
    cache = cache_module.DocxCache(tmp_path, max_files=5)
    dead = tmp_path / (cache_module.TEMP_PREFIX + "abc.docx")
    fresh = tmp_path / (cache_module.TEMP_PREFIX + "def.docx")
    dead.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    old = time.time() - cache_module.STALE_TEMP_AFTER - 60
    os.utime(dead, (old, old))
    cache.put("0" * 64, b"data")
    assert not dead.exists() and fresh.exists()
    assert cache.get("0" * 64) == b"data" and cache.files() == [tmp_path / ("0" * 64 + ".docx")]
    with pytest.raises(ValueError):
        cache.get("../../etc/passwd")
