"""Page facts: small values most pages need (the union's name for the layout, the bell's count, the
change counters behind the kept tracking pages), read in the same statement that loads the signed-in
user. A page that needs nothing else then makes one database round trip instead of four; on
PostgreSQL each round trip costs about as much as rendering the page's layout.

An area registers a fact at import time with `@fact(name)`: a function that takes the users.id
column and returns a scalar subquery. `get(name, read)` gives the value read with the user, or calls
`read()` when there is none: no one is signed in, or this request has since ended a transaction or
written to a watched table (the value may have moved because of this very request). A value read at
the start of the request is as fresh as any other read of it: writers that commit later are not
seen, exactly as if it had been read a little later in the same request.

Nothing here outlives the request (the values live on `flask.g`): this is one read shared by a page's
parts, not a cache; docs/caching.md lists what is kept across requests.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")

_facts: dict[str, Callable] = {}
_MISSING = object()


def fact(name: str) -> Callable:
    """Register fn(users_id_column) -> scalar subquery under `name`."""
    def register(fn: Callable) -> Callable:
        _facts[name] = fn
        return fn
    return register


def user_statement(user_model, *options) -> sa.Select:
    """SELECT the user (by the bind parameter user_id) and every registered fact beside it."""
    columns = [fn(user_model.id).label(f"fact_{name}") for name, fn in _facts.items()]
    return sa.select(user_model, *columns).where(user_model.id == sa.bindparam("user_id")).options(*options)


def keep(row) -> None:
    """Keep the facts of a row of `user_statement()` for the rest of this request."""
    mapping = row._mapping
    g.page_facts = {name: mapping[f"fact_{name}"] for name in _facts}
    g.page_facts_user_id = row[0].id


def get(name: str, read: Callable[[], T], *, user_id: int | None = None) -> T:
    """The fact read with the user (for a per-person fact: only if `user_id` is that user), else read()."""
    if not has_app_context() or (user_id is not None and g.get("page_facts_user_id") != user_id):
        return read()
    value = g.get("page_facts", {}).get(name, _MISSING)
    return read() if value is _MISSING else value


def drop() -> None:
    if has_app_context():
        g.pop("page_facts", None)


# Anything this request writes, commits or rolls back may have moved them: read afresh from then on.

@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    drop()


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        drop()


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        drop()
