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
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.orm import Session

from nowrongdoor._jsonl import json_lines
from nowrongdoor.care._lengths import fitted
from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.investigate import _fields as fields
from nowrongdoor.care.investigate.images import (
    ImageReader,
    ImageStore,
    minor_ads,
    poster_is_minor,
    save_images,
)
from nowrongdoor.care.models import (
    InvAd,
    InvContact,
    InvEdge,
    InvLead,
    InvOperation,
    utcnow,
)
from nowrongdoor.errors import UserInputError

__all__ = ["AdsImport", "ImportCounts", "import_ads", "refresh_statistics"]

#: Raw-ad fields kept beside the scan (joined by id from ``--ads``).
RAW_FIELDS = ("text", "title", "posted_at", "city", "state", "site", "images")
#: Scan fields kept (encrypted) as the ad's facts.
FACT_FIELDS = (
    "phones", "emails", "handles", "ages", "rates", "locations", "names",
    "descriptors", "indicators",
)  # fmt: skip
CONTACT_KINDS = (("phones", "phone"), ("emails", "email"), ("handles", "handle"))
#: An ad's text fields kept in columns of their own (whole, or the file refused).
_AD_TEXT = (
    ("city", InvAd.city), ("state", InvAd.state), ("site", InvAd.site),
    ("ad_kind", InvAd.ad_kind),
)  # fmt: skip
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
        images_root: Where the ads' relative picture paths resolve (default:
            the folder of ``raw_ads``, else of ``scanned``); a poster's photo
            resolves against the posters file's folder.
    """

    scanned: Path
    link_dir: Path | None = None
    match_dir: Path | None = None
    raw_ads: Path | None = None
    posters: Path | None = None
    images_root: Path | None = None


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
    images: int = 0
    images_kept: int = 0
    images_removed: int = 0
    images_unreadable: int = 0
    texts_past_retention: int = 0


@dataclass
class _Scan:
    """One import's ads and what every step of it shares.

    Attributes:
        session: Database session (the caller commits).
        org_id: The organisation that owns the imported records.
        rows: The scanned ads as rows (steps fill in what they find).
        known: Ad id -> row id of the ads already in the workspace.
        counts: What the import did so far.
    """

    session: Session
    org_id: int
    rows: list[dict[str, Any]]
    known: dict[str, int]
    counts: ImportCounts


def _batched(session: Session, stmt: Any, rows: list[dict[str, Any]]) -> None:
    """Run an executemany ``stmt`` (insert or update) over ``rows`` in batches."""
    for i in range(0, len(rows), _BATCH):
        session.execute(stmt, rows[i : i + _BATCH])


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while hundreds of thousands of row dicts
    are built (they hold no cycles; the collector's passes over them cost
    about a tenth of the import)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if path.is_dir():
        raise UserInputError(f"{path} is a folder, not a JSONL file")
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
    for name in FACT_FIELDS:
        if not isinstance(merged.get(name, []), list):
            raise UserInputError(f"{where}: field {name} is not a list")
    score = fields.number(merged.get("score"), where, "score")
    return {
        "organization_id": org_id,
        "ad_key": fitted(str(merged["id"]), InvAd.ad_key, f"{where}: field id"),
        **{  # stored whole or refused, never cut to the column
            name: fitted(str(merged[name]), column, f"{where}: field {name}")
            if merged.get(name)
            else None
            for name, column in _AD_TEXT
        },
        "posted_at": fields.when(merged.get("posted_at"), f"{where}, field posted_at"),
        "score": score,
        "indicator_codes": fields.codes(merged.get("indicators")),
        "title": fields.text(merged, "title", where),
        "text": fields.text(merged, "text", where),
        "facts": {
            **{k: merged.get(k) or [] for k in FACT_FIELDS},
            **({"images": merged["images"]} if merged.get("images") else {}),
        },
        "imported_at": utcnow(),
    }


def _parse_ads(job: AdsImport, org_id: int) -> list[dict[str, Any]]:
    """Every scanned ad as a row (nothing written yet); refuses repeated ids."""
    raw = _raw_by_id(job.raw_ads)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, rec in _jsonl(job.scanned):
        where = f"{job.scanned}, line {n}"
        row = _ad_row(rec, raw.get(str(rec["id"]), {}), where, org_id)
        if row["ad_key"] in seen:
            raise UserInputError(f"{where}: id {row['ad_key']} is repeated")
        seen.add(row["ad_key"])
        rows.append(row)
    if not rows:
        raise UserInputError(f"{job.scanned} holds no ad")
    return rows


def _pairs(session: Session, key: Any, value: Any, *where: Any) -> dict[Any, Any]:
    """``{key: value}`` over the rows that match every condition of ``where``."""
    return dict(session.execute(select(key, value).where(*where)).tuples().all())


def _known_ads(session: Session, org_id: int) -> dict[str, int]:
    return _pairs(session, InvAd.ad_key, InvAd.id, InvAd.organization_id == org_id)


def _write_ads(scan: _Scan, cipher: Cipher) -> dict[str, int]:
    """Insert new ads, update known ones, rebuild their contacts; key -> row id.

    A known ad keeps its first ``imported_at`` (the retention clock of an
    undated ad's text). Each distinct contact's blind index is computed once.
    """
    session, rows, known = scan.session, scan.rows, scan.known
    new_rows: list[dict[str, Any]] = []
    old_rows: list[dict[str, Any]] = []
    for row in rows:
        if row["ad_key"] in known:
            old = {k: v for k, v in row.items() if k != "imported_at"}
            old_rows.append({"id": known[row["ad_key"]], **old})
        else:
            new_rows.append(row)
    _batched(session, insert(InvAd), new_rows)
    _batched(session, update(InvAd), old_rows)
    ids = _known_ads(session, scan.org_id) if new_rows else known
    if old_rows:
        stale = [r["id"] for r in old_rows]
        for i in range(0, len(stale), _BATCH):
            session.execute(
                delete(InvContact).where(InvContact.ad_id.in_(stale[i : i + _BATCH]))
            )
    index: dict[str, str | None] = {}
    contacts: list[dict[str, Any]] = []
    for row in rows:
        facts = row["facts"]
        ad_id = ids[row["ad_key"]]
        for field, kind in CONTACT_KINDS:
            for value in facts.get(field) or []:
                value = str(value)
                if value not in index:
                    index[value] = cipher.blind_index(value)
                if index[value]:
                    contacts.append(
                        {"ad_id": ad_id, "kind": kind, "value_bidx": index[value]}
                    )
    _batched(session, insert(InvContact), contacts)
    scan.counts.ads, scan.counts.new_ads = len(rows), len(new_rows)
    return ids


def _op_row(
    profile: dict[str, Any], where: str, org_id: int, dates: list[dt.datetime]
) -> dict[str, Any]:
    key = profile.get("operation")
    if not isinstance(key, str) or not key:
        raise UserInputError(f"{where}: field operation is missing")
    contacts = {
        k: fields.listed(profile, k, where)
        for k in ("phones", "emails", "handles", "names", "controller_signals")
    }
    cities = [str(c) for c in fields.listed(profile, "cities", where)]
    ages = [
        a for a in fields.listed(profile, "claimed_ages", where) if isinstance(a, int)
    ]
    revenue = fields.table(profile, "revenue", where).get("estimated_total")
    mix = {
        str(k): fields.count(v, where, f"indicator_mix.{k}")
        for k, v in fields.table(profile, "indicator_mix", where).items()
    }
    first = fields.when(profile.get("first_seen"), f"{where}, field first_seen")
    last = fields.when(profile.get("last_seen"), f"{where}, field last_seen")
    return {
        "organization_id": org_id,
        "op_key": fitted(key, InvOperation.op_key, f"{where}: field operation"),
        "size": fields.count(profile.get("ads"), where, "ads")
        or len(fields.listed(profile, "ad_ids", where)),
        "contacts": contacts,
        "contact_count": sum(len(contacts[k]) for k in ("phones", "emails", "handles")),
        "cities": f"|{'|'.join(cities)}|" if cities else "",
        "city_count": len(cities),
        "route": fields.listed(profile, "route", where),
        "indicator_codes": f"|{'|'.join(sorted(mix))}|" if mix else "",
        "indicator_mix": mix,
        "min_claimed_age": min(ages) if ages else None,
        "estimated_revenue": (
            fields.number(revenue, where, "revenue.estimated_total")
            if revenue is not None
            else None
        ),
        "first_seen": first or (min(dates) if dates else None),
        "last_seen": last or (max(dates) if dates else None),
        "current": True,
        "imported_at": utcnow(),
    }


def _load_operations(scan: _Scan, link_dir: Path) -> None:
    """Upsert operations, give each ad row its operation, replace the link evidence.

    The ads of this import get their operation in the row they are written
    with (no second pass over every ad); a known ad absent from this scan keeps
    its membership only if the new link output still lists it.
    """
    session, org_id, rows, known = scan.session, scan.org_id, scan.rows, scan.known
    ops_json = link_dir / "operations.json"
    profiles = _json_list(ops_json, "operations", "ads link")
    posted = {r["ad_key"]: r["posted_at"] for r in rows}
    if len(known) > len(posted) or any(k not in posted for k in known):
        posted = {
            **_pairs(
                session, InvAd.ad_key, InvAd.posted_at, InvAd.organization_id == org_id
            ),
            **posted,
        }
    in_org = InvOperation.organization_id == org_id
    old_ops = _pairs(session, InvOperation.op_key, InvOperation.id, in_org)
    if old_ops:
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
        ads = [str(a) for a in fields.listed(profile, "ad_ids", where)]
        dates = [d for a in ads if (d := posted.get(a)) is not None]
        row = _op_row(profile, where, org_id, dates)
        if row["op_key"] in members:
            raise UserInputError(f"{where}: operation {row['op_key']} is repeated")
        members[row["op_key"]] = ads
        if row["op_key"] in old_ops:
            old_rows.append({"id": old_ops[row["op_key"]], **row})
        else:
            new_rows.append(row)
    _batched(session, insert(InvOperation), new_rows)
    _batched(session, update(InvOperation), old_rows)
    op_ids = (
        _pairs(session, InvOperation.op_key, InvOperation.id, in_org)
        if new_rows
        else old_ops
    )
    op_of = {a: op_ids[key] for key, ads in members.items() for a in ads}
    if known:
        session.execute(
            update(InvAd)
            .where(InvAd.organization_id == org_id)
            .values(operation_id=None)
        )
        in_rows = {r["ad_key"] for r in rows}
        links = [
            {"id": known[a], "operation_id": op}
            for a, op in op_of.items()
            if a in known and a not in in_rows
        ]
        _batched(session, update(InvAd), links)
    for row in rows:
        row["operation_id"] = op_of.get(row["ad_key"])
    if old_ops:
        session.execute(
            delete(InvEdge).where(
                InvEdge.operation_id.in_(
                    select(InvOperation.id).where(
                        InvOperation.organization_id == org_id
                    )
                )
            )
        )
    edges = _edges(link_dir / "edges.csv", op_ids)
    _batched(session, insert(InvEdge), edges)
    scan.counts.operations, scan.counts.edges = len(members), len(edges)


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
                **{
                    key: fitted(row[name], column, f"{where}: field {name}")
                    for key, name, column in (
                        ("source_key", "source", InvEdge.source_key),
                        ("target_key", "target", InvEdge.target_key),
                        ("kind", "kind", InvEdge.kind),
                    )
                },
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


def _json_list(path: Path, field: str, command: str) -> list[Any]:
    """The list ``field`` of the JSON document ``path`` that ``command`` wrote."""
    if not path.is_file():
        raise UserInputError(f"{path} does not exist (run `{command}` first)")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserInputError(f"{path}: not a JSON document") from None
    found = doc.get(field) if isinstance(doc, dict) else None
    if not isinstance(found, list):
        raise UserInputError(f"{path}: field {field} is missing")
    return found


def _matches(match_dir: Path) -> list[dict[str, Any]]:
    path = match_dir / "matches.json"
    matches = _json_list(path, "matches", "ads match")
    for i, m in enumerate(matches):
        if not isinstance(m, dict) or not m.get("case_id") or not m.get("ad_id"):
            raise UserInputError(
                f"{path}, match {i + 1}: field case_id or ad_id is missing"
            )
    return matches


def _load_leads(
    session: Session,
    org_id: int,
    job: AdsImport,
    counts: ImportCounts,
    reader: ImageReader,
) -> None:
    """Upsert leads on (case id, ad id); keep their decisions.

    A poster's photo is kept in the lead as its SHA-256 (``photo_sha256``).
    """
    assert job.match_dir is not None
    posters = _posters(job.posters)
    matches = _matches(job.match_dir)
    if job.posters is not None:
        # only a matched poster's photo is read (and then kept by its hashes)
        for case in dict.fromkeys(str(m["case_id"]) for m in matches):
            poster = posters.get(case)
            sha = reader.read((poster or {}).get("photo"), job.posters.parent)
            if poster is not None and sha is not None:
                poster["photo_sha256"] = sha
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
    where = f"{job.match_dir / 'matches.json'}, match"
    for i, m in enumerate(matches, start=1):
        at = f"{where} {i}"
        case = fitted(str(m["case_id"]), InvLead.case_key, f"{at}: field case_id")
        ad = fitted(str(m["ad_id"]), InvLead.ad_key, f"{at}: field ad_id")
        operation = str(m.get("operation") or "")
        probability = m.get("probability")
        row = {
            "organization_id": org_id,
            "case_key": case,
            "ad_key": ad,
            "op_key": fitted(operation, InvLead.op_key, f"{at}: field operation")
            or None,
            "rank": fields.count(m.get("rank"), at, "rank"),
            "score": fields.number(m.get("score"), at, "score"),
            "probability": (
                None
                if probability is None
                else fields.number(probability, at, "probability")
            ),
            "evidence": m.get("evidence") or {},
            "fields_used": fields.listed(m, "fields_used", at),
            "fields_missing": fields.listed(m, "fields_missing", at),
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


def _read_ad_images(
    job: AdsImport, rows: list[dict[str, Any]], reader: ImageReader
) -> None:
    """Replace each ad's picture paths by the pictures' SHA-256."""
    root = job.images_root or (job.raw_ads or job.scanned).parent
    for row in rows:
        refs = row["facts"].get("images")
        if not refs:
            continue
        if not isinstance(refs, list):
            refs = [refs]
        found = [reader.read(ref, root) for ref in refs]
        row["facts"]["images"] = list(dict.fromkeys(s for s in found if s))


def _past_retention(scan: _Scan, days: int, now: dt.datetime) -> int:
    """Drop the text and title of the ads already past their retention.

    The clock is the posting date, else the ad's first import (a known ad's
    ``imported_at``; a new undated ad starts now).
    """
    cutoff = now - dt.timedelta(days=days)
    first: dict[str, dt.datetime] = {}
    rows = scan.rows
    if any(r["posted_at"] is None and r["ad_key"] in scan.known for r in rows):
        first = _pairs(
            scan.session,
            InvAd.ad_key,
            InvAd.imported_at,
            InvAd.organization_id == scan.org_id,
            InvAd.posted_at.is_(None),
        )
    past = 0
    for row in rows:
        clock = row["posted_at"] or first.get(row["ad_key"])
        if clock is not None and clock < cutoff:
            row["text"] = row["title"] = None
            row["text_purged_at"] = now
            past += 1
        else:
            row["text_purged_at"] = None
    return past


def _minor_pictures(
    session: Session, org_id: int, rows: list[dict[str, Any]]
) -> set[str]:
    """SHA-256 of every picture that is a matched minor's (after the leads)."""
    ad_keys = minor_ads(session, org_id, rows)
    shas = {
        str(poster["photo_sha256"])
        for (poster,) in session.execute(
            select(InvLead.poster).where(InvLead.organization_id == org_id)
        ).tuples()
        if poster and poster.get("photo_sha256") and poster_is_minor(poster)
    }
    if ad_keys:
        keys = sorted(ad_keys)
        for i in range(0, len(keys), _BATCH):
            for (facts,) in session.execute(
                select(InvAd.facts).where(
                    InvAd.organization_id == org_id,
                    InvAd.ad_key.in_(keys[i : i + _BATCH]),
                )
            ).tuples():
                shas.update((facts or {}).get("images") or [])
    return shas


