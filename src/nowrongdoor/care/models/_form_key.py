"""One-time keys of page forms that create records (private).

A page form that creates a record carries a random key issued when the page
was drawn; the POST that handles it claims the key in the same transaction as
the record it makes, with the address its answer went to. A second POST of
the same form (a double click, back and resubmit, a retried request) finds the
key claimed and is answered with that address instead of a second record
(:mod:`nowrongdoor.care.web._form_key`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base
from nowrongdoor.care.models._columns import IdKey, child_of, created_now

__all__ = ["FormKey"]


class FormKey(IdKey, Base):
    """A claimed form key: whose, when, and where the first answer went.

    No person data: the address is a page's path (``/cases/12``,
    ``/people/P-7KQ2-M9XD#consent``). Rows older than
    :data:`~nowrongdoor.care.web._form_key.KEEP_DAYS` are deleted when the
    same user claims another key; a user's rows go with the user.
    """

    __tablename__ = "form_key"
    __table_args__ = (Index("ix_form_key_user_created", "user_id", "created_at"),)

    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = child_of("app_user", index=False)
    created_at: Mapped[dt.datetime] = created_now()
    redirect_to: Mapped[str] = mapped_column(String(2048))
