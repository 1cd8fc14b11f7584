"""Import an Open Referral HSDS 3 partner directory (CSV package or JSON).

Reads what HSDS 3 publishers ship: a tabular data package (``datapackage.json``
plus one CSV per table) or JSON documents in the HSDS 3 API shapes
(``organization``, ``service``, ``service_at_location`` and ``location``, nested
or not, one object or a list). Organisations, services, locations, services at
locations and phones become the partner directory; service types come from the
taxonomy terms attached to a service (``attribute`` rows, or nested
``attributes``). Links to records that are not in the file are reported as
warnings, not errors; a table that lacks a required column is an error naming
the file, row and field. So is a value the directory cannot keep whole: text
longer than its column (the limits are the model's own), an age that is not a
whole number from 0 to 150, a latitude or longitude that is not a number. Every row
is checked before anything is written, so a refused file imports nothing.
Re-importing the same ids updates rows in place.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from nowrongdoor.care._lengths import fitted
from nowrongdoor.care.enums import OrgKind
from nowrongdoor.care.models import (
    Organization,
    PartnerLocation,
    PartnerPhone,
    PartnerService,
    ServiceAtLocation,
)
from nowrongdoor.care.schemas import ImportReport
from nowrongdoor.errors import UserInputError

__all__ = ["HsdsTables", "import_hsds", "load_hsds", "read_csv_package", "read_json"]

_TABLES = (
    "organization",
    "service",
    "location",
    "address",
    "service_at_location",
    "phone",
    "attribute",
    "taxonomy_term",
)
_REQUIRED = {
    "organization": ("id", "name"),
    "service": ("id", "organization_id", "name"),
    "location": ("id",),
    "service_at_location": ("id", "service_id", "location_id"),
    "phone": ("id", "number"),
}


#: The oldest age a service's minimum_age or maximum_age may name.
_MAX_AGE = 150

#: The column each table's HSDS id is kept in.
_ID_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "organization": Organization.hsds_id,
    "service": PartnerService.hsds_id,
    "location": PartnerLocation.hsds_id,
    "service_at_location": ServiceAtLocation.hsds_id,
    "phone": PartnerPhone.hsds_id,
}

#: The text an import keeps, by table: HSDS field -> the column it is written to.
#: The import writes these and only these (through :func:`_text`), and
#: :func:`_check` measures them against the column's own length first.
_TEXT_COLUMNS: dict[str, dict[str, InstrumentedAttribute[Any]]] = {
    "organization": {
        "name": Organization.name,
        "alternate_name": Organization.alternate_name,
        "description": Organization.description,
        "email": Organization.email,
        "website": Organization.website,
    },
    "service": {
        "name": PartnerService.name,
        "alternate_name": PartnerService.alternate_name,
        "description": PartnerService.description,
        "status": PartnerService.status,
        "url": PartnerService.url,
        "email": PartnerService.email,
        "eligibility_description": PartnerService.eligibility,
    },
    "location": {"name": PartnerLocation.name},
    "address": {
        "address_1": PartnerLocation.address_1,
        "city": PartnerLocation.city,
        "state_province": PartnerLocation.state_province,
        "postal_code": PartnerLocation.postal_code,
        "country": PartnerLocation.country,
    },
    "service_at_location": {"description": ServiceAtLocation.description},
    "phone": {
        "number": PartnerPhone.number,
        "extension": PartnerPhone.extension,
        "type": PartnerPhone.phone_type,
        "description": PartnerPhone.description,
    },
}

#: A location's coordinates (numbers; the official example's latitude of 100
#: shows publishers' values are kept as given, not range-checked).
_COORDINATES = ("latitude", "longitude")


@dataclass
class HsdsTables:
    """HSDS rows by table name, plus where each row came from (for messages)."""

    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {t: [] for t in _TABLES}
    )
    origin: dict[str, str] = field(default_factory=dict)
    #: Tables a package lists whose file is not in it (warned, not read).
    absent: list[str] = field(default_factory=list)

    def add(self, table: str, row: Mapping[str, Any], origin: str) -> None:
        """Add one row (nested lists/objects are dropped)."""
        flat = {k: v for k, v in row.items() if not isinstance(v, list | dict)}
        for key, value in flat.items():
            if isinstance(value, str) and "\x00" in value:
                raise UserInputError(
                    f"{origin}: {table} field {key!r} holds a NUL character"
                )
        self.rows[table].append(flat)
        self.origin[f"{table}:{len(self.rows[table])}"] = origin


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _str(value: Any) -> str | None:
    if _blank(value):
        return None
    text = str(value).strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]  # the official example quotes its phone numbers twice
    return text


def _text(table: str, row: Mapping[str, Any]) -> dict[str, str | None]:
    """The text of ``row`` the import keeps, by column name (checked by
    :func:`_check`: each value fits its column)."""
    return {
        column.key: _str(row.get(name)) for name, column in _TEXT_COLUMNS[table].items()
    }


def _float(value: Any, where: str, what: str = "a number") -> float | None:
    """A finite number, ``None`` when blank; anything else is refused naming
    ``where`` and ``what`` was expected."""
    if _blank(value):
        return None
    try:
        number = float(str(value))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise UserInputError(f"{where}: {value!r} is not {what}")
    return number


def _int(value: Any, where: str) -> int | None:
    """An age in whole years, ``None`` when blank (see :func:`_float`)."""
    number = _float(value, where, "a whole number")
    if number is None:
        return None
    if number != int(number):
        raise UserInputError(f"{where}: {value!r} is not a whole number")
    if not 0 <= number <= _MAX_AGE:
        raise UserInputError(f"{where}: {value!r} is not an age (0 to {_MAX_AGE})")
    return int(number)


def read_csv_package(directory: Path) -> HsdsTables:
    """Read an HSDS tabular data package (``datapackage.json`` + CSV files).

    Raises:
        UserInputError: no ``datapackage.json``, unreadable JSON, or a CSV
            missing a required column.
    """
    descriptor = directory / "datapackage.json"
    if not descriptor.is_file():
        raise UserInputError(
            f"{directory}: no datapackage.json (not an HSDS CSV package)"
        )
    package = _load_json(descriptor)
    if not isinstance(package, dict):
        raise UserInputError(f"{descriptor}: not a data package (a JSON object)")
    tables = HsdsTables()
    resources = package.get("resources", [])
    if not isinstance(resources, list):
        raise UserInputError(f"{descriptor}: resources must be a list")
    for resource in resources:
        if not isinstance(resource, dict):
            raise UserInputError(f"{descriptor}: each resource must be an object")
        name = resource.get("name")
        rel = resource.get("path")
        if name not in _TABLES or not isinstance(rel, str):
            continue
        path = _resource_path(directory, rel, descriptor)
        if path is None:
            tables.absent.append(
                f"{descriptor}: {name} file {rel[:80]!r} is not in the package; "
                "none of its rows were read"
            )
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            try:
                header = reader.fieldnames or []
                for col in _REQUIRED.get(name, ()):
                    if col not in header:
                        raise UserInputError(f"{path}: missing required column {col!r}")
                for lineno, row in enumerate(reader, start=2):
                    tables.add(name, row, f"{path}, row {lineno}")
            except UnicodeDecodeError:
                raise UserInputError(
                    f"{path}, line {reader.line_num + 1}: not UTF-8 text"
                ) from None
            except csv.Error as exc:
                raise UserInputError(
                    f"{path}, line {reader.line_num}: not readable as CSV ({exc})"
                ) from None
    return tables


def _resource_path(directory: Path, rel: str, descriptor: Path) -> Path | None:
    """The file a resource names, inside the package; ``None`` if absent.

    Raises:
        UserInputError: the path leaves the package folder or is not a file name.
    """
    parts = Path(rel).parts
    if not rel or "\x00" in rel or Path(rel).is_absolute() or ".." in parts:
        raise UserInputError(
            f"{descriptor}: resource path {rel[:80]!r} must be a file inside "
            "the package"
        )
    path = directory / rel
    try:
        return path if path.is_file() else None
    except OSError as exc:
        raise UserInputError(
            f"{descriptor}: resource path {rel[:80]!r} cannot be opened "
            f"({exc.strerror})"
        ) from None


def _load_json(path: Path) -> Any:
    """Parse a JSON file; every way it can be unreadable is one sentence."""
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"{path}: not UTF-8 text (byte {exc.start} cannot be decoded)"
        ) from None
    except json.JSONDecodeError as exc:
        raise UserInputError(
            f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    except RecursionError:
        raise UserInputError(f"{path}: JSON nested too deeply") from None


def _with_org(row: Mapping[str, Any], org_id: str | None) -> dict[str, Any]:
    """``row`` with the enclosing organisation's id where it names none."""
    out = dict(row)
    if org_id and _blank(out.get("organization_id")):
        out["organization_id"] = org_id
    return out


