"""The instrument registry: shipped instruments and any registered later (private).

An instrument is a FHIR R4B Questionnaire JSON file plus a scoring sidecar
(``<id>.scoring.yaml``) in ``screening/data/instruments/``. Observation checklists
have no JSON file: their items come from knowledge-base indicator entries, and
their Questionnaire is generated from those entries. Built-in instruments are
registered the same way an extension would register its own, through
:meth:`InstrumentRegistry.register`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from nowrongdoor.errors import UserInputError, first_error
from nowrongdoor.knowledge import Indicator, load_knowledge
from nowrongdoor.screening._fhir import validate_questionnaire
from nowrongdoor.screening._models import Instrument, Item, ScoringFile

__all__ = [
    "InstrumentDataError",
    "InstrumentRegistry",
    "default_registry",
    "load_instrument_files",
]


class InstrumentDataError(ValueError):
    """A shipped or registered instrument file is invalid (names file and field)."""


Loader = Callable[[], Instrument]


class InstrumentRegistry:
    """Instruments by id, built lazily on first use.

    Args:
        loaders: Optional initial ``{id: loader}`` mapping.
    """

    def __init__(self, loaders: dict[str, Loader] | None = None) -> None:
        self._loaders: dict[str, Loader] = dict(loaders or {})
        self._built: dict[str, Instrument] = {}

    def register(self, instrument_id: str, loader: Loader) -> None:
        """Register an instrument under ``instrument_id``.

        Args:
            instrument_id: The id users type (also the Questionnaire id).
            loader: Builds the :class:`Instrument` when first asked for.

        Raises:
            InstrumentDataError: the id is already registered.
        """
        if instrument_id in self._loaders:
            raise InstrumentDataError(
                f"instrument {instrument_id!r} is registered twice"
            )
        self._loaders[instrument_id] = loader

    def ids(self) -> list[str]:
        """Registered ids, in registration order."""
        return list(self._loaders)

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with ``instrument_id``.

        Raises:
            UserInputError: no instrument has that id (the message lists them).
        """
        if instrument_id not in self._loaders:
            raise UserInputError(
                f"unknown instrument {instrument_id!r}; instruments: "
                f"{', '.join(self._loaders)}"
            )
        if instrument_id not in self._built:
            instrument = self._loaders[instrument_id]()
            if instrument.id != instrument_id:
                raise InstrumentDataError(
                    f"instrument registered as {instrument_id!r} has id "
                    f"{instrument.id!r}"
                )
            self._built[instrument_id] = instrument
        return self._built[instrument_id]

    def __iter__(self) -> Iterator[Instrument]:
        return (self.get(i) for i in self._loaders)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InstrumentDataError(f"{path.name}: not valid YAML: {exc}") from exc


def _read_rules(path: Path) -> ScoringFile:
    raw = _read_yaml(path)
    try:
        return ScoringFile.model_validate(raw)
    except ValidationError as exc:
        where, message = first_error(exc)
        raise InstrumentDataError(f"{path.name}: field {where}: {message}") from exc


def _check_rules_match(rules: ScoringFile, items: tuple[Item, ...], label: str) -> None:
    link_ids = {item.linkId for item in items}
    named = (
        *rules.pathway.survive_thrive_items,
        *rules.pathway.survive_thrive_items_minor,
        *rules.reporting.items,
    )
    for link_id in named:
        if link_id not in link_ids:
            raise InstrumentDataError(
                f"{label}: pathway or reporting names item {link_id!r}, which the "
                "questionnaire "
                "does not have"
            )
    if rules.scoring.cutoff > len(items):
        raise InstrumentDataError(
            f"{label}: cut-off {rules.scoring.cutoff} is above the item count "
            f"{len(items)}"
        )


def _items_of(questionnaire: dict[str, Any]) -> tuple[Item, ...]:
    return tuple(
        Item(
            linkId=raw["linkId"],
            text=raw.get("text", raw["linkId"]),
            type=raw["type"],
            required=bool(raw.get("required", False)),
        )
        for raw in questionnaire.get("item", [])
    )


