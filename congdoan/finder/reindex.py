"""Rebuild every search text from the rows: the migration that adds the columns, bulk loaders (the
bench's data builder) and `flask --app wsgi search reindex` after a restore from an older backup. On
SQLite the FTS5 indexes over them (fts.py) follow each write by their triggers, and are rebuilt from the
rows at the end, so that the command also repairs them.

Written on plain tables (no models), so the migration keeps working whatever the models become; it
reads and writes in batches of BATCH rows, the plans' texts from their latest version's snapshot.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from . import fts
from .keys import key_of, plan_key, request_key, task_key

BATCH = 2000


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))


def _write(connection, table, values: list[dict]) -> None:
    if values:
        connection.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                           .values(search_text=sa.bindparam("text")), values)


def _batches(connection, query):
    last = 0
    while True:
        rows = connection.execute(query(last).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def reindex(connection) -> dict[str, int]:
    """Recompute search_text of every plan, task and request. Returns how many of each."""
    from ..member_requests.kinds import KINDS         # labels and display of the answers; no models
    counts = {"plans": 0, "tasks": 0, "requests": 0}

    plans = _table("plans", "id", "version_count", "type_name", "subject", "period", "number", "sign_on_behalf",
                   "signer_title", "signer_name")
    versions = _table("plan_versions", "plan_id", "number", "content")
    p = plans.c
    for rows in _batches(connection, lambda last: sa.select(p.id, versions.c.content, p.type_name, p.subject,
                                                            p.period, p.number, p.sign_on_behalf, p.signer_title,
                                                            p.signer_name)
                         .select_from(plans.outerjoin(versions, sa.and_(versions.c.plan_id == p.id,
                                                                        versions.c.number == p.version_count)))
                         .where(p.id > last).order_by(p.id)):
        values = []
        for plan_id, content, type_name, subject, period, number, on_behalf, title, name in rows:
            try:
                doc = json.loads(content) if content else {}
            except ValueError:
                doc = {}
            # The header as the plan row holds it: signing writes the number and the signature block
            # there, not in a new version (and a bulk-loaded snapshot may lack the header).
            doc.update(type_name=type_name, subject=subject, period=period, number=number,
                       signature={"on_behalf": on_behalf, "title": title, "name": name})
            values.append({"row_id": plan_id, "text": plan_key(doc)})
        _write(connection, _table("plans", "id", "search_text"), values)
        counts["plans"] += len(values)

    tasks = _table("tasks", "id", "title", "note", "result_note", "search_text")
    for rows in _batches(connection, lambda last: sa.select(tasks.c.id, tasks.c.title, tasks.c.note,
                                                            tasks.c.result_note)
                         .where(tasks.c.id > last).order_by(tasks.c.id)):
        _write(connection, tasks, [{"row_id": i, "text": task_key(t, n, r)} for i, t, n, r in rows])
        counts["tasks"] += len(rows)

    requests = _table("member_requests", "id", "kind", "summary", "details", "search_text")
    for rows in _batches(connection, lambda last: sa.select(requests.c.id, requests.c.kind, requests.c.summary,
                                                            requests.c.details)
                         .where(requests.c.id > last).order_by(requests.c.id)):
        values = []
        for request_id, kind_code, summary, details in rows:
            if isinstance(details, str):
                details = json.loads(details or "{}")
            kind = KINDS.get(kind_code)
            text = (request_key(kind.label, summary, kind.display(details or {})) if kind
                    else key_of(summary))
            values.append({"row_id": request_id, "text": text})
        _write(connection, requests, values)
        counts["requests"] += len(values)
    fts.rebuild(connection)
    return counts