def _nested(
    parent: Mapping[str, Any], key: str, origin: str
) -> list[Mapping[str, Any]]:
    """The objects nested under ``parent[key]`` (none when absent).

    Raises:
        UserInputError: the value is not a list of objects.
    """
    value = parent.get(key)
    if value is None or value == "":
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise UserInputError(f"{origin}: {key} must be a list of objects")
    return value


def _add_children(
    tables: HsdsTables,
    parent: Mapping[str, Any],
    key: str,
    table: str,
    link: str,
    origin: str,
) -> None:
    """Add the rows nested under ``parent[key]`` to ``table``, linked by ``link``
    to the parent's id."""
    for child in _nested(parent, key, origin):
        tables.add(table, {**child, link: parent.get("id")}, origin)


def _walk_location(
    tables: HsdsTables, loc: Mapping[str, Any], origin: str, org_id: str | None
) -> None:
    tables.add("location", _with_org(loc, org_id), origin)
    _add_children(tables, loc, "addresses", "address", "location_id", origin)
    _add_children(tables, loc, "phones", "phone", "location_id", origin)


def _walk_service(
    tables: HsdsTables, svc: Mapping[str, Any], origin: str, org_id: str | None
) -> None:
    nested_org = svc.get("organization")
    if isinstance(nested_org, Mapping):
        _walk_org(tables, nested_org, origin)
        row = {**svc, "organization_id": nested_org.get("id")}
    else:
        row = _with_org(svc, org_id)
    tables.add("service", row, origin)
    _add_children(tables, svc, "phones", "phone", "service_id", origin)
    for attr in _nested(svc, "attributes", origin):
        term = attr.get("taxonomy_term")
        if isinstance(term, Mapping):
            tables.add("taxonomy_term", term, origin)
            tables.add(
                "attribute",
                {
                    "id": attr.get("id"),
                    "link_id": svc.get("id"),
                    "link_entity": "service",
                    "taxonomy_term_id": term.get("id"),
                },
                origin,
            )
    for sal in _nested(svc, "service_at_locations", origin):
        _walk_sal(
            tables,
            {**sal, "service_id": svc.get("id")},
            origin,
            row.get("organization_id"),
        )


