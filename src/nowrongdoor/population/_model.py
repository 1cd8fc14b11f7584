"""The transparent points model, loaded from YAML."""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nowrongdoor.errors import UserInputError, first_error, read_user_text

__all__ = [
    "AGE_UNKNOWN",
    "AgeBand",
    "IndicatorWeight",
    "ScoringModel",
    "TIERS",
    "load_scoring_model",
]

#: Tiers from most to least urgent.
TIERS = ("identified", "high", "elevated", "none")
#: The band of an identified member with no valid birth date (no model band
#: can have this name: it holds spaces and brackets).
AGE_UNKNOWN = "(age unknown)"


class AgeBand(BaseModel):
    """An age band (inclusive years) and its points multiplier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    min_age: int = Field(ge=0)
    max_age: int = Field(ge=0)
    multiplier: float = Field(gt=0)


class IndicatorWeight(BaseModel):
    """How much one indicator counts, for how long, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: int = Field(gt=0)
    lookback_days: int = Field(gt=0)
    max_age: int | None = None
    evidence: tuple[str, ...]
    note: str


class Tiers(BaseModel):
    """Score thresholds for the high and elevated tiers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    high: int
    elevated: int


class ScoringModel(BaseModel):
    """Weights, look-back windows, age bands and tier thresholds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    name: str
    evidence: dict[str, str]
    age_bands: tuple[AgeBand, ...]
    tiers: Tiers
    pathways: dict[str, str]
    indicators: dict[str, IndicatorWeight]

    @model_validator(mode="after")
    def _check(self) -> ScoringModel:
        for ind, weight in self.indicators.items():
            missing = set(weight.evidence) - set(self.evidence)
            if missing:
                raise ValueError(f"indicator {ind} cites unknown evidence {missing}")
        if self.tiers.elevated > self.tiers.high:
            raise ValueError("the elevated threshold is above the high threshold")
        ages = sorted((b.min_age, b.max_age) for b in self.age_bands)
        for (_, hi), (lo, _) in zip(ages, ages[1:], strict=False):
            if lo != hi + 1:
                raise ValueError("age bands must be contiguous and not overlap")
        if any(b.name == AGE_UNKNOWN for b in self.age_bands):
            raise ValueError(f"the band name {AGE_UNKNOWN!r} is reserved")
        for tier in ("identified", "suspected", "high", "elevated"):
            if tier not in self.pathways:
                raise ValueError(f"no pathway for tier {tier}")
        return self

    def points(self, indicator: str, band: AgeBand) -> int:
        """Whole points an indicator gives a member in ``band``."""
        w = self.indicators[indicator]
        if w.max_age is not None and band.min_age > w.max_age:
            return 0
        return math.floor(w.weight * band.multiplier + 0.5)  # half up

    @property
    def age_unknown_band(self) -> AgeBand:
        """The band whose points a member of unknown age gets: the one with the
        lowest multiplier (the adult band in the shipped model), so an unknown
        age never adds the weight the model gives minors."""
        return min(self.age_bands, key=lambda b: (b.multiplier, -b.min_age))

    @property
    def minors_only(self) -> tuple[str, ...]:
        """Indicators that count only up to an age (``max_age``): they cannot
        apply to a member whose age is unknown."""
        return tuple(
            i for i, w in sorted(self.indicators.items()) if w.max_age is not None
        )

    def points_rows(self, as_of: date) -> list[dict[str, object]]:
        """One row per (indicator, age band): points and window start date.

        Indicators with ``max_age`` apply only to bands that lie within it. The
        band :data:`AGE_UNKNOWN` (an identified member with no valid birth date)
        takes :attr:`age_unknown_band`'s points, without the indicators that
        count only up to an age: whether the member is under it is not known.

        Args:
            as_of: The reference date; windows end on it.

        Returns:
            Rows with indicator, band, min_age, max_age, points, window_start.
        """
        rows: list[dict[str, object]] = []
        for ind, w in sorted(self.indicators.items()):
            for band in self.age_bands:
                top = (
                    band.max_age if w.max_age is None else min(band.max_age, w.max_age)
                )
                if top < band.min_age:
                    continue
                rows.append(
                    {
                        "indicator": ind,
                        "band": band.name,
                        "min_age": band.min_age,
                        "max_age": top,
                        "points": self.points(ind, band),
                        "window_start": as_of - timedelta(days=w.lookback_days),
                    }
                )
            if w.max_age is None:
                rows.append(
                    {
                        "indicator": ind,
                        "band": AGE_UNKNOWN,
                        "min_age": None,
                        "max_age": None,
                        "points": self.points(ind, self.age_unknown_band),
                        "window_start": as_of - timedelta(days=w.lookback_days),
                    }
                )
        return rows


@lru_cache(maxsize=4)
def load_scoring_model(path: Path | None = None) -> ScoringModel:
    """Load the points model.

    Args:
        path: A scoring YAML file; ``None`` means the shipped model.

    Returns:
        The validated model.

    Raises:
        UserInputError: the file is missing or invalid.
    """
    if path is None:
        name = "scoring.yaml"
        text = (
            resources.files("nowrongdoor.population")
            .joinpath("data", name)
            .read_text(encoding="utf-8")
        )
    else:
        name = str(path)
        text = read_user_text(Path(path), "scoring model")
    try:
        return ScoringModel.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        field, message = first_error(exc, "the whole file")
        raise UserInputError(
            f"scoring model {name} is invalid: {field}: {message}"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise UserInputError(
            f"scoring model {name} is invalid: {where}{exc.problem or exc.context}"
        ) from None
    except Exception as exc:
        first = str(exc).splitlines()[0]
        raise UserInputError(f"scoring model {name} is invalid: {first}") from None
