"""``Task.output``: the outcome a partner's system reports on a referral.

HL7 Gravity SDOH Clinical Care IG STU 2.2, SDOHCC-TaskForReferralManagement:
when the receiving organisation completes a referral Task it puts what was done
in ``Task.output`` - a reference to the Procedure performed (type
``SDOHCC-CodeSystemTemporaryCodes#resulting-activity``), or a summary as a
string or a CodeableConcept. We keep, of each output: its type (its text, else
its first coding's display or code, and that coding's system and code), and a
value that is one of ``valueString``; ``valueCodeableConcept`` (text, else the
first coding's display or code, and that coding's system and code); or
``valueReference`` (``reference`` and ``display``). Other ``value[x]`` types are
refused, naming ``Task.output[i].value[x]``.

The outputs are kept with the partner's note (``Referral.response_note``, the
text the care manager reads on the referral): the note, a blank line, then a
block headed ``Outcome (Task.output):`` with one line an output, each text in
JSON quotes so the block reads back exactly::

    - "Resulting Activity": see "Procedure/77" "Shelter placement"  {"type": [..]}
    - "Outcome": "Placed for 30 nights"
    - "Summary": coded "Housing secured"  {"code": ["http://snomed.info/sct", ".."]}

A note without such a block (typed on the web page) is a note only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from nowrongdoor.care.errors import BadRequest

__all__ = ["HEADER", "Output", "join_note", "output_json", "outputs_of", "split_note"]

#: The line that opens the outputs' block in the partner's note.
HEADER = "Outcome (Task.output):"
_VALUE_KINDS = {
    "valueString": "string",
    "valueCodeableConcept": "concept",
    "valueReference": "reference",
}


@dataclass(frozen=True)
class Output:
    """One kept ``Task.output``.

    Attributes:
        label: The type's text (or its first coding's display or code).
        kind: ``string``, ``concept`` or ``reference`` (the value's type).
        text: The string; the concept's text (or display or code); or the
            reference's display.
        reference: The reference (``Procedure/77`` or a URL), for ``reference``.
        type_system: The type's first coding's system.
        type_code: The type's first coding's code.
        system: The concept's first coding's system.
        code: The concept's first coding's code.
    """

    label: str
    kind: str
    text: str | None = None
    reference: str | None = None
    type_system: str | None = None
    type_code: str | None = None
    system: str | None = None
    code: str | None = None


def _concept(cc: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """``(label, system, code)`` of a CodeableConcept (its first coding)."""
    coding = (cc.get("coding") or [{}])[0]
    label = cc.get("text") or coding.get("display") or coding.get("code")
    return label, coding.get("system"), coding.get("code")


def _one(i: int, out: dict[str, Any]) -> Output:
    where = f"Task.output[{i}]"
    label, type_system, type_code = _concept(out.get("type") or {})
    if not label:
        raise BadRequest(f"{where}.type needs text, or a coding with a display or code")
    given = [k for k in out if k.startswith("value")]
    kind = _VALUE_KINDS.get(given[0]) if len(given) == 1 else None
    if kind is None:
        got = f" (got {', '.join(given)})" if given else " (none given)"
        raise BadRequest(
            f"{where}.value[x] must be valueString, valueCodeableConcept or "
            f"valueReference{got}"
        )
    value = out[given[0]]
    text: str | None = None
    reference = system = code = None
    if kind == "string":
        text = value
    elif kind == "concept":
        text, system, code = _concept(value)
        if not text:
            raise BadRequest(
                f"{where}.valueCodeableConcept needs text, or a coding with a "
                "display or code"
            )
    else:
        reference, text = value.get("reference"), value.get("display")
        if not reference:
            raise BadRequest(
                f"{where}.valueReference needs a reference (Procedure/<id> or a URL)"
            )
    return Output(label=label, kind=kind, text=text, reference=reference,
                  type_system=type_system, type_code=type_code,
                  system=system, code=code)  # fmt: skip


def outputs_of(task: Any, *, strict: bool = True) -> list[Output] | None:
    """The outputs of a received Task (a ``fhir.resources`` Task); ``None``
    when it carries none.

    Args:
        task: The Task.
        strict: Refuse an output we cannot keep (a request to this server);
            ``False`` skips it instead (a Task read from a partner's server).

    Raises:
        BadRequest: an output we cannot keep; names ``Task.output[i]...``.
    """
    if not task.output:
        return None
    kept = []
    for i, out in enumerate(task.output):
        data = out.model_dump(mode="json", exclude_none=True)
        data = {k: v for k, v in data.items() if not k.endswith("__ext")}
        try:
            kept.append(_one(i, data))
        except BadRequest:
            if strict:
                raise
    return kept


def _cc_json(label: str, system: str | None, code: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"text": label}
    if code:
        data["coding"] = [{k: v for k, v in (("system", system), ("code", code)) if v}]
    return data


def output_json(out: Output) -> dict[str, Any]:
    """One kept output as ``Task.output`` JSON."""
    data: dict[str, Any] = {"type": _cc_json(out.label, out.type_system, out.type_code)}
    if out.kind == "string":
        data["valueString"] = out.text
    elif out.kind == "concept":
        data["valueCodeableConcept"] = _cc_json(out.text or "", out.system, out.code)
    else:
        ref = {"reference": out.reference}
        data["valueReference"] = {**ref, "display": out.text} if out.text else ref
    return data


def _q(text: str | None) -> str:
    return json.dumps(text, ensure_ascii=False)


def _codes(codes: dict[str, list[str | None]]) -> str:
    return json.dumps(codes, ensure_ascii=False)


def _line(out: Output) -> str:
    if out.kind == "string":
        value = _q(out.text)
    elif out.kind == "concept":
        value = f"coded {_q(out.text)}"
    else:
        value = f"see {_q(out.reference)}" + (f" {_q(out.text)}" if out.text else "")
    codes: dict[str, list[str | None]] = {}
    if out.type_code:
        codes["type"] = [out.type_system, out.type_code]
    if out.code:
        codes["code"] = [out.system, out.code]
    return f"- {_q(out.label)}: {value}" + (f"  {_codes(codes)}" if codes else "")


def join_note(note: str | None, outputs: list[Output]) -> str | None:
    """The partner's note with the outputs' block after it (``None``: neither)."""
    if not outputs:
        return note or None
    block = "\n".join([HEADER, *(_line(o) for o in outputs)])
    return f"{note}\n\n{block}" if note else block


def _parse_line(line: str) -> Output:
    """One block line back to its output (``ValueError`` if it is not one)."""
    dec = json.JSONDecoder()

    def text_at(at: int) -> tuple[str, int]:
        value, end = dec.raw_decode(line, at)
        if not isinstance(value, str):
            raise ValueError("not a string")
        return value, end

    if not line.startswith("- "):
        raise ValueError("not an output line")
    label, at = text_at(2)
    if line[at : at + 2] != ": ":
        raise ValueError("no ': ' after the label")
    at += 2
    fields: dict[str, Any] = {"label": label}
    if line.startswith("coded ", at):
        fields["kind"] = "concept"
        fields["text"], at = text_at(at + 6)
    elif line.startswith("see ", at):
        fields["kind"] = "reference"
        fields["reference"], at = text_at(at + 4)
        if line.startswith(' "', at):
            fields["text"], at = text_at(at + 1)
    else:
        fields["kind"] = "string"
        fields["text"], at = text_at(at)
    if line.startswith("  {", at):
        codes, at = dec.raw_decode(line, at + 2)
        for key, names in (("type", ("type_system", "type_code")),
                           ("code", ("system", "code"))):  # fmt: skip
            if key in codes:
                fields.update(zip(names, codes[key], strict=True))
    if at != len(line):
        raise ValueError("text after the output")
    return Output(**fields)


def _block(text: str) -> list[Output] | None:
    try:
        return [_parse_line(line) for line in text.split("\n")]
    except (ValueError, TypeError):
        return None


def split_note(stored: str | None) -> tuple[str | None, list[Output]]:
    """The partner's note and the outputs kept after it (see the module)."""
    if not stored:
        return None, []
    cut = stored.rfind(f"\n\n{HEADER}\n")
    if cut >= 0:
        found = _block(stored[cut + len(HEADER) + 3 :])
        if found:
            return stored[:cut] or None, found
    if stored.startswith(f"{HEADER}\n"):
        found = _block(stored[len(HEADER) + 1 :])
        if found:
            return None, found
    return stored, []
