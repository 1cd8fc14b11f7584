"""Shared schema pieces: pagination envelope, error body (private)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

#: Largest record id accepted: ids are 32-bit integers on PostgreSQL (and any
#: larger value would overflow SQLite beyond 2**63), so every database answers
#: a larger id with the same 422.
MAX_ID = 2**31 - 1

#: Largest page offset accepted (signed 64-bit, both databases).
MAX_OFFSET = 2**63 - 1

#: A record id in a request body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Strict(BaseModel):
    """Base of request bodies: unknown fields are refused, strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Public(BaseModel):
    """Base of response bodies, readable from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class PageOf(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="Rows matching the filters (all pages).")
    limit: int
    offset: int


class ErrorDetail(BaseModel):
    """The error document's body."""

    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    """Every error: ``{"error": {"code", "message", "field"}}``."""

    error: ErrorDetail
