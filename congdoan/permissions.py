"""Who may do what: the one table every view and template consults.

Each view is decorated with @requires(Perm.X) (or @public). The decorator sends an anonymous visitor
to the sign-in page and answers a signed-in person without the permission with the Vietnamese 403
page. tests/test_permissions.py walks the URL map: a route added without either decorator fails.
Rules that depend on one object (is this your draft? your group's task?) are model methods named
can_*(user), checked by the view after loading the object.
"""
from __future__ import annotations

import enum
from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from .errors import PermissionDenied
from .people.roles import COMMITTEE_ROLES, Role


class Perm(str, enum.Enum):
    SIGNED_IN = "signed_in"              # any active account
    PEOPLE_MANAGE = "people.manage"      # accounts, groups, the admin role, member import
    OFFICES_VIEW = "offices.view"        # who holds which office, the committee's size
    OFFICES_MANAGE = "offices.manage"    # grant and remove offices, hand over the chair
    SETTINGS_EDIT = "settings.edit"      # organisation settings
    AUDIT_VIEW = "audit.view"            # the whole audit trail
    PLANS_VIEW = "plans.view"            # plan list and the plans one may see (object rule: can_view)
    PLANS_DRAFT = "plans.draft"          # create, edit (object rule: can_edit), copy, import
    PLANS_VOTE = "plans.vote"            # vote and comment on a plan under approval
    # Member requests and campaigns. Submitting and following one's own requests is SIGNED_IN.
    REQUESTS_CONFIRM = "requests.confirm"     # the inbox of requests waiting for a group leader
    REQUESTS_REVIEW = "requests.review"       # every request, lists and Excel exports
    REQUESTS_DECIDE = "requests.decide"       # approve, refuse, ask (the committee)
    REQUESTS_PAY = "requests.pay"             # mark approved requests paid (the accountant)
    CAMPAIGNS_MANAGE = "campaigns.manage"     # open, extend, close collection campaigns
    PLANS_SIGN = "plans.sign"            # sign and issue an approved plan (narrowed by may_sign below)
    SIGNING_MANAGE = "signing.manage"    # delegate signing to a vice chair, the union's seal image
    TASKS_VIEW = "tasks.view"            # task lists, boards, calendar (object rule: can_view; lists scoped)
    TASKS_UPDATE = "tasks.update"        # status, notes, evidence (object rule: can_update)
    TASKS_ASSIGN = "tasks.assign"        # turn an approved plan's schedule into tasks
    TASKS_TRACK = "tasks.track"          # progress of plans, every group's board, the overview
    JOBS_MANAGE = "jobs.manage"          # background jobs: why one failed, queue it again


R = Role
PERMISSIONS: dict[Perm, frozenset[Role]] = {
    Perm.SIGNED_IN: frozenset({R.MEMBER}),
    Perm.PEOPLE_MANAGE: frozenset({R.ADMIN}),
    Perm.OFFICES_VIEW: COMMITTEE_ROLES | {R.ACCOUNTANT, R.ADMIN},
    Perm.OFFICES_MANAGE: frozenset({R.CHAIR}),
    Perm.SETTINGS_EDIT: frozenset({R.ADMIN, R.CHAIR}),
    Perm.AUDIT_VIEW: frozenset({R.ADMIN, R.CHAIR}),
    Perm.PLANS_VIEW: frozenset({R.MEMBER}),
    Perm.PLANS_DRAFT: frozenset({R.COMMITTEE, R.VICE_CHAIR, R.CHAIR}),
    Perm.PLANS_VOTE: frozenset({R.COMMITTEE, R.VICE_CHAIR, R.CHAIR}),
    Perm.REQUESTS_CONFIRM: frozenset({R.GROUP_LEADER}),
    Perm.REQUESTS_REVIEW: COMMITTEE_ROLES | {R.ACCOUNTANT},
    Perm.REQUESTS_DECIDE: COMMITTEE_ROLES,
    Perm.REQUESTS_PAY: frozenset({R.ACCOUNTANT}),
    Perm.CAMPAIGNS_MANAGE: COMMITTEE_ROLES,
    Perm.PLANS_SIGN: frozenset({R.CHAIR, R.VICE_CHAIR}),
    Perm.SIGNING_MANAGE: frozenset({R.CHAIR}),
    Perm.TASKS_VIEW: frozenset({R.MEMBER}),
    Perm.TASKS_UPDATE: frozenset({R.GROUP_LEADER, R.COMMITTEE, R.VICE_CHAIR, R.CHAIR}),
    Perm.TASKS_ASSIGN: frozenset({R.VICE_CHAIR, R.CHAIR}),
    Perm.TASKS_TRACK: frozenset({R.COMMITTEE, R.VICE_CHAIR, R.CHAIR}),
    Perm.JOBS_MANAGE: frozenset({R.ADMIN}),
}


# Who grants and removes each stored role (separation of duties, issue 15): the union's offices are
# the chair's act, the admin role the admin's. The chair itself is never granted, only handed over
# by the chair in office (people/offices.py), or set once on an install that has none (command line).
GRANTED_BY: dict[Role, Perm] = {
    R.CHAIR: Perm.OFFICES_MANAGE,
    R.VICE_CHAIR: Perm.OFFICES_MANAGE,
    R.COMMITTEE: Perm.OFFICES_MANAGE,
    R.ACCOUNTANT: Perm.OFFICES_MANAGE,
    R.ADMIN: Perm.PEOPLE_MANAGE,
}


def may_grant(user, role: Role) -> bool:
    """May this person grant or remove this stored role (for anyone, themselves included)?"""
    perm = GRANTED_BY.get(role)
    return perm is not None and has_permission(user, perm)


def has_permission(user, perm: Perm) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.roles & PERMISSIONS[perm])


def requires(perm: Perm):
    """Guard a view: sign-in first, then the permission."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not has_permission(current_user, perm):
                abort(403)
            return view(*args, **kwargs)
        wrapped.permission = perm
        return wrapped
    return decorator


def public(view):
    """Mark a view as open to anonymous visitors (sign-in page, verification page)."""
    view.public = True
    return view


# --- questions the table cannot answer alone -------------------------------------------------------

def is_chair(user) -> bool:
    """The chair in office."""
    return user is not None and user.active and user.has_role(Role.CHAIR)


def require_chair(user, what: str) -> None:
    """Refuse (403 with a Vietnamese reason) anyone but the chair: `what` is the act, "thay ảnh con dấu"."""
    if not is_chair(user):
        raise PermissionDenied(f"Chỉ Chủ tịch mới được {what}.")


def may_sign(user) -> bool:
    """Who signs and issues a document (Perm.PLANS_SIGN, narrowed): the chair; a vice chair only while
    the chair has delegated signing to them on the settings page (Organisation.sign_delegate_id)."""
    if user is None or not user.active:
        return False
    if user.has_role(Role.CHAIR):
        return True
    from .organisation.models import Organisation
    return user.has_role(Role.VICE_CHAIR) and Organisation.get().sign_delegate_id == user.id
