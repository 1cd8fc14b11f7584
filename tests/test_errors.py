"""The user-error helpers: one sentence that names the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from _user_errors import user_error
from nowrongdoor.errors import first_error, read_user_text, user_file


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


def test_user_file_names_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    assert (
        user_error(user_file, tmp_path / "nope.csv", "posters file")
        == f"posters file {tmp_path / 'nope.csv'} does not exist"
    )
    assert (
        user_error(user_file, tmp_path, "posters file")
        == f"posters file {tmp_path} is a folder, not a file"
    )
    assert user_error(read_user_text, tmp_path) == f"{tmp_path} is a folder, not a file"


def test_read_user_text_names_the_line_of_the_first_byte_not_utf8(
    tmp_path: Path,
) -> None:
    path = tmp_path / "model.yaml"
    path.write_bytes(b"a: 1\r\nb: caf\xe9\r\n")
    assert user_error(read_user_text, path, "scoring model") == (
        f"scoring model {path} is not UTF-8 text (line 2); save it as UTF-8"
    )
    path.write_bytes(b"a,b\r\n1,\xc3\xa9\r2\n")
    assert read_user_text(path) == "a,b\n1,\u00e9\n2\n"
    assert read_user_text(path, newline="") == "a,b\r\n1,\u00e9\r2\n"