def import_ads(
    session: Session,
    *,
    cipher: Cipher,
    organization_id: int,
    job: AdsImport,
    images: ImageStore | None = None,
    keep_images: bool = False,
    text_days: int | None = None,
    now: dt.datetime | None = None,
) -> ImportCounts:
    """Load scanned ads, operations, link evidence and leads into the workspace.

    The caller commits (with its audit event); nothing is flushed on bad input
    the caller does not roll back.

    Args:
        session: Database session (the caller commits).
        cipher: The engine's cipher (blind indexes of contacts).
        organization_id: The organisation that owns the imported records.
        job: The files.
        images: The picture folder (``Settings.resolved_image_dir``); ``None``:
            pictures are hashed, never kept, and none is removed.
        keep_images: The ``investigate_store_images`` setting (a matched
            minor's picture is never kept, whatever it says).
        text_days: The ``retention_ad_text_days`` setting: an ad posted longer
            ago is imported without its text and title.
        now: The import's time (tests).

    Returns:
        Counts of what was loaded.

    Raises:
        UserInputError: A file is missing or malformed (file, line, field).
    """
    if job.images_root is not None and not job.images_root.is_dir():
        raise UserInputError(f"--images {job.images_root} is not a folder")
    if job.posters is not None and job.match_dir is None:
        raise UserInputError(
            f"--posters {job.posters} is read only with --match (the posters of "
            "the leads); give the `ads match --out` folder too"
        )
    counts = ImportCounts()
    reader = ImageReader()
    with _gc_paused():
        rows = _parse_ads(job, organization_id)
        _read_ad_images(job, rows, reader)
        if now is not None:
            for row in rows:
                row["imported_at"] = now
        known = _known_ads(session, organization_id)
        scan = _Scan(session, organization_id, rows, known, counts)
        if text_days is not None:
            counts.texts_past_retention = _past_retention(
                scan, text_days, now or utcnow()
            )
        if job.link_dir is not None:
            _load_operations(scan, job.link_dir)
        _write_ads(scan, cipher)
        if job.match_dir is not None:
            _load_leads(session, organization_id, job, counts, reader)
        if reader.seen or (images is not None and not keep_images):
            counts.images_kept, counts.images_removed = save_images(
                session,
                organization_id,
                reader,
                minor=_minor_pictures(session, organization_id, rows),
                store=images,
                allowed=keep_images,
            )
        counts.images, counts.images_unreadable = len(reader.seen), reader.unreadable
    return counts


#: The workspace tables an import fills.
_TABLES = ("inv_operation", "inv_ad", "inv_contact", "inv_edge", "inv_lead")


def refresh_statistics(engine: Engine) -> None:
    """Fresh planner statistics of the workspace tables after an import.

    On PostgreSQL also ``VACUUM`` (the visibility map lets the operations
    list count from its index alone); autovacuum would get there within
    minutes, the investigators' first searches would not wait for it. Run
    after the import's commit (``VACUUM`` cannot run in a transaction).

    Args:
        engine: The care database.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in _TABLES:
                conn.execute(text(f"VACUUM (ANALYZE) {table}"))
    else:
        with engine.begin() as conn:
            for table in _TABLES:
                conn.execute(text(f"ANALYZE {table}"))
