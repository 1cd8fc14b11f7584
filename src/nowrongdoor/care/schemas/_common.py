"""Shared schema pieces: pagination envelope, error body (private)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


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
