"""A consistent snapshot of the database while the app keeps writing, and loading one into an
empty instance.

SQLite: the online backup API copies the whole database in one step, inside one read transaction.
The app runs SQLite in WAL mode, where a reader never blocks a writer and sees one committed state
throughout: the copy is that state, whatever is written meanwhile. It does not take the app's writer
lock (congdoan/writelock.py), which only orders writers: the app's writers keep going during a backup.

PostgreSQL: a REPEATABLE READ transaction exports its snapshot; pg_dump dumps exactly that snapshot
(--snapshot) and the rows per table and the stored files are read in the same transaction, so the
counts and the file list describe the dump exactly. pg_dump's ACCESS SHARE locks block no write.

The counts, the schema revision and the list of stored files are read from the snapshot itself. On
SQLite they leave out virtual tables and their shadow tables (the search box's FTS5 index, migration
0033): an index derived from the rows, copied with them, whose internal rows a fresh instance has too.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field

import sqlalchemy as sa

from .archive import DATABASE_MEMBERS, ArchiveError


@dataclass
class Snapshot:
    kind: str                       # "sqlite" | "postgresql"
    path: str                       # the snapshot file to put in the archive
    revision: str | None            # alembic_version of the snapshot
    counts: dict[str, int]          # rows per table (alembic_version aside)
    files: list[tuple[str, str, int]] = field(default_factory=list)   # (storage_key, sha256, size)

    @property
    def member(self) -> str:
        return DATABASE_MEMBERS[self.kind]


def kind_of(engine: sa.Engine) -> str:
    name = engine.dialect.name
    if name not in DATABASE_MEMBERS:
        raise ArchiveError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {name}.")
    return name


# The tables that hold rows: not the virtual tables (FTS5) and their shadow tables, which PRAGMA table_list
# (SQLite 3.37) tells apart.
SQLITE_TABLES = ("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
                 "AND name NOT LIKE 'sqlite_%'")


def _sqlite_path(engine: sa.Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ArchiveError("Cơ sở dữ liệu SQLite này không nằm trong một tệp: không sao lưu được.")
    return os.path.abspath(database)


def _read_facts(execute, tables: list[str]) -> tuple[str | None, dict[str, int], list]:
    """Revision, rows per table and stored files, through `execute(sql) -> rows` on the snapshot."""
    counts = {t: execute(f'SELECT count(*) FROM "{t}"')[0][0] for t in sorted(tables) if t != "alembic_version"}
    revision = execute("SELECT version_num FROM alembic_version")[0][0] if "alembic_version" in tables else None
    files = (execute("SELECT storage_key, sha256, size FROM stored_files ORDER BY id")
             if "stored_files" in tables else [])
    return revision, counts, [tuple(row) for row in files]


def snapshot(engine: sa.Engine, workdir: str) -> Snapshot:
    kind = kind_of(engine)
    path = os.path.join(workdir, DATABASE_MEMBERS[kind])
    if kind == "sqlite":
        return _snapshot_sqlite(_sqlite_path(engine), path)
    return _snapshot_postgresql(engine.url, path)


def _snapshot_sqlite(source_path: str, path: str) -> Snapshot:
    if not os.path.isfile(source_path):
        raise ArchiveError(f"Không có cơ sở dữ liệu {source_path}.")
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(path)
    try:
        source.backup(target)   # pages=-1: everything in one step, one read transaction
        # The copy stands alone in one file (the source's WAL mode would want -wal/-shm beside it).
        target.execute("PRAGMA journal_mode=DELETE")
        status = target.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise ArchiveError(f"Cơ sở dữ liệu không toàn vẹn (PRAGMA integrity_check: {status}).")
        tables = [r[0] for r in target.execute(SQLITE_TABLES)]
        revision, counts, files = _read_facts(lambda sql: target.execute(sql).fetchall(), tables)
    finally:
        target.close()
        source.close()
    return Snapshot("sqlite", path, revision, counts, files)


def _libpq(url: sa.URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and the environment that carries it (a password
    on pg_dump's command line would show in the process list)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ArchiveError(f"Không tìm thấy chương trình {name}: hãy cài gói postgresql-client cùng phiên bản "
                           f"với máy chủ PostgreSQL (apt-get install postgresql-client). "
                           f"({name} not found: install postgresql-client.)")
    return path


def _run(args: list[str], env: dict, what: str) -> None:
    done = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise ArchiveError(f"{what} thất bại (mã {done.returncode}): {detail}")


def _connect(url: sa.URL):
    import psycopg
    conninfo, _ = _libpq(url)
    return psycopg.connect(conninfo, password=url.password) if url.password else psycopg.connect(conninfo)


def _snapshot_postgresql(url: sa.URL, path: str) -> Snapshot:
    import psycopg
    pg_dump = _tool("pg_dump")
    conninfo, env = _libpq(url)
    with _connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True

        def execute(sql):
            return conn.execute(sql).fetchall()

        snapshot_id = execute("SELECT pg_export_snapshot()")[0][0]
        tables = [r[0] for r in execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        revision, counts, files = _read_facts(execute, tables)
        # The exported snapshot lives as long as this transaction: pg_dump runs inside it.
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={path}",
              f"--dbname={conninfo}"], env, "pg_dump")
        conn.rollback()
    return Snapshot("postgresql", path, revision, counts, files)


# --- the target ------------------------------------------------------------------------------

def table_counts(engine: sa.Engine) -> dict[str, int]:
    """Rows per table of the target (alembic_version aside); {} when it has no tables yet."""
    if engine.dialect.name == "sqlite" and not os.path.exists(_sqlite_path(engine)):
        return {}   # not even the file: asking would create it
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            tables = [r[0] for r in conn.exec_driver_sql(SQLITE_TABLES)]
        else:
            tables = sa.inspect(conn).get_table_names()
        counts = {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar()
                  for t in sorted(tables) if t != "alembic_version"}
        conn.rollback()
    return counts


def load(engine: sa.Engine, kind: str, path: str) -> None:
    """Replace the (empty) target database by the snapshot at `path`."""
    engine.dispose()   # no pooled connection keeps a view (or prepared statements) of what was there
    if kind == "sqlite":
        target_path = _sqlite_path(engine)
        os.makedirs(os.path.dirname(target_path), exist_ok=True)
        source = sqlite3.connect(path)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            source.backup(target)   # page by page into the target file, in one write transaction
        finally:
            target.close()
            source.close()
    else:
        _load_postgresql(engine.url, path)
    engine.dispose()


def _load_postgresql(url: sa.URL, path: str) -> None:
    pg_restore = _tool("pg_restore")
    conninfo, env = _libpq(url)
    with _connect(url) as conn:
        # The target was found empty of rows; tables a `db upgrade` created would collide with the dump's.
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
        for table in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        # So would the functions it created (the plans' search words, migration 0035), not those of an
        # extension (pg_trgm's), which the dump does not hold.
        for (function,) in conn.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace"
                " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
                " AND d.objid = p.oid AND d.deptype = 'e')").fetchall():
            conn.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        conn.commit()
    _run([pg_restore, "--no-owner", "--no-privileges", "--no-comments", "--single-transaction",
          "--exit-on-error", f"--dbname={conninfo}", path], env, "pg_restore")
