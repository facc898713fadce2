"""`flask backup OUT` / `flask restore IN` (issue 15, point 10): a consistent snapshot of the database
and of every stored file, taken while the app keeps writing; restored into a fresh instance only,
checked (archive hashes before anything is written; counts, audit chain, signed documents' and
stored files' hashes after)."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import secrets
import tarfile
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from congdoan import create_app
from congdoan.audit.models import AuditEntry
from congdoan.config import TestConfig
from congdoan.documents import signatures, signing
from congdoan.documents.models import SignedDocument
from congdoan.extensions import db
from congdoan.people.models import User
from congdoan.member_requests.models import MemberRequest
from congdoan.uploads.models import StoredFile

from . import reqkit
from .doc_factories import approved_plan, make_committee, png

_made = {"n": 0}


@pytest.fixture
def fresh_instance(app, tmp_path):
    """fresh_instance() -> a new app on its own empty instance folder and empty database (for
    PostgreSQL a database created here and dropped at the end)."""
    made: list[tuple] = []
    source = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])

    def make():
        _made["n"] += 1
        folder = tmp_path / f"instance-{_made['n']}"
        if source.get_backend_name() == "sqlite":
            url = "sqlite:///" + str(folder / "congdoan.sqlite")
            name = None
        else:
            name = f"{source.database}_r{os.getpid()}_{_made['n']}"
            _admin(source, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
            url = source.set(database=name).render_as_string(hide_password=False)
        other = create_app(TestConfig, instance_path=str(folder), SQLALCHEMY_DATABASE_URI=url)
        made.append((other, name))
        return other

    yield make
    for other, name in made:
        with other.app_context():
            db.engine.dispose()
        if name:
            _admin(source, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(url, *statements) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def _invoke(target, *args):
    """Run a command of another app: Flask's CLI runs in the current app context when one is pushed,
    so push that app's own."""
    with target.app_context():
        return target.test_cli_runner().invoke(args=list(args))


def _counts() -> dict[str, int]:
    return {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables}


def _files_in(folder) -> list[str]:
    return sorted(os.path.join(d, f) for d, _, names in os.walk(folder) for f in names)


def _a_union_with_everything():
    """Members' requests with evidence files, a signed plan (its Word bytes in the database), a
    signature image and a seal: what a union cannot re-create."""
    committee = make_committee()
    signatures.save_seal(png(color=(200, 0, 0)), actor=committee.chair)
    db.session.commit()
    plan = approved_plan(committee)
    signing.sign_plan(plan, actor=committee.chair)
    db.session.commit()
    c = reqkit.cast(chair=committee.chair)
    for _ in range(3):
        reqkit.request_in(c, "confirmed")
    return c


def _writer(app, c_ids, stop: threading.Event, started: threading.Event, errors: list) -> None:
    """Submits requests with evidence and moves them on, until told to stop (one thread)."""
    try:
        with app.app_context():
            member, leader = db.session.get(User, c_ids["member"]), db.session.get(User, c_ids["leader"])
            n = 0
            while not stop.is_set():
                req = reqkit.submit(member, "child_award",
                                    files=[reqkit.upload(reqkit.png_bytes(color=(n % 250, 9, 9)), f"anh-{n}.png")])
                reqkit.act(req, "confirm", leader)
                n += 1
                if n == 3:
                    started.set()
            db.session.remove()
    except BaseException as exc:   # reported by the test, not lost in the thread
        errors.append(exc)
        started.set()


