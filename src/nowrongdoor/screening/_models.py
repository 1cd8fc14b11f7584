"""Typed models of instruments, scoring rules, results and safety (private)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Population = Literal["minor", "youth", "adult", "any"]
Pathway = Literal["prevent", "survive_thrive"]
Category = Literal["positive", "negative", "incomplete"]

#: FHIR ids allow letters, digits, '-' and '.', 1-64 characters.
INSTRUMENT_ID = r"^[A-Za-z0-9\-.]{1,64}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Frozen):
    """One question of an instrument, as in its FHIR Questionnaire.

    Attributes:
        linkId: The FHIR ``linkId`` (the key in an answers file).
        text: The question, as a topic in our own words.
        type: FHIR item type; every shipped item is ``boolean``.
        required: Whether an answers file must contain the item (a ``null``
            answer counts as "skipped" and is allowed).
        source: Where the item comes from (a knowledge-base id for checklists).
    """

    linkId: Annotated[str, Field(min_length=1)]
    text: str
    type: Literal["boolean"] = "boolean"
    required: bool = True
    source: str | None = None


class Verification(_Frozen):
    """How a published figure was checked."""

    figure: str
    status: str
    how: str


class Published(_Frozen):
    """Published accuracy of an instrument, with its citation."""

    citation: str
    derivation: str | None = None
    study_population: str
    n: int | None = None
    sensitivity: float | None = None
    specificity: float | None = None
    sensitivity_ci: tuple[float, float] | None = None
    specificity_ci: tuple[float, float] | None = None
    prevalence: float | None = None
    replications: tuple[str, ...] = ()
    verification: tuple[Verification, ...] = ()

    def predictive_values(
        self, prevalence: float | None = None
    ) -> tuple[float, float] | None:
        """Positive and negative predictive value (percent) by Bayes' rule.

        Derived from the published sensitivity and specificity at ``prevalence``
        (percent; the study's own prevalence by default). None when a figure is
        missing.
        """
        p = self.prevalence if prevalence is None else prevalence
        if p is None or self.sensitivity is None or self.specificity is None:
            return None
        prev, sens, spec = p / 100, self.sensitivity / 100, self.specificity / 100
        true_pos, false_pos = sens * prev, (1 - spec) * (1 - prev)
        true_neg, false_neg = spec * (1 - prev), (1 - sens) * prev
        return (
            round(100 * true_pos / (true_pos + false_pos), 1),
            round(100 * true_neg / (true_neg + false_neg), 1),
        )


class Interpretation(_Frozen):
    positive: str
    negative: str
    incomplete: str


class Scoring(_Frozen):
    """Which answers count and where the cut-off lies."""

    counts_answer: bool = True
    cutoff: Annotated[int, Field(ge=1)]
    interpretation: Interpretation


class PathwayRule(_Frozen):
    """Which program pathway a positive result points to.

    ``positive`` is the default; any fired item in ``survive_thrive_items`` (or,
    for a minor, in ``survive_thrive_items_minor``) is a disclosure and points to
    Survive/Thrive.
    """

    positive: Pathway
    survive_thrive_items: tuple[str, ...] = ()
    survive_thrive_items_minor: tuple[str, ...] = ()


class Reporting(_Frozen):
    """When a result about a minor requires a child-abuse report.

    ``positive``: any positive result (validated screens). ``items``: only when
    one of ``items`` fired (observation checklists, where most indicators are
    risks, not a suspicion of abuse).
    """

    report_when: Literal["positive", "items"] = "positive"
    items: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _items_when_needed(self) -> Reporting:
        if self.report_when == "items" and not self.items:
            raise ValueError("report_when: items needs at least one item")
        return self


class Actions(_Frozen):
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    incomplete: tuple[str, ...]


class ItemsFrom(_Frozen):
    """Build a checklist's items from knowledge-base indicator entries."""

    kb_section: str
    populations: tuple[Literal["minor", "adult", "any"], ...]


class ScoringFile(_Frozen):
    """One scoring sidecar (``<id>.scoring.yaml``)."""

    instrument: Annotated[str, Field(pattern=INSTRUMENT_ID)]
    kind: Literal["screen", "checklist"]
    validated: bool
    population: Population
    ages: tuple[int | None, int | None]
    setting: str
    title: str | None = None
    items_from: ItemsFrom | None = None
    scoring: Scoring
    pathway: PathwayRule
    reporting: Reporting = Reporting()
    actions: Actions
    published: Published
    licence: str

    @model_validator(mode="after")
    def _checklist_has_source(self) -> ScoringFile:
        if self.kind == "checklist" and self.items_from is None:
            raise ValueError("a checklist needs items_from")
        if self.kind == "checklist" and self.validated:
            raise ValueError("a checklist is never a validated instrument")
        return self


class InstrumentInfo(_Frozen):
    """A one-line summary of an instrument, for listings."""

    id: str
    title: str
    kind: Literal["screen", "checklist"]
    validated: bool
    population: Population
    ages: tuple[int | None, int | None]
    setting: str
    item_count: int
    cutoff: int
    sensitivity: float | None
    specificity: float | None
    citation: str


class Instrument(_Frozen):
    """A screening instrument: its FHIR Questionnaire plus scoring rules.

    Attributes:
        id: Instrument id (also the Questionnaire id).
        title: Human title.
        items: The questions, in order.
        rules: The scoring sidecar (cut-off, pathway, actions, publication).
        questionnaire: The FHIR R4B Questionnaire as a plain dict.
    """

    id: str
    title: str
    items: tuple[Item, ...]
    rules: ScoringFile
    questionnaire: dict[str, Any]

    @property
    def cutoff(self) -> int:
        """Number of counted answers at which the result is positive."""
        return self.rules.scoring.cutoff

    @property
    def validated(self) -> bool:
        """False for observation checklists."""
        return self.rules.validated

    @property
    def metadata(self) -> dict[str, Any]:
        """Population, setting, item count, cut-off, publication and licence."""
        return {
            "kind": self.rules.kind,
            "validated": self.rules.validated,
            "population": self.rules.population,
            "ages": list(self.rules.ages),
            "setting": self.rules.setting,
            "item_count": len(self.items),
            "cutoff": self.cutoff,
            "published": self.rules.published.model_dump(mode="json"),
            "derived_predictive_values": _derived(self.rules.published),
            "licence": self.rules.licence,
        }

    def item(self, link_id: str) -> Item:
        """The item with ``link_id``.

        Raises:
            KeyError: no such item.
        """
        for item in self.items:
            if item.linkId == link_id:
                return item
        raise KeyError(link_id)

    def info(self) -> InstrumentInfo:
        """The listing summary of this instrument."""
        return InstrumentInfo(
            id=self.id,
            title=self.title,
            kind=self.rules.kind,
            validated=self.rules.validated,
            population=self.rules.population,
            ages=self.rules.ages,
            setting=self.rules.setting,
            item_count=len(self.items),
            cutoff=self.cutoff,
            sensitivity=self.rules.published.sensitivity,
            specificity=self.rules.published.specificity,
            citation=self.rules.published.citation,
        )


def _derived(published: Published) -> dict[str, float | str] | None:
    values = published.predictive_values()
    if values is None:
        return None
    return {
        "prevalence": published.prevalence or 0.0,
        "ppv": values[0],
        "npv": values[1],
        "note": "derived here by Bayes' rule from the published figures",
    }


class ReportingContact(_Frozen):
    name: str
    phone: str
    hours: str | None = None
    anonymous: bool = False
    url: str | None = None


class StateReporting(_Frozen):
    """Mandatory child-abuse reporting for one state."""

    name: str
    who_must_report: str
    contacts: Annotated[tuple[ReportingContact, ...], Field(min_length=1)]
    source: Annotated[str, Field(pattern=r"^https?://")]
    checked: str


class Hotline(_Frozen):
    name: str
    phone: str | None = None
    sms: str | None = None
    url: str | None = None
    source: str


class Safety(_Frozen):
    """What to do for a person's safety now.

    Attributes:
        guidance: The knowledge base's safety guidance ("your job is not to
            rescue...").
        guidance_source: Id of the knowledge-base entry the guidance comes from.
        hotline: The national human-trafficking hotline.
        mandatory_report: True when a child-abuse report is required now.
        state: Two-letter state whose contacts are listed.
        state_name: The state's name, when known.
        reporting_contacts: Where to report (minors only).
        reporting_source: Where the contacts come from.
        note: One sentence on reporting.
    """

    guidance: str
    guidance_source: str
    hotline: Hotline
    mandatory_report: bool
    state: str
    state_name: str | None = None
    reporting_contacts: tuple[ReportingContact, ...] = ()
    reporting_source: str | None = None
    note: str
