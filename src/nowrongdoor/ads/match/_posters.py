"""Missing-person posters: reading and normalising them (private)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from nowrongdoor._jsonl import json_lines
from nowrongdoor.errors import UserInputError, read_user_text, user_file

__all__ = ["Poster", "load_posters", "parse_height", "parse_weight"]

POSTER_FIELDS = (
    "case_id", "name", "aliases", "birth_date", "age_at_missing", "sex", "race",
    "height", "weight", "hair", "eyes", "marks", "missing_date", "city", "state",
    "photo",
)  # fmt: skip


@dataclass(frozen=True)
class Poster:
    """One missing-person poster, normalised.

    Attributes:
        case_id: The poster's case id.
        names: Given name, full name parts and aliases (lower case, no duplicates).
        first_names: First tokens of the name and aliases.
        birth_date: Date of birth, when given.
        age_at_missing: Age when missing, when given (or derived).
        missing_date: Date last seen.
        city: Last known city.
        state: Last known state (two letters).
        height_in: Height in inches.
        weight_lb: Weight in pounds.
        hair: Hair colour (lower case).
        eyes: Eye colour (lower case).
        photo: Path of the photo, resolved.
        raw: The record as read.
    """

    case_id: str
    names: tuple[str, ...]
    first_names: tuple[str, ...]
    birth_date: date | None
    age_at_missing: float | None
    missing_date: date | None
    city: str
    state: str
    height_in: float | None
    weight_lb: float | None
    hair: str
    eyes: str
    photo: Path | None
    raw: dict[str, Any]

    def age_on(self, day: date) -> float | None:
        """Age in years on ``day`` (from birth date, else age at missing)."""
        if self.birth_date is not None:
            return (day - self.birth_date).days / 365.25
        if self.age_at_missing is not None and self.missing_date is not None:
            return self.age_at_missing + 0.5 + (day - self.missing_date).days / 365.25
        return None


_FT_IN = re.compile(r"(\d)\s*(?:'|ft\.?|feet|foot)\s*(\d{1,2})?")
_CM = re.compile(r"(\d{3})\s*cm")
_IN = re.compile(r"(\d{2})\s*(?:in|inches|\")")
_KG = re.compile(r"(\d{2,3})\s*(?:kg|kilo)")
_NUM = re.compile(r"(\d{2,3}(?:\.\d+)?)")
_HEIGHTS = (
    (_FT_IN, lambda m: int(m.group(1)) * 12 + int(m.group(2) or 0)),
    (_CM, lambda m: round(int(m.group(1)) / 2.54, 1)),
    (_IN, lambda m: float(m.group(1))),
)
_WEIGHTS = (
    (_KG, lambda m: round(int(m.group(1)) * 2.20462, 1)),
    (_NUM, lambda m: float(m.group(1))),
)


def _parse_measure(
    value: Any,
    readings: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], float]], ...],
) -> float | None:
    """A number as is, else the first of ``readings`` (pattern, conversion) found."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).lower()
    for pattern, convert in readings:
        if m := pattern.search(text):
            return convert(m)
    return None


def parse_height(value: Any) -> float | None:
    """Inches from ``5'4"``, ``5 ft 4``, ``64 in``, ``163 cm`` or a number."""
    return _parse_measure(value, _HEIGHTS)


def parse_weight(value: Any) -> float | None:
    """Pounds from ``120 lbs``, ``54 kg`` or a number."""
    return _parse_measure(value, _WEIGHTS)


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise UserInputError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _aliases(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [a.strip() for a in re.split(r"[;|,]", str(value)) if a.strip()]


def _poster(rec: dict[str, Any], where: str, base: Path) -> Poster:
    case_id = str(rec.get("case_id") or "").strip()
    if not case_id:
        raise UserInputError(f"{where}: the poster has no case_id")
    name = str(rec.get("name") or "").strip()
    aliases = _aliases(rec.get("aliases"))
    names = [n.lower() for n in [name, *aliases] if n]
    firsts = [n.split()[0] for n in names if n.split()]
    age_raw = rec.get("age_at_missing")
    try:
        age = float(age_raw) if age_raw not in (None, "") else None
    except (TypeError, ValueError):
        raise UserInputError(
            f"{where}: age_at_missing {age_raw!r} is not a number"
        ) from None
    if age is not None and not 0 <= age <= 120:
        raise UserInputError(
            f"{where}: age_at_missing {age_raw!r} is not an age from 0 to 120"
        )
    birth = _date(rec.get("birth_date"), f"{where} birth_date")
    missing = _date(rec.get("missing_date"), f"{where} missing_date")
    if age is None and birth is not None and missing is not None:
        age = (missing - birth).days / 365.25
    photo_raw = str(rec.get("photo") or "").strip()
    photo = None
    if photo_raw:
        photo = Path(photo_raw)
        if not photo.is_absolute():
            photo = base / photo
    return Poster(
        case_id=case_id,
        names=tuple(dict.fromkeys(names)),
        first_names=tuple(dict.fromkeys(firsts)),
        birth_date=birth,
        age_at_missing=age,
        missing_date=missing,
        city=str(rec.get("city") or "").strip(),
        state=str(rec.get("state") or "").strip().upper(),
        height_in=parse_height(rec.get("height")),
        weight_lb=parse_weight(rec.get("weight")),
        hair=str(rec.get("hair") or "").strip().lower(),
        eyes=str(rec.get("eyes") or "").strip().lower(),
        photo=photo,
        raw=rec,
    )


def load_posters(path: Path) -> list[Poster]:
    """Read posters from JSONL or CSV (by extension).

    Raises:
        UserInputError: The file is missing, a line is not JSON, or a field is
            unusable (the message names the file, line and field).
    """
    user_file(path, "posters file")
    base = path.parent
    posters: list[Poster] = []
    if path.suffix.lower() == ".csv":
        text = read_user_text(path, "posters file", newline="")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "case_id" not in reader.fieldnames:
            raise UserInputError(f"{path}: the CSV has no case_id column")
        for n, row in enumerate(reader, start=2):
            posters.append(_poster(dict(row), f"{path} line {n}", base))
    else:
        for n, rec in json_lines(path):
            if isinstance(rec, UnicodeDecodeError):
                raise UserInputError(f"{path} line {n}: not UTF-8 text")
            if isinstance(rec, json.JSONDecodeError):
                raise UserInputError(f"{path} line {n}: not JSON ({rec.msg})")
            if not isinstance(rec, dict):
                raise UserInputError(f"{path} line {n}: not a JSON object")
            posters.append(_poster(rec, f"{path} line {n}", base))
    seen: set[str] = set()
    for p in posters:
        if p.case_id in seen:
            raise UserInputError(f"{path}: case_id {p.case_id} appears twice")
        seen.add(p.case_id)
    return posters
