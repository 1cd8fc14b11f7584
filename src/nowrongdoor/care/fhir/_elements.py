"""``_elements`` (FHIR R4 search.html#elements, 3.1.1.5.9; http.html#read):
a read or a search answers only the top-level elements asked for (private).

The elements are cut from the answer the caller's full read or search gives,
after every access rule has been applied (reach, Part 2 holds, free text by
role), so an ``_elements`` answer never holds what the full one would not.
Mandatory elements come always: ``resourceType``, ``id``, ``meta``, and the
elements the resource type requires (minimum cardinality 1, such as
Task.status and Task.intent, ServiceRequest.subject: search.html#elements,
"servers SHOULD return mandatory elements", so the subset still validates).
The resource is tagged SUBSETTED (search.html#elements: so that a client does not
write a partial resource back as if it were whole). In a searchset only the
matches are cut; ``_include``d resources come whole.

An element name the resource type does not define (per the FHIR R4 resource
definitions) is refused with 400 naming it, as other values we do not take
are, unless the caller asked for ``Prefer: handling=lenient`` (then it is
ignored; search.html#elements lets a server ignore it).
"""

from __future__ import annotations

import functools
import json
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fhir.resources.R4B import get_fhir_model_class
from starlette.requests import Request
from starlette.responses import Response

from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.fhir._format import FHIR_JSON, rebuilt

__all__ = ["SUBSETTED", "elements_type", "subset_answer", "wanted_elements"]

#: The tag of a resource with elements left out (FHIR R4 search.html#elements).
SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
    "display": "subsetted",
}
_MANDATORY = ("resourceType", "id", "meta")


class _Elements(NamedTuple):
    """A resource type's elements, per the FHIR R4 resource definitions of
    ``fhir.resources``."""

    #: JSON key -> the element it is of (a choice element ``onset[x]`` is
    #: named ``onset``, its keys ``onsetDateTime``...).
    of_key: dict[str, str]
    #: The elements of minimum cardinality 1.
    required: frozenset[str]


@functools.cache
def _elements_of(resource_type: str) -> _Elements:
    """``resource_type``'s elements; both empty when FHIR R4 defines no such
    resource type."""
    try:
        model = get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        return _Elements({}, frozenset())
    of_key: dict[str, str] = {}
    required: set[str] = set()
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra
        if not isinstance(extra, dict) or not extra.get("element_property"):
            continue
        key = field.alias or name
        element = of_key[key] = str(extra.get("one_of_many") or key)
        if field.is_required() or extra.get("element_required"):
            required.add(element)
    return _Elements(of_key, frozenset(required))


def elements_type(path: str, methods: set[str]) -> str | None:
    """The resource type a route at ``path`` answers ``_elements`` for: a
    ``GET`` of ``/fhir/<type>`` or ``/fhir/<type>/<id>``, ``None`` otherwise."""
    parts = path.split("/")
    if "GET" not in methods or len(parts) not in (3, 4) or parts[1] != "fhir":
        return None
    if len(parts) == 4 and not parts[3].startswith("{"):
        return None
    return parts[2] if _elements_of(parts[2]).of_key else None


def wanted_elements(
    request: Request, resource_type: str, *, lenient: bool
) -> list[str] | None:
    """The element names ``_elements`` asks for (comma-separated, repeated
    occurrences joined), ``None`` without ``_elements``.

    Raises:
        BadRequest: a name ``resource_type`` does not define (unless
            ``lenient``, then it is left out).
    """
    given = request.query_params.getlist("_elements")
    if not given:
        return None
    known = set(_elements_of(resource_type).of_key.values())
    out: list[str] = []
    for name in (n.strip() for v in given for n in v.split(",")):
        if not name or name in out:
            continue
        if name not in known:
            if lenient:
                continue
            raise BadRequest(
                f"_elements={name!r} is not an element of {resource_type}; "
                "_elements takes its top-level element names, comma-separated"
            )
        out.append(name)
    return out


def _subset(resource: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """``resource`` with only the mandatory elements and ``names`` (with the
    ``_key`` of a primitive's extensions), tagged SUBSETTED."""
    element, required = _elements_of(str(resource.get("resourceType")))
    wanted = {*names, *required}
    kept = {
        k: v
        for k, v in resource.items()
        if k in _MANDATORY or element.get(k.removeprefix("_")) in wanted
    }
    meta = dict(kept.get("meta") or {})
    meta["tag"] = [*meta.get("tag", []), SUBSETTED]
    kept["meta"] = meta
    return kept


def _with_elements(url: str, names: list[str]) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "_elements"]
    query.append(("_elements", ",".join(names)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def subset_answer(response: Response, resource_type: str, names: list[str]) -> Response:
    """``response`` with its ``resource_type`` resource, or a searchset's
    matches, cut to ``names`` (:func:`_subset`); its paging links keep
    ``_elements``. Any other answer (an error, another type) is left as is."""
    if response.status_code != 200 or response.media_type != FHIR_JSON:
        return response
    body = json.loads(bytes(response.body))
    if body.get("resourceType") == "Bundle" and body.get("type") == "searchset":
        for entry in body.get("entry", []):
            if entry.get("search", {}).get("mode") == "match":
                entry["resource"] = _subset(entry["resource"], names)
        for link in body.get("link", []):
            link["url"] = _with_elements(link["url"], names)
    elif body.get("resourceType") == resource_type:
        body = _subset(body, names)
    else:
        return response
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return rebuilt(response, raw.encode("utf-8"), FHIR_JSON)
