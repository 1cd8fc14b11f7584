"""docs/population.md stays honest: every indicator, label, weight and option."""

from __future__ import annotations

from pathlib import Path

from nowrongdoor.population import (
    OUTPUT_FILES,
    SENSITIVITY_LABELS,
    WORKLIST_COLUMNS,
    load_scoring_model,
    load_value_sets,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "population.md").read_text(
    encoding="utf-8"
)


def test_every_value_set_row_matches_the_data() -> None:
    model = load_scoring_model()
    rows = {
        line.split("|")[1].strip().strip("`"): [c.strip() for c in line.split("|")]
        for line in DOC.splitlines()
        if line.startswith("| `")
    }
    for vs in load_value_sets():
        assert vs.id in rows, vs.id
        cells = rows[vs.id]
        weight = model.indicators[vs.id]
        assert cells[3] == vs.sensitivity, vs.id
        assert cells[4] == vs.role, vs.id
        assert cells[5].split()[0] == str(weight.weight), vs.id
        assert cells[6] == str(weight.lookback_days), vs.id


def test_labels_outputs_and_options_are_documented() -> None:
    for label in SENSITIVITY_LABELS:
        assert f"`{label}`" in DOC
    for name in OUTPUT_FILES:
        assert f"`{name}`" in DOC
    assert ", ".join(WORKLIST_COLUMNS) in DOC
    for option in ("--engine", "--as-of", "--withhold", "--model", "--out", "--format"):
        assert option in DOC
    for band in load_scoring_model().age_bands:
        assert f"x{band.multiplier:g}" in DOC.replace("x2.0", "x2")


def test_maps_presets_and_diff_are_documented() -> None:
    from nowrongdoor.population._diff import CHANGES, DIFF_COLUMNS
    from nowrongdoor.population._maps import PRESETS, ROLES

    for option in ("--map", "--preset", "--toml", "--all", "[population.map]"):
        assert option in DOC, option
    for name in PRESETS:
        assert f"**`{name}`: " in DOC, name
    for role in ROLES:
        assert f"`{role}`" in DOC, role
    for change in CHANGES:
        assert f"`{change}`" in DOC, change
    assert ", ".join(DIFF_COLUMNS) in " ".join(DOC.split())
