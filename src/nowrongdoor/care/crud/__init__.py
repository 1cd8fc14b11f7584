"""Data-access functions: keyword-only, take a session, enforce record scope.

The API routes and the web pages call these; the caller commits. Functions
that load one record for a viewer (``get_case(session, viewer=..., case_id=...)``)
raise :class:`~nowrongdoor.care.errors.NotFound` or
:class:`~nowrongdoor.care.errors.Forbidden`; list functions return
``(rows, total)`` limited to the viewer's scope.

One module a resource, each naming what it offers in its ``__all__``:
``_cases`` (cases, their children and tasks), ``_persons`` (persons, intakes,
consents, screenings, risk flags), ``_referrals``, ``_partners`` (the service
directory), ``_users``, ``_queue`` (the work queue; its stored keys in
``_queue_keys``), ``_audit_log``, ``_dashboard`` and ``_detail``. This package
is their one public face; the consent and 42 CFR Part 2 policy lives in
:mod:`nowrongdoor.care.consent`, beside :mod:`nowrongdoor.care.rbac`.
"""

from nowrongdoor.care.consent import (
    consent_active,
    covering_consent,
    part2_visible,
    visible_sensitive,
)
from nowrongdoor.care.crud import (
    _audit_log,
    _cases,
    _common,
    _dashboard,
    _detail,
    _partners,
    _persons,
    _queue,
    _referrals,
    _users,
)
from nowrongdoor.care.crud._audit_log import *  # noqa: F403
from nowrongdoor.care.crud._cases import *  # noqa: F403
from nowrongdoor.care.crud._common import *  # noqa: F403
from nowrongdoor.care.crud._dashboard import *  # noqa: F403
from nowrongdoor.care.crud._detail import *  # noqa: F403
from nowrongdoor.care.crud._partners import *  # noqa: F403
from nowrongdoor.care.crud._persons import *  # noqa: F403
from nowrongdoor.care.crud._queue import *  # noqa: F403
from nowrongdoor.care.crud._queue_keys import (
    BELOW_EVERY_TIER,
    TIER_RANK,
    refresh_queue_keys,
)
from nowrongdoor.care.crud._referrals import *  # noqa: F403
from nowrongdoor.care.crud._users import *  # noqa: F403

__all__ = [
    "BELOW_EVERY_TIER",
    "TIER_RANK",
    "consent_active",
    "covering_consent",
    "part2_visible",
    "refresh_queue_keys",
    "visible_sensitive",
    *_audit_log.__all__,
    *_cases.__all__,
    *_common.__all__,
    *_dashboard.__all__,
    *_detail.__all__,
    *_partners.__all__,
    *_persons.__all__,
    *_queue.__all__,
    *_referrals.__all__,
    *_users.__all__,
]
