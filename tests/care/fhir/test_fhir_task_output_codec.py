"""How Task.output is written into the partner's note and read back from it."""

from __future__ import annotations

import pytest

from nowrongdoor.care.fhir.task_output import (
    Output,
    join_note,
    split_note,
)

AWKWARD = [
    Output(
        label='Outcome: "quoted"\nnext',
        kind="string",
        text='a: "b" [c] {d}\n- "x": see Procedure/1',
    ),  # fmt: skip
    Output(
        label="Resulting Activity",
        type_system="http://t.example|x",
        type_code="a]b",
        kind="reference",
        reference="Procedure/77",
        text=None,
    ),  # fmt: skip
    Output(
        label="Summary",
        kind="concept",
        text="Housing secured",
        system="http://snomed.info/sct",
        code="1156221003",
    ),  # fmt: skip
    Output(
        label="Ref",
        kind="reference",
        reference="https://partner.example/fhir/Procedure/9",
        text="Done ✓",
    ),
]


@pytest.mark.parametrize(
    "note",
    [None, "", "Closed.", "Two\n\nparagraphs", "Outcome (Task.output):\nnot ours"],
)
def test_a_note_and_outputs_come_back_as_they_went_in(note: str | None) -> None:
    stored = join_note(note, AWKWARD)
    assert split_note(stored) == ((note or None), AWKWARD)
    assert split_note(join_note(note, [])) == ((note or None), [])


def test_a_hand_written_note_that_looks_like_the_block_stays_a_note() -> None:
    text = "Seen.\n\nOutcome (Task.output):\n- this was typed by a person"
    assert split_note(text) == (text, [])