def load_instrument_files(json_path: Path, rules_path: Path) -> Instrument:
    """Build an instrument from a Questionnaire JSON file and its scoring sidecar.

    Args:
        json_path: FHIR R4B Questionnaire JSON.
        rules_path: The ``.scoring.yaml`` sidecar.

    Returns:
        The validated instrument.

    Raises:
        InstrumentDataError: either file is invalid; the message names it.
    """
    try:
        raw = json.loads(json_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InstrumentDataError(f"{json_path.name}: not valid JSON: {exc}") from exc
    try:
        questionnaire = validate_questionnaire(raw)
    except ValueError as exc:
        raise InstrumentDataError(f"{json_path.name}: {exc}") from exc
    rules = _read_rules(rules_path)
    if rules.kind != "screen":
        raise InstrumentDataError(
            f"{rules_path.name}: a JSON instrument must be a screen"
        )
    if questionnaire["id"] != rules.instrument:
        raise InstrumentDataError(
            f"{rules_path.name}: instrument {rules.instrument!r} does not match the "
            f"questionnaire id {questionnaire['id']!r}"
        )
    items = _items_of(questionnaire)
    _check_rules_match(rules, items, rules_path.name)
    return Instrument(
        id=rules.instrument,
        title=questionnaire.get("title") or rules.instrument,
        items=items,
        rules=rules,
        questionnaire=questionnaire,
    )


def _checklist(rules_path: Path) -> Instrument:
    """Build an observation checklist from knowledge-base indicator entries."""
    rules = _read_rules(rules_path)
    source = rules.items_from
    assert source is not None  # checked by ScoringFile
    kb = load_knowledge()
    try:
        entries = kb.section(source.kb_section)
    except KeyError as exc:
        raise InstrumentDataError(
            f"{rules_path.name}: the knowledge base has no section "
            f"{source.kb_section!r} to build the checklist from"
        ) from exc
    indicators = [
        e
        for e in entries
        if isinstance(e, Indicator) and e.population in source.populations
    ]
    if not indicators:
        raise InstrumentDataError(
            f"{rules_path.name}: no knowledge-base indicator has population "
            f"{' or '.join(source.populations)}"
        )
    items = tuple(
        Item(
            linkId=e.id.split(".", 1)[1],
            text=e.prompt or e.title,
            type="boolean",
            required=False,
            source=e.id,
        )
        for e in indicators
    )
    title = rules.title or rules.instrument
    raw = {
        "resourceType": "Questionnaire",
        "id": rules.instrument,
        "url": f"urn:nowrongdoor:questionnaire:{rules.instrument}",
        "version": "1.0.0",
        "name": "".join(p.capitalize() for p in rules.instrument.split("-")),
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "nowrongdoor contributors",
        "description": (
            "Observation checklist built from the nowrongdoor knowledge base's "
            "indicator entries. Not a validated instrument: any observed item means "
            "talk with a supervisor and offer resources."
        ),
        "copyright": rules.licence,
        "item": [
            {
                "linkId": item.linkId,
                "text": item.text,
                "type": "boolean",
                "required": False,
                "code": [
                    {
                        "system": "urn:nowrongdoor:knowledge",
                        "code": item.source,
                    }
                ],
            }
            for item in items
        ],
    }
    try:
        questionnaire = validate_questionnaire(raw)
    except ValueError as exc:
        raise InstrumentDataError(f"{rules_path.name}: {exc}") from exc
    _check_rules_match(rules, items, rules_path.name)
    return Instrument(
        id=rules.instrument,
        title=title,
        items=items,
        rules=rules,
        questionnaire=questionnaire,
    )


def _data_dir() -> Path:
    return Path(str(resources.files("nowrongdoor.screening") / "data" / "instruments"))


def _builtin_registry() -> InstrumentRegistry:
    registry = InstrumentRegistry()
    folder = _data_dir()
    for json_path in sorted(folder.glob("*.json")):
        rules_path = json_path.with_name(json_path.stem + ".scoring.yaml")
        if not rules_path.exists():
            raise InstrumentDataError(
                f"{json_path.name}: no {rules_path.name} next to it"
            )
        registry.register(
            json_path.stem,
            partial(load_instrument_files, json_path, rules_path),
        )
    for rules_path in sorted(folder.glob("*.scoring.yaml")):
        instrument_id = rules_path.name.removesuffix(".scoring.yaml")
        if (folder / f"{instrument_id}.json").exists():
            continue
        registry.register(instrument_id, partial(_checklist, rules_path))
    return registry


@lru_cache(maxsize=1)
def default_registry() -> InstrumentRegistry:
    """The registry of shipped instruments (cached)."""
    return _builtin_registry()
