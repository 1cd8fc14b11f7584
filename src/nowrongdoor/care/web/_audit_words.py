"""Audit actions in words, for the oversight page (private).

The audit log stores each action as a code (``case.read``, ``fhir:read Task``,
``referral.completed``); a supervisor reads "Opened a case". One table,
:data:`ACTION_WORDS`, names every code the code base records as written; the
codes made from a value (a referral's new status, a job's name, a FHIR
resource type, the permission a refused request asked for) are named by
:data:`ACTION_FAMILIES`. ``tests/care/web/test_audit_words.py`` finds every
action recorded in the source and fails when one has no words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nowrongdoor.care.web._forms import REFERRAL_STATUS_LABELS

__all__ = [
    "ACTION_FAMILIES",
    "ACTION_WORDS",
    "FHIR_ACTION_WORDS",
    "action_words",
    "has_words",
]

#: Every action recorded as written -> what it says happened.
ACTION_WORDS: dict[str, str] = {
    # audit log and oversight
    "audit.export": "Downloaded the audit oversight as CSV",
    "audit.list": "Read the audit log",
    "audit.oversight": "Opened audit oversight",
    "audit.verify": "Checked the audit log's chain",
    # sign-in, sessions and tokens
    "auth.login": "Signed in",
    "auth.logout": "Signed out",
    "auth.revoke": "Revoked a user's sessions and tokens (command line)",
    "auth.revoke_all": "Signed out everywhere (revoked all sessions and tokens)",
    "auth.token_create": "Created an API token",
    "auth.token_list": "Listed API tokens",
    "auth.token_revoke": "Revoked an API token",
    # operations from the command line
    "care.rotate_keys": "Re-encrypted the data with the newest key",
    "care.seed": "Loaded the synthetic demo data",
    "import.ads": "Imported online ads",
    "import.worklist": "Imported a population worklist",
    "partner.import": "Imported the partner directory",
    "retention.purge": "Purged records past their retention period",
    "retention.reapply": "Re-applied the retention rules",
    "fhir.client.create": "Registered a partner system (FHIR client)",
    "fhir.client.revoke": "Revoked a partner system (FHIR client)",
    "fhir.endpoint.set": "Set a partner's FHIR server",
    "training.lead.grant": "Made a user the training lead",
    # people, intakes, screenings, risk flags
    "person.create": "Registered a person",
    "person.list": "Listed people",
    "person.read": "Opened a person's record",
    "person.update": "Changed a person's record",
    "intake.assign": "Assigned an intake",
    "intake.create": "Recorded an intake",
    "intake.read": "Opened an intake",
    "intake.review": "Reviewed an intake",
    "intake.take": "Took an intake from the queue",
    "screening.create": "Recorded a screening",
    "riskflag.review": "Reviewed a risk flag",
    "consent.create": "Recorded a consent",
    "consent.revoke": "Revoked a consent",
    # cases and what they hold
    "case.create": "Opened a new case",
    "case.list": "Listed cases",
    "case.read": "Opened a case",
    "case.status": "Changed a case's status",
    "case.update": "Changed a case",
    "need.create": "Added a need to a case",
    "goal.create": "Added a goal to a case",
    "barrier.create": "Added a barrier to a case",
    "note.create": "Wrote a case note",
    "task.create": "Created a task",
    "task.read": "Opened a task",
    "task.update": "Changed a task",
    "safety_plan.update": "Changed a safety plan",
    # referrals
    "referral.create": "Drafted a referral",
    "referral.list": "Listed referrals",
    "referral.read": "Opened a referral",
    "referral.status": "Changed a referral's status",
    # pages
    "dashboard.read": "Opened the dashboard",
    "queue.read": "Opened the work queue",
    "work.read": "Opened my work",
    "form.repeat": "Sent the same form twice (the second was not applied)",
    # staff and organisations
    "organization.create": "Created an organisation",
    "user.create": "Created a user",
    "user.list": "Listed users",
    "user.read": "Opened a user",
    "user.update": "Changed a user",
    # training
    "training.attempt.start": "Started a training quiz",
    "training.attempt.submit": "Submitted a training quiz",
    "training.records.export": "Downloaded the training records",
    "training.records.read": "Opened the training records",
    # investigator workspace
    "investigation.image.read": "Viewed an ad's image",
    "investigation.lead.export": "Downloaded a missing-person lead",
    "investigation.lead.handoff": "Handed a missing-person lead to care",
    "investigation.lead.read": "Opened a missing-person lead",
    "investigation.leads.read": "Listed missing-person leads",
    "investigation.operation.note": "Wrote a note on an operation",
    "investigation.operation.read": "Opened an operation",
    "investigation.operations.read": "Listed operations",
}

#: What a partner system did through the FHIR API: recorded as
#: ``fhir:<action>`` (the API's audit adds the prefix), read after
#: "Partner system (FHIR API): ".
FHIR_ACTION_WORDS: dict[str, str] = {
    "token": "signed in for a token",
    "export": "started a bulk export",
    "export status": "checked a bulk export",
    "export file": "downloaded a bulk export's file",
    "export delete": "deleted a bulk export",
    "create Task": "created a Task (received a referral)",
    "create Task (exists)": "sent a Task again (the referral already existed)",
    "update Task": "updated a Task (a referral's status)",
    "read Task": "read a Task",
    "read ServiceRequest": "read a ServiceRequest",
    "read Consent": "read a Consent",
    "read Patient": "read a Patient",
    "send Task": "sent a referral to a partner's FHIR server",
    "poll Task": "read a referral's status from a partner's FHIR server",
}

#: Record kinds as a family's words name them: (one, several).
_KINDS: dict[str, tuple[str, str]] = {
    "need": ("a need", "needs"),
    "goal": ("a goal", "goals"),
    "barrier": ("a barrier", "barriers"),
    "note": ("a case note", "case notes"),
    "intake": ("an intake", "intakes"),
    "consent": ("a consent", "consents"),
    "screening": ("a screening", "screenings"),
    "person": ("a person", "people"),
    "case": ("a case", "cases"),
    "referral": ("a referral", "referrals"),
    "task": ("a task", "tasks"),
    "user": ("a user", "users"),
    "audit": ("an audit event", "audit events"),
}


def _kind(value: str, *, several: bool = False) -> str:
    plain = value.replace("_", " ")
    one, many = _KINDS.get(value, (f"a record ({plain})", f"records ({plain})"))
    return many if several else one


def _fhir(rest: str) -> str:
    words = _words(rest) if not rest.startswith("fhir:") else None
    words = words or rest
    return f"Partner system (FHIR API): {words[:1].lower()}{words[1:]}"


def _fhir_verb(found: re.Match[str]) -> str:
    verbs = {"read": "Read", "search": "Searched", "create": "Created",
             "update": "Updated"}  # fmt: skip
    return f"{verbs[found['verb']]} {found['what']}"


#: Codes made from a value: (pattern, words from the match), tried in order
#: after :data:`ACTION_WORDS`.
ACTION_FAMILIES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"fhir:(?P<rest>.+)"), lambda m: _fhir(m["rest"])),
    (
        re.compile(r"referral\.(?P<status>[a-z_]+)"),
        lambda m: (
            "Moved a referral to “"
            + REFERRAL_STATUS_LABELS.get(m["status"], m["status"].replace("_", " "))
            + "”"
        ),
    ),
    (
        re.compile(r"job\.(?P<name>[\w-]+)"),
        lambda m: f"Ran the scheduled job “{m['name']}”",
    ),
    (
        re.compile(r"(?P<kind>[a-z_]+)\.list"),
        lambda m: f"Listed {_kind(m['kind'], several=True)}",
    ),
    (re.compile(r"(?P<kind>[a-z_]+)\.create"), lambda m: f"Added {_kind(m['kind'])}"),
    (re.compile(r"(?P<kind>[a-z_]+)\.update"), lambda m: f"Changed {_kind(m['kind'])}"),
    (
        re.compile(r"investigation\.lead\.(?P<decision>[a-z_]+)"),
        lambda m: (
            "Decided on a missing-person lead: " + m["decision"].replace("_", " ")
        ),
    ),
    (re.compile(r"(?P<verb>read|search|create|update) (?P<what>\S.*)"), _fhir_verb),
    # a refused request records the permission it asked for (a page's with
    # "page "), or its method and route when it asked for none
    (
        re.compile(r"page (?P<perm>\S+)"),
        lambda m: f"Opened a page that needs the permission “{m['perm']}”",
    ),
    (
        re.compile(r"(?P<perm>[a-z0-9_]+:[a-z0-9_]+)"),
        lambda m: f"Asked for something that needs the permission “{m['perm']}”",
    ),
    (
        re.compile(
            r"(?P<method>GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (?P<path>/\S*)"
        ),
        lambda m: f"Called {m['method']} {m['path']}",
    ),
)


def _words(code: str) -> str | None:
    words = ACTION_WORDS.get(code) or FHIR_ACTION_WORDS.get(code)
    if words is not None:
        return words
    for pattern, make in ACTION_FAMILIES:
        found = pattern.fullmatch(code)
        if found:
            return make(found)
    return None


def has_words(code: str) -> bool:
    """Whether the audit action ``code`` has words (its own or its family's)."""
    return _words(code) is not None


def action_words(code: str) -> str:
    """The audit action ``code`` in words ("Opened a case"); a code without
    words is shown as it is."""
    words = _words(code)
    if words is None:
        return code
    return words[:1].upper() + words[1:]
