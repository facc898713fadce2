"""Every string a form accepts fits the column it is saved to. The walk covers every Form subclass
of the app: each string field is either saved to a bounded column (with the limit that holds it:
the field's Length validator or the service's check) or declared as going to a TEXT column or
nowhere. A new form field that is in neither table fails here until someone says where it goes."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from wtforms import PasswordField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import congdoan
from congdoan.forms import Form


def _all_forms() -> list[type]:
    for module in pkgutil.walk_packages(congdoan.__path__, "congdoan."):
        importlib.import_module(module.name)
    seen, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen and sub.__module__.startswith("congdoan."):
                seen.add(sub)
                todo.append(sub)
    return sorted(seen, key=lambda c: (c.__module__, c.__name__))


def _string_fields(form: type):
    for name in dir(form):
        unbound = getattr(form, name, None)
        if isinstance(unbound, UnboundField) and issubclass(unbound.field_class, StringField) \
                and not issubclass(unbound.field_class, PasswordField) \
                and name not in ("csrf_token", "submission_token"):      # both checked by their shape
            yield name, unbound


def _length_max(unbound: UnboundField) -> int | None:
    validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else [])
    limits = [v.max for v in validators if isinstance(v, Length) and v.max and v.max > 0]
    return min(limits) if limits else None


def _saved_to():
    """(form, field) -> (column, the service's limit or None when the form's Length holds it)."""
    from congdoan.organisation.models import Organisation
    from congdoan.people import services as people
    from congdoan.people.models import Group, User
    from congdoan.plans import checks as plan_checks
    from congdoan.plans.models import Plan
    from congdoan.member_requests import services as requests
    from congdoan.member_requests.models import Campaign
    table = {
        ("PersonForm", "full_name"): (User.full_name, people.NAME_MAX),
        ("PersonForm", "email"): (User.email, 254),
        ("PersonForm", "phone"): (User.phone, 16),            # "+" and at most 15 digits, normalised
        ("GroupForm", "name"): (Group.name, people.GROUP_NAME_MAX),
        ("CampaignForm", "title"): (Campaign.title, requests.TITLE_MAX),
        ("NewPlanForm", "subject"): (Plan.subject, plan_checks.SUBJECT_MAX),
        ("NewPlanForm", "period"): (Plan.period, plan_checks.LABEL_MAX),
        ("LeaveForm", "left_other"): (User.left_reason, people.LEAVE_REASON_MAX),
    }
    for name in ("name", "upper_union", "place_name", "plan_abbrev", "body_abbrev", "sign_on_behalf",
                 "chair_title", "vice_chair_title", "motto_line1", "motto_line2"):
        table[("OrganisationForm", name)] = (getattr(Organisation, name), None)
    return table


# Fields whose value goes to a TEXT column, is parsed into something else, or is not saved.
NOT_BOUNDED = {
    ("OrganisationForm", "default_recipients"),                     # Text
    ("OrganisationForm", "sign_delegate_id"),                       # an id
    ("LoginForm", "email"),                                         # looked up, never saved
    ("CampaignForm", "description"), ("CampaignForm", "deadline"),  # Text; a date
    ("ActionForm", "note"), ("ActionForm", "amount"),               # Text; a BigInteger
    ("ActionForm", "version"), ("ActionForm", "view"),
    ("CorrectTaskForm", "version"), ("CorrectTaskForm", "due"),
    ("CorrectTaskForm", "note"), ("CorrectTaskForm", "reason"),     # Text (task events)
    ("WithdrawTaskForm", "version"), ("WithdrawTaskForm", "withdraw_reason"),
    ("SendForm", "addresses"), ("SendForm", "note"),                # parsed, checked (sending.py); job JSON
    ("PersonForm", "birth_date"), ("PersonForm", "joined_on"),      # dates (people.services)
    ("LeaveForm", "left_on"),                                       # a date
    ("NewReportForm", "start"), ("NewReportForm", "end"),           # dates (reports.service.check_period)
}


def test_every_form_string_field_is_accounted_for_and_fits_its_column():
    table = _saved_to()
    # Request forms are built per kind at run time (requests.forms.request_form): their fields go
    # into the request's details, JSON in a TEXT column (the summary is checked below).
    forms = [f for f in _all_forms() if not f.__name__.startswith("RequestForm_")]
    assert len(forms) > 10
    unknown, overflow = [], []
    for form in forms:
        for name, unbound in _string_fields(form):
            key = (form.__name__, name)
            if key in NOT_BOUNDED:
                continue
            if key not in table:
                unknown.append(f"{form.__module__}.{form.__name__}.{name}")
                continue
            column, service_limit = table[key]
            limits = [x for x in (_length_max(unbound), service_limit) if x]
            length = column.property.columns[0].type.length
            if not limits:
                overflow.append(f"{key}: no limit at all for String({length})")
            elif min(limits) > length:
                overflow.append(f"{key}: accepts {min(limits)} characters, the column holds {length}")
    assert not unknown, f"say where these fields are saved: {unknown}"
    assert not overflow, overflow


def test_plan_editor_limits_fit_the_plan_columns():
    from congdoan.plans import checks as plan_checks
    from congdoan.plans.models import Plan, PlanSection, ScheduleRow
    pairs = [(plan_checks.SUBJECT_MAX, Plan.subject), (plan_checks.SUBJECT_MAX, Plan.schedule_title),
             (plan_checks.SUBJECT_MAX, PlanSection.title), (plan_checks.LABEL_MAX, Plan.type_name),
             (plan_checks.LABEL_MAX, Plan.period), (plan_checks.LABEL_MAX, Plan.place),
             (plan_checks.LABEL_MAX, Plan.sign_on_behalf), (plan_checks.LABEL_MAX, Plan.signer_title),
             (plan_checks.LABEL_MAX, ScheduleRow.period)]
    for limit, column in pairs:
        assert limit <= column.property.columns[0].type.length, column


@pytest.mark.parametrize("kind_code", sorted(__import__("congdoan.member_requests.kinds", fromlist=["KINDS"]).KINDS))
def test_request_kind_fields_fit_what_keeps_them(kind_code):
    """Request details are JSON (TEXT); the summary column is cut to its length when built."""
    from congdoan.member_requests.kinds import KINDS, TEXT, TEXTAREA
    from congdoan.member_requests.models import MemberRequest
    kind = KINDS[kind_code]
    details = {f.name: "x" * max(f.max_len, 2000) if f.type in (TEXT, TEXTAREA) else None for f in kind.fields}
    assert len(kind.summary_of(details)) <= MemberRequest.summary.property.columns[0].type.length