def _walk_sal(
    tables: HsdsTables, sal: Mapping[str, Any], origin: str, org_id: str | None
) -> None:
    loc = sal.get("location")
    svc = sal.get("service")
    service_id = sal.get("service_id")
    if isinstance(svc, Mapping):
        _walk_service(tables, svc, origin, org_id)
        service_id = svc.get("id")
    location_id = sal.get("location_id")
    if isinstance(loc, Mapping):
        _walk_location(tables, loc, origin, org_id)
        location_id = loc.get("id")
    tables.add(
        "service_at_location",
        {**sal, "service_id": service_id, "location_id": location_id},
        origin,
    )


def _walk_org(tables: HsdsTables, org: Mapping[str, Any], origin: str) -> None:
    tables.add("organization", org, origin)
    org_id = org.get("id")
    _add_children(tables, org, "phones", "phone", "organization_id", origin)
    for loc in _nested(org, "locations", origin):
        _walk_location(tables, loc, origin, org_id)
    for svc in _nested(org, "services", origin):
        _walk_service(tables, svc, origin, org_id)


def _walk(tables: HsdsTables, doc: Any, origin: str) -> None:
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            _walk(tables, item, f"{origin}[{i}]")
        return
    if not isinstance(doc, Mapping):
        raise UserInputError(f"{origin}: expected an HSDS object or a list of them")
    if isinstance(doc.get("contents"), list):  # an HSDS API page
        _walk(tables, doc["contents"], f"{origin}.contents")
    elif "service" in doc and "location" in doc:
        _walk_sal(tables, doc, origin, None)
    elif "services" in doc or "legal_status" in doc or "year_incorporated" in doc:
        _walk_org(tables, doc, origin)
    elif (
        "service_at_locations" in doc
        or "organization" in doc
        or "eligibility_description" in doc
    ):
        _walk_service(tables, doc, origin, None)
    elif "location_type" in doc or "addresses" in doc:
        _walk_location(tables, doc, origin, None)
    else:
        raise UserInputError(
            f"{origin}: not an HSDS organization, service, "
            "service_at_location or location"
        )