def test_backup_while_writing_then_restore_into_a_fresh_instance(app, runner, fresh_instance, tmp_path):
    c = _a_union_with_everything()
    reqkit.make_campaign(c.chair, kind="child_award")
    ids = {"member": c.member.id, "leader": c.leader.id}
    before = _counts()

    stop, errors = threading.Event(), []
    starts = [threading.Event() for _ in range(2)]
    threads = [threading.Thread(target=_writer, args=(app, ids, stop, s, errors)) for s in starts]
    for t in threads:
        t.start()
    for s in starts:
        s.wait()
    archive = tmp_path / "sao-luu.tar.gz"
    try:
        result = runner.invoke(args=["backup", str(archive)])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    counts = manifest["counts"]
    assert manifest["format_version"] == 1 and manifest["database"] == db.engine.dialect.name
    # Writes that had finished before the backup began are in it; later ones may be, never more.
    after = _counts()
    for table, n in before.items():
        assert n <= counts[table] <= after[table], table
    assert counts["member_requests"] > before["member_requests"]

    target = fresh_instance()
    restored = _invoke(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    out = restored.output
    assert "Nhật ký nguyên vẹn" in out and "chuỗi băm khớp" in out
    assert "1/1 văn bản đã ký khớp SHA-256" in out
    assert "Khôi phục hoàn tất" in out

    with target.app_context():
        assert _counts() == counts
        stored = db.session.execute(sa.select(StoredFile)).scalars().all()
        assert len(stored) == counts["stored_files"] >= 3
        folder = target.config["UPLOAD_FOLDER"]
        for f in stored:
            with open(os.path.join(folder, f.storage_key[:2], f.storage_key), "rb") as handle:
                assert hashlib.sha256(handle.read()).hexdigest() == f.sha256
        # Exactly the files the snapshot names: none written after it, none missing.
        assert len(_files_in(folder)) == len(stored)
        signed = db.session.execute(sa.select(SignedDocument)).scalar_one()
        assert hashlib.sha256(signed.docx).hexdigest() == signed.sha256
        # The restored instance keeps working: a new audit entry links onto the restored chain.
        member = db.session.execute(sa.select(User).where(User.email == c.member.email)).scalar_one()
        reqkit.submit(member, "wedding_funeral")
        assert _invoke(target, "audit", "verify").exit_code == 0


def _hold_an_open_write(app, user_id, holding: threading.Event, done: threading.Event, outcome: dict) -> None:
    """Another writer, in its own thread, mid-transaction until the backup is done: it holds the
    SQLite writer lock (congdoan/writelock.py) or PostgreSQL row locks."""
    with app.app_context(), Session(db.engine) as other:
        other.execute(sa.update(User).where(User.id == user_id).values(phone="0912345678"))
        other.add(AuditEntry(created_at=sa.func.now(), action="x", object_type="", summary="", data="{}",
                             prev_hash=secrets.token_hex(32), hash=secrets.token_hex(32)))
        other.flush()
        holding.set()
        # Not a measure of speed: a backup that waited for this lock would never set `done`; the
        # timeout only ends that deadlock so that the test can fail instead of hanging.
        outcome["released_by_backup"] = done.wait(timeout=300)
        other.rollback()


def test_backup_does_not_wait_for_an_open_write_and_leaves_it_out(app, runner, tmp_path):
    c = reqkit.cast()
    reqkit.submit(c.member, "wedding_funeral")
    archive = tmp_path / "b.tar.gz"
    holding, done, outcome = threading.Event(), threading.Event(), {}
    holder = threading.Thread(target=_hold_an_open_write, args=(app, c.member.id, holding, done, outcome))
    holder.start()
    holding.wait()
    try:
        result = runner.invoke(args=["backup", str(archive)])
    finally:
        done.set()
        holder.join()
    assert outcome["released_by_backup"]
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["audit_entries"] == db.session.execute(
        sa.select(sa.func.count()).select_from(AuditEntry)).scalar()


def test_restore_refuses_an_instance_that_has_data(app, runner, fresh_instance, tmp_path, factory):
    factory.user("Người Đã Có")
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    # The running instance itself has a user: refused, nothing changed.
    before = _counts()
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code != 0
    assert "không trống" in refused.output and "1 người dùng" in refused.output
    assert _counts() == before

    # A fresh database but a file already in the upload folder: refused as well.
    target = fresh_instance()
    folder = target.config["UPLOAD_FOLDER"]
    os.makedirs(os.path.join(folder, "ab"))
    with open(os.path.join(folder, "ab", "abc.png"), "wb") as handle:
        handle.write(b"x")
    refused = _invoke(target, "restore", str(archive))
    assert refused.exit_code != 0 and "thư mục tệp" in refused.output
    with target.app_context():
        assert "users" not in sa.inspect(db.engine).get_table_names()


def test_restore_into_a_migrated_empty_instance(app, runner, fresh_instance, tmp_path):
    """An operator who ran `flask db upgrade` on the new server first is not refused."""
    c = reqkit.cast()
    reqkit.request_in(c, "approved")
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    target = fresh_instance()
    with target.app_context():
        from flask_migrate import upgrade
        upgrade()
    restored = _invoke(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    expected = _counts()
    with target.app_context():
        assert _counts() == expected


def _untouched(target) -> None:
    with target.app_context():
        assert "users" not in sa.inspect(db.engine).get_table_names()
    assert _files_in(target.config["UPLOAD_FOLDER"]) == []
    leftovers = [n for n in os.listdir(target.instance_path) if n.startswith(".khoi-phuc")]
    assert leftovers == []


def test_a_corrupted_archive_is_refused_before_anything_is_written(app, runner, fresh_instance, tmp_path):
    c = reqkit.cast()
    reqkit.submit(c.member, "child_award", campaign=reqkit.make_campaign(c.chair))   # with a photo
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    raw = bytearray(archive.read_bytes())

    # One byte changed in the middle. (A few bits of a deflate stream are never read: flipping one
    # changes nothing in what the archive holds, so the next byte is taken.)
    broken = tmp_path / "hong.tar.gz"
    original = gzip.decompress(bytes(raw))
    position = len(raw) // 2
    while True:
        raw[position] ^= 0x01
        try:
            if gzip.decompress(bytes(raw)) != original:
                break
        except Exception:   # the change breaks the stream: what we want to see refused
            break
        raw[position] ^= 0x01
        position += 1
    broken.write_bytes(bytes(raw))
    target = fresh_instance()
    result = _invoke(target, "restore", str(broken))
    assert result.exit_code != 0 and "hỏng" in result.output, result.output
    _untouched(target)

    # A well-formed archive whose stored file differs by one byte from its hash in the manifest.
    tampered = tmp_path / "sua.tar.gz"
    with tarfile.open(archive) as src, open(tampered, "wb") as raw_out, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw_out, mtime=0, compresslevel=6) as out, \
            tarfile.open(fileobj=out, mode="w:") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("files/"):
                data = data[:-1] + bytes([data[-1] ^ 0x01])
            dst.addfile(member, io.BytesIO(data))
    result = _invoke(target, "restore", str(tampered))
    assert result.exit_code != 0 and "files/" in result.output and "SHA-256" in result.output, result.output
    _untouched(target)

    # A byte of the gzip header (not covered by its CRC).
    header = bytearray(archive.read_bytes())
    header[5] ^= 0x01
    broken.write_bytes(bytes(header))
    result = _invoke(target, "restore", str(broken))
    assert result.exit_code != 0 and "hỏng" in result.output, result.output
    _untouched(target)

    # Not an archive at all.
    junk = tmp_path / "rac.tar.gz"
    junk.write_bytes(gzip.compress(b"khong phai tar"))
    result = _invoke(target, "restore", str(junk))
    assert result.exit_code != 0 and "hỏng" in result.output, result.output
    _untouched(target)


def test_restore_names_a_signed_document_whose_bytes_no_longer_match(app, runner, fresh_instance, tmp_path):
    committee = make_committee()
    signing.sign_plan(approved_plan(committee), actor=committee.chair)
    db.session.commit()
    # Bytes changed behind the app's back (a disk error, a hand edit): the backup carries them as
    # they are, and the restore says which document no longer matches its SHA-256.
    db.session.execute(sa.update(SignedDocument).values(docx=b"PK hong"))
    db.session.commit()
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    target = fresh_instance()
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code != 0
    assert "01/KH-CĐ" in result.output and "không khớp" in result.output, result.output


def test_backup_refuses_when_a_stored_file_is_missing(app, runner, tmp_path):
    c = reqkit.cast()
    req = reqkit.submit(c.member, "child_award", campaign=reqkit.make_campaign(c.chair))
    stored = db.session.execute(sa.select(StoredFile)).scalar_one()
    folder = app.config["UPLOAD_FOLDER"]
    os.unlink(os.path.join(folder, stored.storage_key[:2], stored.storage_key))
    archive = tmp_path / "b.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code != 0 and stored.storage_key in result.output, result.output
    assert not archive.exists() and os.listdir(tmp_path) == []
    assert db.session.get(MemberRequest, req.id) is not None


def _rewrite_manifest(archive, out, **changes) -> None:
    """A copy of `archive` whose manifest says something else (gzip framing as the app writes it)."""
    with tarfile.open(archive) as src, open(out, "wb") as raw_out, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw_out, mtime=0, compresslevel=6) as zipped, \
            tarfile.open(fileobj=zipped, mode="w:") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps(dict(json.loads(data), **changes)).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_restore_refuses_a_newer_schema_and_another_kind_of_database(app, runner, fresh_instance, tmp_path):
    reqkit.cast()
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    target = fresh_instance()

    future = tmp_path / "moi.tar.gz"
    _rewrite_manifest(archive, future, revision="9999_from_a_newer_version")
    result = _invoke(target, "restore", str(future))
    assert result.exit_code != 0 and "9999_from_a_newer_version" in result.output, result.output
    assert "cập nhật ứng dụng" in result.output
    _untouched(target)

    other = tmp_path / "khac.tar.gz"
    kind = "postgresql" if db.engine.dialect.name == "sqlite" else "sqlite"
    _rewrite_manifest(archive, other, database=kind)
    result = _invoke(target, "restore", str(other))
    assert result.exit_code != 0 and "loại cơ sở dữ liệu khác" in result.output, result.output
    _untouched(target)


