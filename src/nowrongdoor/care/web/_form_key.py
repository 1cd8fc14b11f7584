"""One-time form keys: a page form that creates a record makes it once (private).

Every page form that creates a record (an intake, a case, a consent, a need, a
referral, ...) carries a hidden ``form_key`` beside its CSRF token: a random
key drawn when the page is rendered (:func:`hidden_field`, the templates'
``form_key()``). The POST that handles the form claims the key
(:func:`claim`) in the same transaction as the record it makes, and stores the
address its answer sends the browser to (:meth:`FormKey.redirect_to
<nowrongdoor.care.models.FormKey>`). The audit commit that ends the request
commits both, or neither.

A second POST of the same form by the same user (a double click, back and
resubmit, a request retried after a slow network) finds the key claimed and
is answered with a redirect to that address, the record already made; nothing
is created again. The answering page is
:meth:`nowrongdoor.care.web._session.PageCtx.repeated`.

* A refused form (re-rendered with the sentence at the field) rolls back its
  transaction, the claim with it: the corrected resubmission, with the same
  key or the fresh one on the re-rendered page, goes through.
* Two submissions at once: the unique index makes the second wait for the
  first; if the first commits, the second's insert fails, is undone to its
  savepoint, and the second finds the first's row.
* An unknown key of the right shape is simply claimed (only this site's pages
  issue keys, but a forged one gains nothing: the CSRF token already proves
  the form came from this site's page in this session). A key of any other
  shape is refused in words. A key claimed by another user is refused (409)
  without saying where it led.
* A form posted without a key (a script, an old page) is handled as before,
  without the protection.
* Keys are kept :data:`KEEP_DAYS` days: each claim deletes the same user's
  older keys (an index on user and time keeps this cheap), and a user's keys go
  with the user. A form resubmitted after that creates its record again.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.models import FormKey, User, utcnow

__all__ = ["FIELD", "KEEP_DAYS", "claim", "hidden_field", "new_key", "valid_key"]

#: The hidden field's name.
FIELD = "form_key"

#: How long a claimed key is kept (a repeat after that is not recognised).
KEEP_DAYS = 7

#: What a key this site issues looks like (URL-safe base64 of random bytes).
_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,64}")


def new_key() -> str:
    """A fresh random key (192 bits, 32 characters)."""
    return secrets.token_urlsafe(24)


def hidden_field() -> Markup:
    """The hidden ``<input>`` a create form carries, with a fresh key."""
    return Markup(f'<input type="hidden" name="{FIELD}" value="{new_key()}">')


def valid_key(value: object) -> str:
    """The posted key, if it has the shape of one this site issues.

    Raises:
        BadRequest: it does not (names the field; the page is drawn again
            with a fresh key).
    """
    if not isinstance(value, str) or not _SHAPE.fullmatch(value):
        raise BadRequest(
            "This form's key is not one this site gave out. Nothing was saved; "
            "send the form again from this page.",
            field=FIELD,
        )
    return value


def claim(session: Session, user: User, key: str) -> tuple[FormKey, bool]:
    """Claim ``key`` for ``user`` in the session's transaction.

    The new row is flushed (so a concurrent claim of the same key waits for
    this transaction) but not committed: the request's audit commit writes it
    with the record, and a refusal's rollback takes it back.

    Args:
        session: The request's session.
        user: Who posted the form.
        key: A key of the right shape (:func:`valid_key`).

    Returns:
        ``(row, True)``: claimed now (set ``row.redirect_to`` before the
        commit); ``(row, False)``: claimed before, by ``row.user_id``.
    """
    found = session.scalars(select(FormKey).where(FormKey.key == key)).first()
    if found is not None:
        return found, False
    session.execute(
        delete(FormKey).where(
            FormKey.user_id == user.id,
            FormKey.created_at < utcnow() - dt.timedelta(days=KEEP_DAYS),
        )
    )
    row = FormKey(key=key, user_id=user.id, redirect_to="")
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # claimed by a submission that committed while this one waited
        found = session.scalars(select(FormKey).where(FormKey.key == key)).one()
        return found, False
    return row, True
