"""Every URL rule of the app, with the permission its view demands (permissions.py is the one
table of who may do what), and concrete URLs for it built from the served database's ids."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

from .context import ACCOUNTS, ADMIN, CHAIR, MEMBER, Probe


@dataclass
class Rule:
    rule: str
    endpoint: str
    methods: frozenset[str]
    args: dict[str, str]           # argument -> converter name
    any_choices: dict[str, list[str]]
    public: bool
    roles: frozenset[str] | None   # roles granted the view's permission (None: public)


def load_rules() -> list[Rule]:
    """Read the URL map from the app itself, built on a throw-away SQLite database."""
    from congdoan import create_app
    from congdoan.permissions import PERMISSIONS
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.environ.pop("DATABASE_URL", None)
        try:
            app = create_app(instance_path=tmp, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/rules.sqlite", SECRET_KEY="probe")
        finally:
            if saved is not None:
                os.environ["DATABASE_URL"] = saved
    rules = []
    for r in app.url_map.iter_rules():
        if r.endpoint == "static":
            continue
        view = app.view_functions[r.endpoint]
        perm = getattr(view, "permission", None)
        public = bool(getattr(view, "public", False))
        roles = None if public or perm is None else frozenset(role.value for role in PERMISSIONS[perm])
        args, choices = {}, {}
        for name, conv in r._converters.items():  # noqa: SLF001
            kind = type(conv).__name__
            args[name] = kind
            if kind == "AnyConverter":
                choices[name] = sorted(conv.items) if hasattr(conv, "items") else []
        rules.append(Rule(r.rule, r.endpoint, frozenset(r.methods - {"HEAD", "OPTIONS"}), args, choices,
                          public, roles))
    return rules


def allowed(rule: Rule, email: str | None) -> bool:
    if rule.public:
        return True
    if email is None:
        return False
    return bool(ACCOUNTS[email] & rule.roles)


def ids(probe: Probe) -> dict[str, object]:
    """Ids for the URLs, chosen for what they guard: the draft plan, another member's private
    request, someone else's notification. Without a database: 1 everywhere."""
    if "ids" in probe.state:
        return probe.state["ids"]
    out: dict[str, object] = {k: 1 for k in ("plan_id", "request_id", "campaign_id", "task_id", "group_id",
                                             "user_id", "notification_id", "template_id", "file_id",
                                             "event_id", "part_id")}
    out.update(code="KHONGCO", slug="kien-nghi", action="approve", filename="app.css", kind="basis",
               part="header")
    if probe.db is not None:
        q = probe.db.scalar
        out["plan_id"] = q("SELECT id FROM plans WHERE status = 'draft' ORDER BY id LIMIT 1") or 1
        # A private request of someone who is none of the demo accounts: every one of them but the
        # committee and the accountant must be refused.
        out["request_id"] = q("SELECT r.id FROM member_requests r JOIN users u ON u.id = r.requester_id "
                              "WHERE r.kind IN ('sick_visit','maternity','hardship') AND NOT u.email = ANY(%s) "
                              "ORDER BY r.id LIMIT 1", (list(ACCOUNTS),)) or \
            q("SELECT id FROM member_requests WHERE kind IN ('sick_visit','maternity','hardship') "
              "ORDER BY id LIMIT 1") or 1
        out["campaign_id"] = q("SELECT min(id) FROM campaigns") or 1
        out["task_id"] = q("SELECT min(id) FROM tasks") or 1
        out["group_id"] = q("SELECT min(id) FROM groups") or 1
        out["user_id"] = q("SELECT id FROM users WHERE email = %s", (MEMBER,)) or 1
        out["notification_id"] = q("SELECT min(n.id) FROM notifications n JOIN users u ON u.id = n.user_id "
                                   "WHERE u.email = %s", (CHAIR,)) or 1
        out["template_id"] = q("SELECT min(id) FROM plan_templates") or 1
        out["file_id"] = q("SELECT min(file_id) FROM request_files WHERE request_id = %s", (out["request_id"],)) or 1
        out["event_id"] = q("SELECT min(id) FROM task_events WHERE file_id IS NOT NULL") or \
            q("SELECT min(id) FROM task_events") or 1
        out["part_id"] = q("SELECT min(id) FROM plan_bases WHERE plan_id = %s", (out["plan_id"],)) or 1
        out["code"] = q("SELECT verify_code FROM signed_documents ORDER BY id LIMIT 1") or "KHONGCO"
        out["draft_author"] = q("SELECT u.email FROM plans p JOIN users u ON u.id = p.author_id WHERE p.id = %s",
                                (out["plan_id"],))
        out["requester"] = q("SELECT u.email FROM member_requests r JOIN users u ON u.id = r.requester_id "
                             "WHERE r.id = %s", (out["request_id"],))
    probe.state["ids"] = out
    return out


def build(rule: Rule, values: dict[str, object], **override) -> str:
    url = rule.rule
    for name, kind in rule.args.items():
        if name in override:
            value = override[name]
        elif kind == "AnyConverter":
            choices = rule.any_choices.get(name) or ["x"]
            value = values.get(name) if values.get(name) in choices else choices[0]
        else:
            value = values.get(name, 1)
        url = url.replace(f"<{_spec(rule.rule, name)}>", str(value))
    return url


def _spec(rule: str, name: str) -> str:
    start = rule.index(f":{name}>") if f":{name}>" in rule else rule.index(f"<{name}>")
    open_at = rule.rindex("<", 0, start + 1)
    close_at = rule.index(">", open_at)
    return rule[open_at + 1:close_at]


def object_private(rule: Rule, email: str | None, values: dict) -> bool:
    """Whether the object in this URL is one `email` must not see whatever the view's permission:
    the draft plan (its author and the committee only), another member's private request (the
    requester, the committee and the accountant only), another person's notification, people
    administration (the admin only)."""
    roles = ACCOUNTS.get(email, frozenset()) if email else frozenset()
    if "plan_id" in rule.args and values.get("draft_author"):
        if email != values["draft_author"] and not roles & {"committee", "vice_chair", "chair"}:
            return True
    if "request_id" in rule.args and values.get("requester"):
        if email != values["requester"] and not roles & {"committee", "vice_chair", "chair", "accountant"}:
            return True
    if "notification_id" in rule.args and email != CHAIR:
        return True
    if rule.rule.startswith("/quan-tri") and email != ADMIN:
        return True
    return False
