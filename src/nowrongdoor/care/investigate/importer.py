"""``care import-ads``: load the files the ``ads`` commands write.

Reads, never imports, the outputs of ``ads scan`` (scanned JSONL; records may
also carry the raw ad's ``text``, ``title``, ``posted_at``, ``city``, ``state``
and ``site``, or those come from ``--ads``, the raw JSONL joined by id),
``ads link`` (operations.csv, operations.json, edges.csv) and ``ads match``
(matches.json, or matches.csv) and ``--posters`` (the posters file given to
``ads match``). Rows are upserted on the stable keys those files carry (ad id,
``OP-…`` operation id, poster case id + ad id), so a lead's decision survives a
re-import; operations and leads missing from a newer output are kept with
``current = False``. Bad input stops the import with one sentence naming the
file, line and field, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from nowrongdoor._jsonl import json_lines
from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.models import (
    InvAd,
    InvContact,
    InvEdge,
    InvLead,
    InvOperation,
    utcnow,
)
from nowrongdoor.errors import UserInputError

__all__ = ["AdsImport", "ImportCounts", "import_ads"]

#: Raw-ad fields kept beside the scan (joined by id from ``--ads``).
RAW_FIELDS = ("text", "title", "posted_at", "city", "state", "site")
#: Scan fields kept (encrypted) as the ad's facts.
FACT_FIELDS = (
    "phones", "emails", "handles", "ages", "rates", "locations", "names",
    "descriptors", "indicators",
)  # fmt: skip
CONTACT_KINDS = (("phones", "phone"), ("emails", "email"), ("handles", "handle"))
_BATCH = 2000


@dataclass(frozen=True)
class AdsImport:
    """Where the files are.

    Attributes:
        scanned: Scanned ads (JSONL, ``ads scan`` output).
        link_dir: ``ads link --out`` folder, or ``None``.
        match_dir: ``ads match --out`` folder, or ``None``.
        raw_ads: Raw ads (JSONL) whose text, title and dates join by id.
        posters: Missing-person posters (JSONL or CSV) given to ``ads match``.
    """

    scanned: Path
    link_dir: Path | None = None
    match_dir: Path | None = None
    raw_ads: Path | None = None
    posters: Path | None = None


@dataclass
class ImportCounts:
    """What an import did."""

    ads: int = 0
    new_ads: int = 0
    operations: int = 0
    edges: int = 0
    leads: int = 0
    new_leads: int = 0
    decisions_kept: int = 0


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise UserInputError(f"{path} does not exist")
    for n, rec in json_lines(path):
        if not isinstance(rec, dict):  # a ValueError for a line that is not JSON
            raise UserInputError(f"{path}, line {n}: not a JSON object")
        if rec.get("id") in (None, "") and "case_id" not in rec:
            raise UserInputError(f"{path}, line {n}: field id is missing")
        yield n, rec


def _csv(path: Path, needed: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise UserInputError(f"{path} does not exist")
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in needed if c not in (reader.fieldnames or [])]
            if missing:
                raise UserInputError(f"{path}: column {missing[0]} is missing")
            yield from enumerate(reader, start=2)
    except UnicodeDecodeError:
        raise UserInputError(f"{path}: not UTF-8 text") from None


def _when(value: Any, where: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise UserInputError(f"{where}: {value!r} is not an ISO date") from None
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def _codes(indicators: Any) -> str:
    codes = sorted(
        {str(i.get("code")) for i in indicators or [] if isinstance(i, dict)}
    )
    return f"|{'|'.join(codes)}|" if codes else ""


def _raw_by_id(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    return {
        str(rec["id"]): {k: rec[k] for k in RAW_FIELDS if k in rec}
        for _, rec in _jsonl(path)
    }


def _ad_row(
    rec: dict[str, Any], raw: dict[str, Any], where: str, org_id: int
) -> dict[str, Any]:
    merged = {**raw, **{k: v for k, v in rec.items() if v is not None}}
    for name in ("phones", "emails", "handles", "indicators"):
        if not isinstance(merged.get(name, []), list):
            raise UserInputError(f"{where}: field {name} is not a list")
    try:
        score = float(merged.get("score") or 0.0)
    except (TypeError, ValueError):
        raise UserInputError(f"{where}: field score is not a number") from None
    return {
        "organization_id": org_id,
        "ad_key": str(merged["id"])[:200],
        "posted_at": _when(merged.get("posted_at"), f"{where}, field posted_at"),
        "city": (str(merged["city"])[:120] if merged.get("city") else None),
        "state": (str(merged["state"])[:8] if merged.get("state") else None),
        "site": (str(merged["site"])[:120] if merged.get("site") else None),
        "ad_kind": str(merged.get("ad_kind") or "")[:16] or None,
        "score": score,
        "indicator_codes": _codes(merged.get("indicators"))[:400],
        "title": merged.get("title") or None,
        "text": merged.get("text") or None,
        "facts": {k: merged.get(k) or [] for k in FACT_FIELDS},
        "imported_at": utcnow(),
    }


def _load_ads(
    session: Session, cipher: Cipher, org_id: int, job: AdsImport, counts: ImportCounts
) -> dict[str, int]:
    """Upsert every scanned ad and its contact blind indexes; ad key -> row id."""
    raw = _raw_by_id(job.raw_ads)
    known = dict(
        session.execute(
            select(InvAd.ad_key, InvAd.id).where(InvAd.organization_id == org_id)
        )
        .tuples()
        .all()
    )
    new_rows: list[dict[str, Any]] = []
    old_rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, rec in _jsonl(job.scanned):
        where = f"{job.scanned}, line {n}"
        row = _ad_row(rec, raw.get(str(rec["id"]), {}), where, org_id)
        if row["ad_key"] in seen:
            raise UserInputError(f"{where}: id {row['ad_key']} is repeated")
        seen.add(row["ad_key"])
        if row["ad_key"] in known:
            old_rows.append({"id": known[row["ad_key"]], **row})
        else:
            new_rows.append(row)
    if not seen:
        raise UserInputError(f"{job.scanned} holds no ad")
    for i in range(0, len(new_rows), _BATCH):
        session.execute(insert(InvAd), new_rows[i : i + _BATCH])
    for i in range(0, len(old_rows), _BATCH):
        session.execute(update(InvAd), old_rows[i : i + _BATCH])
    ids = dict(
        session.execute(
            select(InvAd.ad_key, InvAd.id).where(InvAd.organization_id == org_id)
        )
        .tuples()
        .all()
    )
    if old_rows:
        stale = [r["id"] for r in old_rows]
        for i in range(0, len(stale), _BATCH):
            session.execute(
                delete(InvContact).where(InvContact.ad_id.in_(stale[i : i + _BATCH]))
            )
    contacts: list[dict[str, Any]] = []
    for row in (*new_rows, *old_rows):
        facts = row["facts"]
        for field, kind in CONTACT_KINDS:
            for value in facts.get(field) or []:
                index = cipher.blind_index(str(value))
                if index:
                    contacts.append(
                        {"ad_id": ids[row["ad_key"]], "kind": kind, "value_bidx": index}
                    )
    for i in range(0, len(contacts), _BATCH):
        session.execute(insert(InvContact), contacts[i : i + _BATCH])
    counts.ads, counts.new_ads = len(seen), len(new_rows)
    return ids


def _op_row(
    profile: dict[str, Any], where: str, org_id: int, dates: list[dt.datetime]
) -> dict[str, Any]:
    key = profile.get("operation")
    if not isinstance(key, str) or not key:
        raise UserInputError(f"{where}: field operation is missing")
    contacts = {
        k: list(profile.get(k) or [])
        for k in ("phones", "emails", "handles", "names", "controller_signals")
    }
    cities = [str(c) for c in profile.get("cities") or []]
    ages = [a for a in profile.get("claimed_ages") or [] if isinstance(a, int)]
    revenue = (profile.get("revenue") or {}).get("estimated_total")
    mix = {str(k): int(v) for k, v in (profile.get("indicator_mix") or {}).items()}
    first = _when(profile.get("first_seen"), f"{where}, field first_seen")
    last = _when(profile.get("last_seen"), f"{where}, field last_seen")
    return {
        "organization_id": org_id,
        "op_key": key[:64],
        "size": int(profile.get("ads") or len(profile.get("ad_ids") or [])),
        "contacts": contacts,
        "contact_count": sum(len(contacts[k]) for k in ("phones", "emails", "handles")),
        "cities": (f"|{'|'.join(cities)}|" if cities else "")[:4000],
        "city_count": len(cities),
        "route": list(profile.get("route") or []),
        "indicator_codes": (f"|{'|'.join(sorted(mix))}|" if mix else "")[:400],
        "indicator_mix": mix,
        "min_claimed_age": min(ages) if ages else None,
        "estimated_revenue": float(revenue) if revenue is not None else None,
        "first_seen": first or (min(dates) if dates else None),
        "last_seen": last or (max(dates) if dates else None),
        "current": True,
        "imported_at": utcnow(),
    }


def _load_operations(
    session: Session,
    org_id: int,
    link_dir: Path,
    ad_ids: dict[str, int],
    counts: ImportCounts,
) -> dict[str, int]:
    """Upsert operations, set each ad's operation, replace the link evidence."""
    ops_json = link_dir / "operations.json"
    if not ops_json.is_file():
        raise UserInputError(f"{ops_json} does not exist (run `ads link` first)")
    try:
        doc = json.loads(ops_json.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserInputError(f"{ops_json}: not a JSON document") from None
    profiles = doc.get("operations") if isinstance(doc, dict) else None
    if not isinstance(profiles, list):
        raise UserInputError(f"{ops_json}: field operations is missing")
    posted = dict(
        session.execute(
            select(InvAd.ad_key, InvAd.posted_at).where(InvAd.organization_id == org_id)
        )
        .tuples()
        .all()
    )
    known = dict(
        session.execute(
            select(InvOperation.op_key, InvOperation.id).where(
                InvOperation.organization_id == org_id
            )
        )
        .tuples()
        .all()
    )
    session.execute(
        update(InvOperation)
        .where(InvOperation.organization_id == org_id)
        .values(current=False)
    )
    members: dict[str, list[str]] = {}
    new_rows: list[dict[str, Any]] = []
    old_rows: list[dict[str, Any]] = []
    for i, profile in enumerate(profiles):
        where = f"{ops_json}, operation {i + 1}"
        if not isinstance(profile, dict):
            raise UserInputError(f"{where}: not a JSON object")
        ads = [str(a) for a in profile.get("ad_ids") or []]
        dates = [d for a in ads if (d := posted.get(a)) is not None]
        row = _op_row(profile, where, org_id, dates)
        if row["op_key"] in members:
            raise UserInputError(f"{where}: operation {row['op_key']} is repeated")
        members[row["op_key"]] = ads
        if row["op_key"] in known:
            old_rows.append({"id": known[row["op_key"]], **row})
        else:
            new_rows.append(row)
    for i in range(0, len(new_rows), _BATCH):
        session.execute(insert(InvOperation), new_rows[i : i + _BATCH])
    for i in range(0, len(old_rows), _BATCH):
        session.execute(update(InvOperation), old_rows[i : i + _BATCH])
    op_ids = dict(
        session.execute(
            select(InvOperation.op_key, InvOperation.id).where(
                InvOperation.organization_id == org_id
            )
        )
        .tuples()
        .all()
    )
    session.execute(
        update(InvAd).where(InvAd.organization_id == org_id).values(operation_id=None)
    )
    links = [
        {"id": ad_ids[a], "operation_id": op_ids[key]}
        for key, ads in members.items()
        for a in ads
        if a in ad_ids
    ]
    for i in range(0, len(links), _BATCH):
        session.execute(update(InvAd), links[i : i + _BATCH])
    session.execute(
        delete(InvEdge).where(
            InvEdge.operation_id.in_(
                select(InvOperation.id).where(InvOperation.organization_id == org_id)
            )
        )
    )
    edges = _edges(link_dir / "edges.csv", op_ids)
    for i in range(0, len(edges), _BATCH):
        session.execute(insert(InvEdge), edges[i : i + _BATCH])
    counts.operations, counts.edges = len(members), len(edges)
    return op_ids


def _edges(path: Path, op_ids: dict[str, int]) -> list[dict[str, Any]]:
    fixed = ("source", "target", "kind", "evidence", "weight", "operation")
    rows: list[dict[str, Any]] = []
    for n, row in _csv(path, fixed + ("match_weight",)):
        op_id = op_ids.get(row["operation"])
        if op_id is None:
            continue
        where = f"{path}, line {n}"
        try:
            weight = float(row["weight"] or 0.0)
            match_weight = float(row["match_weight"]) if row["match_weight"] else None
        except ValueError:
            raise UserInputError(f"{where}: field weight is not a number") from None
        levels = {
            k: v
            for k, v in row.items()
            if k not in fixed and k != "match_weight" and v and v != "null"
        }
        rows.append(
            {
                "operation_id": op_id,
                "source_key": row["source"][:200],
                "target_key": row["target"][:200],
                "kind": row["kind"][:32],
                "evidence": row["evidence"],
                "weight": weight,
                "levels": levels,
                "match_weight": match_weight,
            }
        )
    return rows


def _posters(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    if path.suffix.lower() == ".csv":
        return {row["case_id"]: dict(row) for _, row in _csv(path, ("case_id",))}
    found: dict[str, dict[str, Any]] = {}
    for n, rec in _jsonl(path):
        if not rec.get("case_id"):
            raise UserInputError(f"{path}, line {n}: field case_id is missing")
        found[str(rec["case_id"])] = rec
    return found


def _matches(match_dir: Path) -> list[dict[str, Any]]:
    path = match_dir / "matches.json"
    if not path.is_file():
        raise UserInputError(f"{path} does not exist (run `ads match` first)")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserInputError(f"{path}: not a JSON document") from None
    matches = doc.get("matches") if isinstance(doc, dict) else None
    if not isinstance(matches, list):
        raise UserInputError(f"{path}: field matches is missing")
    for i, m in enumerate(matches):
        if not isinstance(m, dict) or not m.get("case_id") or not m.get("ad_id"):
            raise UserInputError(
                f"{path}, match {i + 1}: field case_id or ad_id is missing"
            )
    return matches


def _load_leads(
    session: Session, org_id: int, job: AdsImport, counts: ImportCounts
) -> None:
    """Upsert leads on (case id, ad id); keep their decisions."""
    assert job.match_dir is not None
    posters = _posters(job.posters)
    known = {
        (case, ad): (lead_id, status)
        for case, ad, lead_id, status in session.execute(
            select(InvLead.case_key, InvLead.ad_key, InvLead.id, InvLead.status).where(
                InvLead.organization_id == org_id
            )
        )
        .tuples()
        .all()
    }
    session.execute(
        update(InvLead).where(InvLead.organization_id == org_id).values(current=False)
    )
    new_rows, old_rows = [], []
    for m in _matches(job.match_dir):
        case, ad = str(m["case_id"])[:64], str(m["ad_id"])[:200]
        row = {
            "organization_id": org_id,
            "case_key": case,
            "ad_key": ad,
            "op_key": (str(m.get("operation") or "")[:64] or None),
            "rank": int(m.get("rank") or 0),
            "score": float(m.get("score") or 0.0),
            "probability": m.get("probability"),
            "evidence": m.get("evidence") or {},
            "fields_used": list(m.get("fields_used") or []),
            "fields_missing": list(m.get("fields_missing") or []),
            "poster": posters.get(case),
            "current": True,
            "imported_at": utcnow(),
        }
        if (case, ad) in known:
            lead_id, status = known[(case, ad)]
            counts.decisions_kept += status != "new"
            old_rows.append({"id": lead_id, **row})
        else:
            new_rows.append(row)
    if new_rows:
        session.execute(insert(InvLead), new_rows)
    if old_rows:
        session.execute(update(InvLead), old_rows)
    counts.leads, counts.new_leads = len(new_rows) + len(old_rows), len(new_rows)


def import_ads(
    session: Session, *, cipher: Cipher, organization_id: int, job: AdsImport
) -> ImportCounts:
    """Load scanned ads, operations, link evidence and leads into the workspace.

    The caller commits (with its audit event); nothing is flushed on bad input
    the caller does not roll back.

    Args:
        session: Database session (the caller commits).
        cipher: The engine's cipher (blind indexes of contacts).
        organization_id: The organisation that owns the imported records.
        job: The files.

    Returns:
        Counts of what was loaded.

    Raises:
        UserInputError: A file is missing or malformed (file, line, field).
    """
    counts = ImportCounts()
    ad_ids = _load_ads(session, cipher, organization_id, job, counts)
    if job.link_dir is not None:
        _load_operations(session, organization_id, job.link_dir, ad_ids, counts)
    if job.match_dir is not None:
        _load_leads(session, organization_id, job, counts)
    return counts
