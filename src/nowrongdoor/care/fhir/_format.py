"""Which format a ``/fhir`` caller asked for (private): content negotiation.

FHIR R4 http.html "Content Types and encodings" (#mime-type): a client asks for
a format with ``Accept`` or with the ``_format`` query parameter, which wins
over ``Accept``; the formal MIME type of FHIR JSON is ``application/fhir+json``
and ``application/json`` is taken as JSON too; a ``fhirVersion`` parameter names
the FHIR version (``4.0`` for R4, versioning.html#mt-version). A server that
does not support the format asked for answers 406 Not Acceptable (the same
section; RFC 9110 section 15.5.7). This server speaks JSON only, so XML and
Turtle (``xml``, ``application/fhir+xml``, ``ttl``, ...), HTML, and JSON of
another FHIR version are refused.

``_pretty=true`` (http.html#general, "_pretty") is honoured: the JSON is
indented two spaces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from nowrongdoor.care.errors import ApiError

__all__ = [
    "FHIR_JSON",
    "FORMATS",
    "Wanted",
    "dress",
    "not_acceptable",
    "other_version",
    "rebuilt",
    "wanted_format",
]

FHIR_JSON = "application/fhir+json"
PLAIN_JSON = "application/json"
#: What the CapabilityStatement's ``format`` lists: the JSON spellings served.
FORMATS = ("json", FHIR_JSON, PLAIN_JSON)
#: ``fhirVersion`` values that name R4 (versioning.html#mt-version uses the
#: major.minor form; the full 4.0.1 is taken as R4 too).
_R4 = ("4.0", "4.0.1")
#: FHIR JSON's type before STU3 (DSTU2, http://hl7.org/fhir/DSTU2/http.html):
#: older clients (HAPI's among them) still list it; read as application/fhir+json.
_DSTU2_JSON = "application/json+fhir"
_FORMAT_PARAM = {
    "json": FHIR_JSON,
    FHIR_JSON: FHIR_JSON,
    _DSTU2_JSON: FHIR_JSON,
    PLAIN_JSON: PLAIN_JSON,
}
_SERVED = f"this server answers FHIR R4 JSON only ({', '.join(FORMATS)})"


@dataclass(frozen=True)
class Wanted:
    """How to answer one request.

    Attributes:
        media_type: ``application/fhir+json`` or ``application/json`` (the
            spelling the client asked for).
        pretty: ``_pretty=true`` was asked for.
    """

    media_type: str = FHIR_JSON
    pretty: bool = False


def not_acceptable(message: str) -> ApiError:
    """The 406 refusal (an OperationOutcome ``not-supported`` in FHIR JSON)."""
    return ApiError(message, status=406, code="not_acceptable")


def _media_range(raw: str) -> tuple[str, float, str | None]:
    """``(type, q, fhirVersion)`` of one ``Accept`` element (q 0 if unreadable)."""
    kind, *params = (p.strip() for p in raw.split(";"))
    q, version = 1.0, None
    for param in params:
        name, _, value = param.partition("=")
        name, value = name.strip().lower(), value.strip().strip('"')
        if name == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
        elif name == "fhirversion":
            version = value
    kind = kind.lower()
    return (FHIR_JSON if kind == _DSTU2_JSON else kind), q, version


def _quality(ranges: list[tuple[str, float, str | None]], media_type: str) -> float:
    """How much ``ranges`` want ``media_type``: the q of the most specific range
    that matches it (RFC 9110 section 12.5.1); a range naming a FHIR version
    other than R4 does not match."""
    best: tuple[int, float] = (-1, 0.0)
    top = media_type.split("/")[0]
    for kind, q, version in ranges:
        if kind == media_type:
            rank = 2
        elif kind == f"{top}/*":
            rank = 1
        elif kind == "*/*":
            rank = 0
        else:
            continue
        if version is not None and version not in _R4:
            q = 0.0
        if rank > best[0] or (rank == best[0] and q > best[1]):
            best = (rank, q)
    return best[1]


def _from_format(raw: str) -> str:
    # a "+" sent unencoded in the query string arrives as a space
    kind, _, params = raw.strip().lower().replace(" ", "+").partition(";")
    chosen = _FORMAT_PARAM.get(kind.strip())
    version = _media_range(f"x;{params}")[2] if params else None
    if chosen is None or (version is not None and version not in _R4):
        raise not_acceptable(f"_format={raw!r} is not served: {_SERVED}")
    return chosen


def other_version(media_type: str) -> str | None:
    """The FHIR version a media type's ``fhirVersion`` parameter names, when it
    is not R4 (``None``: R4, or no such parameter)."""
    version = _media_range(media_type)[2]
    return version if version is not None and version not in _R4 else None


def wanted_format(request: Request) -> Wanted:
    """The format to answer ``request`` in.

    Raises:
        ApiError: 406, the caller accepts no format this server sends.
    """
    pretty = request.query_params.get("_pretty", "").lower() == "true"
    fmt = request.query_params.get("_format")
    if fmt:
        return Wanted(_from_format(fmt), pretty)
    accept = request.headers.get("accept", "").strip()
    if not accept:
        return Wanted(FHIR_JSON, pretty)
    ranges = [_media_range(r) for r in accept.split(",") if r.strip()]
    fhir, plain = _quality(ranges, FHIR_JSON), _quality(ranges, PLAIN_JSON)
    if fhir <= 0 and plain <= 0:
        raise not_acceptable(f"Accept: {accept[:200]} is not served: {_SERVED}")
    return Wanted(FHIR_JSON if fhir >= plain else PLAIN_JSON, pretty)


def dress(response: Response, wanted: Wanted) -> Response:
    """``response`` (FHIR JSON) in the spelling and layout the caller asked for;
    any other answer (NDJSON, an OAuth2 token) is left as it is."""
    if response.media_type != FHIR_JSON:
        return response
    if wanted.media_type == FHIR_JSON and not wanted.pretty:
        return response
    body = bytes(response.body)
    if wanted.pretty:
        data = json.loads(body)
        body = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
    return rebuilt(response, body, wanted.media_type)


def rebuilt(response: Response, body: bytes, media_type: str) -> Response:
    """``response`` with another ``body`` and media type, its status, other
    header fields and background task kept."""
    made = Response(body, status_code=response.status_code, media_type=media_type)
    own = {b"content-length", b"content-type"}
    made.raw_headers += [h for h in response.raw_headers if h[0] not in own]
    made.background = response.background
    return made