def read_json(path: Path) -> HsdsTables:
    """Read an HSDS 3 JSON document (one object or a list)."""
    doc = _load_json(path)
    tables = HsdsTables()
    _walk(tables, doc, str(path))
    return tables


def tables_from_document(doc: Any, origin: str = "request body") -> HsdsTables:
    """Flatten an already-parsed HSDS JSON document."""
    tables = HsdsTables()
    _walk(tables, doc, origin)
    return tables


def load_hsds(path: Path) -> HsdsTables:
    """Read HSDS from a CSV package directory, a JSON file, or a folder of JSON files.

    Raises:
        UserInputError: the path does not exist or holds no HSDS data.
    """
    if not path.exists():
        raise UserInputError(f"{path} does not exist")
    if path.is_file():
        return read_json(path)
    if (path / "datapackage.json").is_file():
        return read_csv_package(path)
    files = sorted(path.glob("*.json"))
    if not files:
        raise UserInputError(f"{path}: neither datapackage.json nor *.json files found")
    merged = HsdsTables()
    for file in files:
        part = read_json(file)
        for table, rows in part.rows.items():
            for row in rows:
                merged.add(table, row, str(file))
    return merged


def _check(tables: HsdsTables) -> None:
    """Refuse, before anything is written, a row the directory cannot keep whole.

    Raises:
        UserInputError: a required field is empty, a value is longer than its
            column, or an age or coordinate is not one (the message names the
            file and row, the record's id, the field and the limit).
    """
    for table, cols in _REQUIRED.items():
        for i, row in enumerate(tables.rows[table], start=1):
            origin = tables.origin.get(f"{table}:{i}", table)
            for col in cols:
                if _blank(row.get(col)):
                    raise UserInputError(f"{origin}: {table} field {col!r} is empty")
    for table, columns in _TEXT_COLUMNS.items():
        id_column = _ID_COLUMNS.get(table)
        for i, row in enumerate(tables.rows[table], start=1):
            origin = tables.origin.get(f"{table}:{i}", table)
            record = f"{table} {str(row['id'])[:40]!r}" if "id" in row else table
            where = f"{origin}: {record} field"
            values = [(name, _str(row.get(name)), col) for name, col in columns.items()]
            if id_column is not None:
                values.insert(0, ("id", str(row.get("id")), id_column))
            for name, text, column in values:
                if text is not None:
                    fitted(text, column, f"{where} {name!r}")
            if table == "service":
                for name in ("minimum_age", "maximum_age"):
                    _int(row.get(name), f"{where} {name!r}")
            if table == "location":
                for name in _COORDINATES:
                    _float(row.get(name), f"{where} {name!r}")