def test_backup_keeps_an_existing_file_and_is_private(app, runner, tmp_path):
    reqkit.cast()
    existing = tmp_path / "hom-qua.tar.gz"
    existing.write_bytes(b"ban sao luu hom qua")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "đã có" in result.output
    assert existing.read_bytes() == b"ban sao luu hom qua"
    result = runner.invoke(args=["backup", str(tmp_path / "khong-co" / "b.tar.gz")])
    assert result.exit_code != 0 and "Không có thư mục" in result.output
    fresh = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(fresh)]).exit_code == 0
    assert fresh.stat().st_mode & 0o077 == 0


def test_a_missing_pg_dump_is_named(app, runner, tmp_path, monkeypatch):
    from congdoan.backup import database
    monkeypatch.setattr(database.shutil, "which", lambda name: None)
    with pytest.raises(database.ArchiveError) as refused:
        database._tool("pg_dump")
    assert "pg_dump" in refused.value.message and "postgresql-client" in refused.value.message
    if db.engine.dialect.name == "postgresql":
        result = runner.invoke(args=["backup", str(tmp_path / "b.tar.gz")])
        assert result.exit_code != 0 and "postgresql-client" in result.output
        assert os.listdir(tmp_path) == []


def test_a_backup_from_an_older_schema_is_restored_then_upgraded(app, fresh_instance, tmp_path):
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade
    source = fresh_instance()
    with source.app_context():
        from flask import current_app
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        head = script.get_current_head()
        older = script.get_revision(head).down_revision
        upgrade(revision=older)
    archive = tmp_path / "cu.tar.gz"
    assert _invoke(source, "backup", str(archive)).exit_code == 0
    target = fresh_instance()
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert f"Đã nâng lược đồ từ {older}" in result.output
    with target.app_context():
        assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head


