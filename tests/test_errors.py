"""The user-error helpers: one sentence that names the field."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from nowrongdoor.errors import first_error


class _Item(BaseModel):
    link_id: str


class _Form(BaseModel):
    items: list[_Item]


def test_first_error_names_the_dotted_field() -> None:
    with pytest.raises(ValidationError) as info:
        _Form.model_validate({"items": [{"link_id": "a"}, {"link_id": 5}]})
    assert first_error(info.value) == (
        "items.1.link_id",
        "Input should be a valid string",
    )


def test_first_error_names_the_whole_value_without_a_field() -> None:
    with pytest.raises(ValidationError) as info:
        _Form.model_validate("not a mapping")
    where, message = first_error(info.value, "file")
    assert where == "file"
    assert "dictionary" in message
    assert first_error(info.value)[0] == ""


def test_first_error_reads_a_request_validation_error() -> None:
    from fastapi.exceptions import RequestValidationError

    with pytest.raises(ValidationError) as info:
        _Form.model_validate({"items": [{"link_id": 5}]})
    request_error = RequestValidationError(info.value.errors())
    assert first_error(request_error) == first_error(info.value)
    assert first_error(request_error) == (
        "items.0.link_id",
        "Input should be a valid string",
    )
