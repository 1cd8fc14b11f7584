"""Indicator value sets: ICD-10-CM codes per indicator, loaded from data files."""

from __future__ import annotations

import bisect
import importlib.util
import warnings
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field

from nowrongdoor.errors import UserInputError

__all__ = [
    "ROLES",
    "SENSITIVITY_LABELS",
    "Exclusion",
    "ValueSet",
    "display_code",
    "icd10cm_codes",
    "load_value_sets",
    "normalize_code",
]

Sensitivity = Literal[
    "standard",
    "42-cfr-part-2",
    "hiv-sti",
    "mental-health",
    "reproductive-health",
    "abuse-exploitation",
]

#: Sensitivity labels a value set can carry; outputs can withhold any of them.
SENSITIVITY_LABELS: tuple[Sensitivity, ...] = get_args(Sensitivity)


#: What a code of a value set says about the member, strongest first.
#: ``identifies``: documented (confirmed or in history) exploitation, tier
#: ``identified``; ``suspects``: exploitation documented as suspected, at least tier
#: ``high`` with the Survive pathway for the care team to confirm; ``signal``: a risk
#: factor that only adds points.
ROLES = ("identifies", "suspects", "signal")

Role = Literal["identifies", "suspects", "signal"]


class Exclusion(BaseModel):
    """A code the reviewers deliberately left out of a value set, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    reason: str


class ValueSet(BaseModel):
    """One indicator's ICD-10-CM codes.

    ``codes`` match exactly; ``prefixes`` match the code and every code below it in
    the ICD-10-CM hierarchy; ``exclude`` removes codes (and their descendants).
    Codes are written with the dot, as in the ICD-10-CM tabular list.
    ``leaves_out`` records what the reviewers decided not to include (codes near the
    set's meaning that a reader might expect), each with its reason; they are
    documentation, not matched. ``exclude`` codes carry their reason there too.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    sensitivity: Sensitivity
    role: Role = Field(description="What a code of this set says about the member.")
    source: str
    rationale: str
    citations: tuple[str, ...] = Field(min_length=1)
    reviewed: date
    codes: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    leaves_out: tuple[Exclusion, ...] = ()

    @property
    def identifies(self) -> bool:
        """A code in this set identifies an exploited member (tier ``identified``)."""
        return self.role == "identifies"

    @property
    def suspects(self) -> bool:
        """A code in this set records suspected, unconfirmed exploitation."""
        return self.role == "suspects"

    def expand(self) -> tuple[str, ...]:
        """Every ICD-10-CM code (normalised, no dot) this value set matches.

        Returns:
            Sorted normalised codes, including non-billable parents.
        """
        include: set[str] = {normalize_code(c) for c in self.codes}
        for prefix in self.prefixes:
            include.update(_below(normalize_code(prefix)))
        excluded: set[str] = set()
        for code in self.exclude:
            excluded.update(_below(normalize_code(code)))
        return tuple(sorted(include - excluded))


def normalize_code(code: str) -> str:
    """An ICD-10-CM code in canonical form: upper case, no dot, no spaces."""
    return code.strip().upper().replace(".", "")


def display_code(code: str) -> str:
    """A normalised code with its dot put back (``T7451XA`` -> ``T74.51XA``)."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _icd() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm

    return simple_icd_10_cm


def _code_list_file() -> Path | None:
    """The plain code list shipped inside simple-icd-10-cm, found without importing
    the package (its import parses the 10 MB tabular XML, seconds of CPU)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location, "data").glob("code-list-*.txt"))
        if found:
            return found[-1]
    return None


@lru_cache(maxsize=1)
def icd10cm_codes() -> tuple[str, ...]:
    """Every ICD-10-CM category, subcategory and code, normalised (no dot).

    Read from the code list that simple-icd-10-cm ships (falling back to its API).
    Chapters and blocks (``A00-A09``) are left out: they are not codes (``B20`` is
    both a block and a category, so it stays).
    """
    path = _code_list_file()
    if path is not None:
        raw = path.read_text(encoding="utf-8").split()
    else:
        raw = list(_icd().get_all_codes(with_dots=False))
    # blocks look like "A00-A09", chapters like "1"
    return tuple(sorted({c for c in raw if "-" not in c and not c.isdigit()}))


def _below(code: str) -> set[str]:
    """A normalised code and every ICD-10-CM code under it.

    ICD-10-CM codes extend their parent's characters (F10 -> F10.2 -> F10.20), so
    the descendants of a code are the codes that start with it.
    """
    codes = icd10cm_codes()
    start = bisect.bisect_left(codes, code)
    # Every code starting with ``code`` sorts before code + the highest character.
    end = bisect.bisect_left(codes, code + "\U0010ffff", start)
    return {code, *codes[start:end]}


def _files(directory: Path | None) -> Iterable[tuple[str, str]]:
    if directory is not None:
        for path in sorted(Path(directory).glob("*.yaml")):
            yield str(path), path.read_text(encoding="utf-8")
        return
    root = resources.files("nowrongdoor.population").joinpath("data", "valuesets")
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            yield item.name, item.read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def load_value_sets(directory: Path | None = None) -> tuple[ValueSet, ...]:
    """Load the indicator value sets, one YAML file per indicator.

    Args:
        directory: A folder of value-set YAML files; ``None`` means the shipped ones.

    Returns:
        The value sets sorted by id.

    Raises:
        UserInputError: a file is not a valid value set.
    """
    sets: list[ValueSet] = []
    for name, text in _files(directory):
        try:
            sets.append(ValueSet.model_validate(yaml.safe_load(text)))
        except Exception as exc:  # pydantic or YAML error: one sentence naming the file
            first = str(exc).splitlines()[0]
            raise UserInputError(f"value set {name} is invalid: {first}") from None
    return tuple(sorted(sets, key=lambda v: v.id))
