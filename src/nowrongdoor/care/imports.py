"""Import the batch pipelines' outputs into care.

- A population worklist (``worklist.csv`` with member_id, age, tier, score,
  pathway, reasons) becomes risk flags on persons, matched by member id (a blind
  index: member ids are encrypted). Members not yet known become new persons,
  each with a ``claims_flag`` intake to review. Reasons labelled
  ``42-cfr-part-2`` mark the flag as Part 2 (shown whole only under consent);
  its open view (the worklist's ``open_tier`` and ``open_score``, and the
  reasons that are not Part 2) is stored beside it for everyone else (42 CFR
  2.12, 2.32: the other diagnoses are not Part 2 records). A worklist without
  those columns (written before they existed) leaves the flag withheld whole. A
  ``population diff --out`` file imports the same way, new and moved members only
  (its ``change`` column; ``same`` and ``dropped`` rows are skipped, except a
  ``same`` row whose open tier moved, its ``open_change``), with the open view.

Ad-match leads are imported into the investigator workspace instead
(``care import-ads --match``, :mod:`nowrongdoor.care.investigate.importer`):
the care team gets an ``ad_match`` intake only once an investigator confirms a
lead.

It runs in one transaction: a bad row names its file, row and field, and
nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care.consent import PART2_REASON_LABELS
from nowrongdoor.care.crud import new_pseudonym
from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.enums import Door, IntakeStatus, Pathway, Sensitivity
from nowrongdoor.care.models import Intake, Person, RiskFlag, User, utcnow
from nowrongdoor.care.rbac import SUPERVISORS_POOL
from nowrongdoor.errors import UserInputError

__all__ = [
    "ImportCounts",
    "PoolRoute",
    "import_worklist",
    "parse_pool_routes",
    "pool_for",
    "read_csv_rows",
    "read_text_file",
    "resolve_worklist_path",
]

WORKLIST_REQUIRED = ("member_id", "tier", "score")
_PART2_LABELS = PART2_REASON_LABELS
#: The deck's pathways, plus "monitor" (a watch list: no case is opened).
_FLAG_PATHWAYS = frozenset({*Pathway, "monitor"})
#: The change column of a `population diff` file.
_DIFF_CHANGES = frozenset({"new", "up", "down", "dropped", "same"})


@dataclass
class ImportCounts:
    """What an import did.

    Attributes:
        rows: Data rows read.
        created: New records (flags or intakes).
        updated: Existing records refreshed.
        new_persons: Persons created for unknown member ids.
        skipped: Rows left out on purpose (below a threshold, duplicates).
    """

    rows: int = 0
    created: int = 0
    updated: int = 0
    new_persons: int = 0
    skipped: int = 0


def read_text_file(path: Path) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped).

    Raises:
        UserInputError: the file is not UTF-8 text.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"{path}: not UTF-8 text (byte {exc.start} cannot be decoded); "
            "save it as UTF-8"
        ) from None


def read_csv_rows(
    text: str, name: str, required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """Parse CSV text; returns (line number, row) pairs.

    Raises:
        UserInputError: a required column is missing.
    """
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise UserInputError(
                f"{name}: missing required column(s) {', '.join(missing)}"
            )
        rows: list[tuple[int, dict[str, str]]] = []
        for i, row in enumerate(reader, start=2):
            for key, value in row.items():
                if isinstance(value, str) and "\x00" in value:
                    raise UserInputError(
                        f"{name}, row {i}: {str(key).strip()} holds a NUL character"
                    )
            if None in row:  # more fields than the header names
                raise UserInputError(
                    f"{name}, row {i}: {len(header) + len(row[None])} fields, the "  # type: ignore[index]
                    f"header has {len(header)} (quote a value that holds a comma)"
                )
            rows.append(
                (
                    i,
                    {
                        k.strip(): (v if isinstance(v, str) else "").strip()
                        for k, v in row.items()
                    },
                )
            )
        return rows
    except csv.Error as exc:
        raise UserInputError(
            f"{name}, line {reader.line_num}: not readable as CSV ({exc})"
        ) from None


def resolve_worklist_path(path: Path) -> Path:
    """``path`` itself if a file, else ``path/worklist.csv``."""
    if path.is_dir():
        path = path / "worklist.csv"
    if not path.is_file():
        raise UserInputError(f"{path} does not exist (run `population score` first)")
    return path


def _number(value: str, where: str, field: str) -> float:
    try:
        out = float(value)
    except ValueError as exc:
        raise UserInputError(f"{where}: {field} {value!r} is not a number") from exc
    if not math.isfinite(out):
        raise UserInputError(f"{where}: {field} {value!r} is not a finite number")
    return out


def _reasons(raw: str) -> tuple[str | None, bool]:
    if not raw:
        return None, False
    try:
        parsed: Any = json.loads(raw)
    except json.JSONDecodeError:
        return raw, False
    labels: set[str] = set()
    if isinstance(parsed, list):
        for item in parsed:
            if isinstance(item, dict):
                labels.add(str(item.get("sensitivity", "")).lower())
    return raw, bool(labels & _PART2_LABELS)


def _open_view(
    row: dict[str, str], reasons: str | None, where: str
) -> tuple[str | None, float | None, str | None]:
    """A Part 2 row's open view: ``open_tier``, ``open_score`` and the reasons
    that are not Part 2 (as JSON); all ``None`` when the worklist has no open
    columns (an older run) or its reasons are not a JSON list, so the flag is
    withheld whole, as before."""
    tier, score = row.get("open_tier", ""), row.get("open_score", "")
    if not tier and not score:
        return None, None, None
    if not tier or len(tier) > 32:
        raise UserInputError(f"{where}: open_tier must be 1 to 32 characters")
    if not score:
        raise UserInputError(f"{where}: open_score is empty (open_tier is not)")
    parsed: Any = json.loads(reasons or "[]")  # _reasons parsed it already
    if not isinstance(parsed, list):
        return None, None, None
    kept = [
        r
        for r in parsed
        if not (
            isinstance(r, dict)
            and str(r.get("sensitivity", "")).lower() in _PART2_LABELS
        )
    ]
    text = json.dumps(kept, separators=(",", ":"))
    return tier, _number(score, where, "open_score"), text


def _flag_summary(
    source: str,
    *,
    tier: str,
    score: float,
    change: str,
    part2: bool,
    open_tier: str | None = None,
) -> str:
    """What the intake a flag opens says. Roles without Part 2 access read
    intakes too, so a flag with 42 CFR Part 2 reasons (substance-use records,
    42 CFR 2.12 and 2.32: no redisclosure without the patient's consent) keeps
    its tier and score on the flag, where they are withheld, not here; the
    intake says only its open tier (from the reasons that are not Part 2),
    when the worklist gave one."""
    if not part2:
        told = f"tier {tier}, score {score:g}"
    elif open_tier is not None:
        told = (
            f"tier {open_tier} from the reasons that are not 42 CFR Part 2 "
            "records; the rest are withheld where the person's consent does not "
            "cover your organisation"
        )
    else:
        told = (
            "risk flag withheld (42 CFR Part 2): it shows on the person's record "
            "where their consent covers your organisation"
        )
    return f"Population worklist {source}: {told}" + (f" ({change})" if change else "")


@dataclass(frozen=True)
class PoolRoute:
    """One routing rule: rows of a county, or an age range, go to a team's pool.

    Attributes:
        team: The team whose pool the row lands in.
        county: Matches the row's ``county`` (case-insensitive), or ``None``.
        ages: Inclusive age range the row's ``age`` must fall in, or ``None``.
    """

    team: str
    county: str | None = None
    ages: tuple[int, int] | None = None

    def matches(self, county: str | None, age: int | None) -> bool:
        """Whether a row with this county and age falls under the rule."""
        if self.county is not None:
            return county is not None and county.strip().lower() == self.county
        if self.ages is not None:
            return age is not None and self.ages[0] <= age <= self.ages[1]
        return False


def parse_pool_routes(rules: Sequence[str]) -> list[PoolRoute]:
    """Parse the ``pool_routes`` setting (``county=Lake:north``, ``age=0-17:youth``).

    Raises:
        UserInputError: a rule is malformed (the sentence quotes it).
    """
    out: list[PoolRoute] = []
    for rule in rules:
        key, _, rest = rule.partition("=")
        value, _, team = rest.rpartition(":")
        key, value, team = key.strip().lower(), value.strip(), team.strip()
        if not value or not team or len(team) > 100:
            raise UserInputError(
                f"pool_routes rule {rule!r} must read county=<name>:<team> or "
                "age=<low>-<high>:<team>"
            )
        if key == "county":
            out.append(PoolRoute(team=team, county=value.lower()))
            continue
        low, _, high = value.partition("-")
        if key != "age" or not low.isdigit() or not high.isdigit():
            raise UserInputError(
                f"pool_routes rule {rule!r} must read county=<name>:<team> or "
                "age=<low>-<high>:<team>"
            )
        if int(low) > int(high):  # it would match no one
            raise UserInputError(
                f"pool_routes rule {rule!r}: the ages run from low to high "
                f"(age={high}-{low}:{team})"
            )
        out.append(PoolRoute(team=team, ages=(int(low), int(high))))
    return out


def pool_for(
    routes: Sequence[PoolRoute], *, county: str | None, age: int | None
) -> str | None:
    """The team of the first rule the row matches (``None``: supervisors' pool)."""
    for route in routes:
        if route.matches(county, age):
            return route.team
    return None


def import_worklist(
    session: Session,
    *,
    cipher: Cipher,
    actor: User | None,
    organization_id: int,
    text: str,
    name: str,
    source: str,
    team: str | None = None,
    routes: Sequence[PoolRoute] = (),
) -> ImportCounts:
    """Turn worklist rows into risk flags (the caller commits).

    New persons (and their ``claims_flag`` intakes) have no owner: they wait in
    a team's pool, ``team`` if given, else the first of ``routes`` that the
    row's ``county`` or ``age`` matches, else the supervisors' pool.

    Args:
        session: Database session.
        cipher: For the member-id blind index.
        actor: Who imports (``None`` for the CLI's system import).
        organization_id: The plan whose members these are.
        text: The CSV text.
        name: File name for messages.
        source: Label of this worklist run; re-importing the same label updates
            the flags instead of adding new ones.
        team: The team pool every new row lands in (overrides ``routes``).
        routes: Routing rules by county or age (see :func:`parse_pool_routes`).

    Returns:
        Counts.
    """
    if not source or len(source) > 200:
        raise UserInputError("the worklist source label must be 1 to 200 characters")
    if team is not None and not 1 <= len(team.strip()) <= 100:
        raise UserInputError("the team name must be 1 to 100 characters")
    counts = ImportCounts()
    first_row: dict[str, int] = {}
    for line, row in read_csv_rows(text, name, WORKLIST_REQUIRED):
        where = f"{name}, row {line}"
        member = row.get("member_id", "")
        if not member:
            raise UserInputError(f"{where}: member_id is empty")
        if member in first_row:
            raise UserInputError(
                f"{where}: member_id repeats row {first_row[member]} (one row "
                "per member)"
            )
        first_row[member] = line
        tier = row.get("tier", "")
        if not tier or len(tier) > 32:
            raise UserInputError(f"{where}: tier must be 1 to 32 characters")
        score = _number(row.get("score", ""), where, "score")
        age = int(_number(row["age"], where, "age")) if row.get("age") else None
        if age is not None and not 0 <= age <= 130:
            raise UserInputError(f"{where}: age {age} is not between 0 and 130")
        pathway = row.get("pathway") or None
        if pathway is not None and pathway not in _FLAG_PATHWAYS:
            raise UserInputError(
                f"{where}: pathway {pathway!r} is not one of "
                + ", ".join(sorted(_FLAG_PATHWAYS))
            )
        reasons, part2 = _reasons(row.get("reasons", ""))
        label = row.get("sensitivity", "").lower()
        part2 = part2 or label in _PART2_LABELS
        open_tier, open_score, open_reasons = (
            _open_view(row, reasons, where)
            if part2 and label not in _PART2_LABELS
            else (None, None, None)
        )
        counts.rows += 1
        # `population diff --out` rows: only what changed needs a review.
        change = row.get("change", "")
        if change and change not in _DIFF_CHANGES:
            raise UserInputError(
                f"{where}: change {change!r} is not one of "
                + ", ".join(sorted(_DIFF_CHANGES))
            )
        # A "same" row whose open tier moved (`open_change`: its tier from the
        # reasons that are not 42 CFR Part 2) is imported: the stored open view
        # would be stale otherwise.
        open_change = row.get("open_change") or ""
        if open_change and open_change not in _DIFF_CHANGES:
            raise UserInputError(
                f"{where}: open_change {open_change!r} is not one of "
                + ", ".join(sorted(_DIFF_CHANGES))
            )
        if change == "dropped" or (change == "same" and open_change in ("", "same")):
            counts.skipped += 1
            continue
        bidx = cipher.blind_index(member)
        person = session.scalar(
            select(Person).where(
                Person.member_id_bidx == bidx, Person.organization_id == organization_id
            )
        )
        if person is None:
            county = row.get("county", "").strip() or None
            pool = (
                team.strip()
                if team
                else pool_for(routes, county=county, age=age) or SUPERVISORS_POOL
            )
            person = Person(
                pseudonym=new_pseudonym(),
                organization_id=organization_id,
                owner_id=None,
                pool_team=pool,
                member_id=member,
                member_id_bidx=bidx,
                contacts={"county": county} if county else None,
            )
            session.add(person)
            session.flush()
            counts.new_persons += 1
            session.add(
                Intake(
                    person_id=person.id,
                    organization_id=organization_id,
                    owner_id=None,
                    pool_team=pool,
                    door=Door.CLAIMS_FLAG,
                    status=IntakeStatus.NEW,
                    summary=_flag_summary(
                        source,
                        tier=tier,
                        score=score,
                        change=change,
                        part2=part2,
                        open_tier=open_tier,
                    ),
                    source_ref=f"worklist:{source}:{person.pseudonym}",
                    source_ref_bidx=cipher.exact_index(
                        f"worklist:{source}:{person.pseudonym}"
                    ),
                    created_by_id=actor.id if actor else None,
                )
            )
        flag = session.scalar(
            select(RiskFlag).where(
                RiskFlag.person_id == person.id, RiskFlag.source == source
            )
        )
        values = {
            "tier": tier,
            "score": score,
            "pathway": pathway,
            "age": age,
            "reasons": reasons,
            "sensitivity": Sensitivity.PART2 if part2 else Sensitivity.NORMAL,
            "open_tier": open_tier,
            "open_score": open_score,
            "open_reasons": open_reasons,
        }
        if flag is None:
            session.add(
                RiskFlag(
                    person_id=person.id,
                    organization_id=organization_id,
                    source=source,
                    **values,
                )
            )
            counts.created += 1
        else:
            for key, value in values.items():
                setattr(flag, key, value)
            flag.imported_at = utcnow()
            counts.updated += 1
    session.flush()
    return counts