def _dedupe(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = str(row.get("id"))
        seen[key] = {
            **seen.get(key, {}),
            **{k: v for k, v in row.items() if not _blank(v)},
        }
    return list(seen.values())


def _upsert(session: Session, model: Any, hsds_id: str, values: dict[str, Any]) -> Any:
    obj = session.scalar(select(model).where(model.hsds_id == hsds_id))
    if obj is None:
        obj = model(hsds_id=hsds_id, **values)
        session.add(obj)
    else:
        for key, value in values.items():
            setattr(obj, key, value)
    return obj


def import_hsds(session: Session, tables: HsdsTables) -> ImportReport:
    """Write HSDS rows into the partner directory (the caller commits).

    Args:
        session: Database session.
        tables: Rows from :func:`load_hsds`.

    Returns:
        Counts and warnings (dangling links that were skipped).
    """
    _check(tables)
    report = ImportReport(warnings=list(tables.absent))
    rows = {t: _dedupe(r) for t, r in tables.rows.items()}
    orgs: dict[str, Organization] = {}
    for row in rows["organization"]:
        hid = str(row["id"])
        orgs[hid] = _upsert(
            session,
            Organization,
            hid,
            {**_text("organization", row), "kind": OrgKind.PARTNER},
        )
        report.organizations += 1
    session.flush()

    def org_for(hid: Any) -> Organization | None:
        if _blank(hid):
            return None
        key = str(hid)
        if key in orgs:
            return orgs[key]
        found = session.scalar(select(Organization).where(Organization.hsds_id == key))
        if found is not None:
            orgs[key] = found
        return found

    terms = {str(t["id"]): t for t in rows["taxonomy_term"] if not _blank(t.get("id"))}
    types: dict[str, set[str]] = {}
    for attr in rows["attribute"]:
        if str(attr.get("link_entity", "")).lower() != "service":
            continue
        term = terms.get(str(attr.get("taxonomy_term_id")))
        if term is None:
            continue
        bag = types.setdefault(str(attr.get("link_id")), set())
        for key in ("name", "code"):
            value = _str(term.get(key))
            if value:
                bag.add(value.lower().replace("|", "/"))

    services: dict[str, PartnerService] = {}
    for row in rows["service"]:
        hid = str(row["id"])
        org = org_for(row.get("organization_id"))
        if org is None:
            report.warnings.append(
                f"service {hid}: organization {row.get('organization_id')} "
                "not in the data; skipped"
            )
            continue
        where = f"service {hid}"
        text = _text("service", row)
        service_types = sorted(types.get(hid, set()))
        services[hid] = _upsert(
            session,
            PartnerService,
            hid,
            {
                **text,
                "organization_id": org.id,
                "status": text["status"] or "active",
                "minimum_age": _int(row.get("minimum_age"), f"{where} minimum_age"),
                "maximum_age": _int(row.get("maximum_age"), f"{where} maximum_age"),
                "service_types": "|" + "|".join(service_types) + "|"
                if service_types
                else "",
            },
        )
        report.services += 1
    session.flush()

    addresses: dict[str, dict[str, Any]] = {}
    for addr in rows["address"]:
        loc_id = str(addr.get("location_id"))
        kind = str(addr.get("address_type") or "")
        if loc_id not in addresses or kind == "physical":
            addresses[loc_id] = addr
    locations: dict[str, PartnerLocation] = {}
    for row in rows["location"]:
        hid = str(row["id"])
        org = org_for(row.get("organization_id"))
        if org is None and not _blank(row.get("organization_id")):
            report.warnings.append(
                f"location {hid}: organization {row.get('organization_id')} "
                "not in the data"
            )
        addr = addresses.get(hid, {})
        locations[hid] = _upsert(
            session,
            PartnerLocation,
            hid,
            {
                **_text("location", row),
                **_text("address", addr),
                "organization_id": org.id if org else None,
                **{
                    name: _float(row.get(name), f"location {hid} {name}")
                    for name in _COORDINATES
                },
            },
        )
        report.locations += 1
    session.flush()

    def linked(
        row: dict[str, Any],
    ) -> tuple[PartnerService | None, PartnerLocation | None]:
        """The service and location (of this import) a row links to."""
        return (
            services.get(str(row.get("service_id"))),
            locations.get(str(row.get("location_id"))),
        )

    for row in rows["service_at_location"]:
        hid = str(row["id"])
        svc, loc = linked(row)
        if svc is None or loc is None:
            report.warnings.append(
                f"service_at_location {hid}: service or location not in the "
                "data; skipped"
            )
            continue
        _upsert(
            session,
            ServiceAtLocation,
            hid,
            {
                **_text("service_at_location", row),
                "service_id": svc.id,
                "location_id": loc.id,
            },
        )
        report.services_at_location += 1
    session.flush()

    for row in rows["phone"]:
        hid = str(row["id"])
        svc, loc = linked(row)
        org = org_for(row.get("organization_id"))
        if svc is None and loc is None and org is None:
            report.warnings.append(
                f"phone {hid}: linked to nothing in the data; skipped"
            )
            continue
        session.query(PartnerPhone).filter(PartnerPhone.hsds_id == hid).delete()
        session.add(
            PartnerPhone(
                **_text("phone", row),
                hsds_id=hid,
                organization_id=org.id
                if org
                else (svc.organization_id if svc else None),
                service_id=svc.id if svc else None,
                location_id=loc.id if loc else None,
            )
        )
        report.phones += 1
    session.flush()
    return report