def test_an_unreachable_database_is_said_plainly(app, tmp_path):
    broken_url = ("sqlite:///" + str(tmp_path / "khong-co" / "x.sqlite") if db.engine.dialect.name == "sqlite"
                  else "postgresql+psycopg://postgres@127.0.0.1:5432/khong_co_csdl_nay")
    other = create_app(TestConfig, instance_path=str(tmp_path / "inst"), SQLALCHEMY_DATABASE_URI=broken_url)
    result = _invoke(other, "backup", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 1 and result.output.startswith("LỖI:"), result.output
    assert "Traceback" not in result.output and not (tmp_path / "b.tar.gz").exists()
    with other.app_context():
        db.engine.dispose()


def test_a_restore_that_fails_half_way_says_what_to_do(app, runner, fresh_instance, tmp_path, monkeypatch):
    reqkit.cast()
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    from congdoan.backup import service

    def disk_full(staged, folder):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(service, "_move_files", disk_full)
    target = fresh_instance()
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 1 and "No space left on device" in result.output, result.output
    assert "ghi dở" in result.output and "Traceback" not in result.output
    assert [n for n in os.listdir(target.instance_path) if n.startswith(".khoi-phuc")] == []


def test_a_restored_instance_searches_through_its_index(app, runner, fresh_instance, tmp_path):
    """The search box of a restored instance finds what the original found; on SQLite its FTS5 index
    (copied with the rows, out of the counts) agrees with the restored rows."""
    from congdoan.finder import fts, queries
    c = reqkit.cast()
    made = reqkit.submit(c.member, "suggestion", data={"subject": "Giờ sinh hoạt", "content": "Dời sang thứ Năm"})
    db.session.commit()
    made_id, chair_id = made.id, c.chair.id
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar:
        counted = json.load(tar.extractfile("manifest.json"))["counts"]
    assert not any(fts.is_fts_table(t) for t in counted)
    target = fresh_instance()
    with target.app_context():
        from flask_migrate import upgrade
        upgrade()      # an operator who migrated first: the fresh index's own rows do not make it "not empty"
    restored = _invoke(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    with target.app_context(), target.test_request_context():
        chair = db.session.get(User, chair_id)
        found = queries.area(queries.REQUESTS, chair, ["doi", "sang", "nam"])
        assert found.total == 1 and f"/{made_id}" in found.hits[0].url
        with db.engine.connect() as conn:
            fts.check(conn)
            assert len(fts.existing(conn)) == (3 if conn.dialect.name == "sqlite" else 0)
