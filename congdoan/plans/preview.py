"""The document (a plan, a report) as an HTML page of paper (templates/plans/_document.html),
remembered by its content.

Rendering the document costs milliseconds for a large plan (every line goes through the inline
markup filter); reading and hashing its content costs a fraction of that. The same content always
gives the same HTML, so each worker process keeps the last few renderings, keyed by a hash of
everything the template reads: the document, the draft mark and the settings printed in the head.
Any change to one of them is a new key; nothing has to be invalidated.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from markupsafe import Markup

from .. import caching
from .document import canonical
from .models import PUBLIC, Plan

TEMPLATE = "plans/_document.html"
# A large plan is ~30 kB of HTML: at most a couple of MB per process.
_kept = caching.lru("plan_preview", 64)


def document_html(plan: Plan, doc: dict, org) -> Markup:
    """The rendered _document.html for this plan's document `doc` (document_of / to_document)."""
    env = current_app.jinja_env
    draft = plan.state not in PUBLIC
    context = {"plan": plan, "doc": doc, "org": org}
    if env.auto_reload:                  # templates may change under a running process (debug)
        return Markup(env.get_template(TEMPLATE).render(context))
    # Everything _document.html reads: the document (its "date" is plan.doc_date; its kind, which
    # with the plan's symbol gives the draft number ".../BC-CĐ"; its tables and the links of its
    # figures), whether the plan is public (the draft mark) and the three settings of the head.
    # Keep in step with the template.
    key = hashlib.sha256(canonical({"doc": doc, "draft": draft, "symbol": [org.plan_abbrev, org.body_abbrev],
                                    "motto": [org.motto_line1, org.motto_line2]}).encode("utf-8")).hexdigest()
    return _kept.get_or_compute(key, lambda: Markup(env.get_template(TEMPLATE).render(context)))
