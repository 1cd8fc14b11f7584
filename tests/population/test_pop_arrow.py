"""Arrow tables built from buffers match pyarrow's own conversion, without pandas."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pyarrow as pa

from nowrongdoor.population._arrow import arrow_table


def test_arrow_table_matches_pyarrow_conversion() -> None:
    names = ["a", None, "é-ü", "", "T74.51XA"]
    ages = [3, 17, 0, 120, 45]
    scores = [None, 2, -1, 2**40, 0]
    days = [date(1900, 1, 1), None, date(2025, 12, 31), date(1969, 12, 31), None]
    got = arrow_table(
        {
            "name": (pa.string(), names),
            "age": (pa.int32(), ages),
            "score": (pa.int64(), scores),
            "day": (pa.date32(), days),
        }
    )
    want = pa.table(
        {
            "name": pa.array(names, pa.string()),
            "age": pa.array(ages, pa.int32()),
            "score": pa.array(scores, pa.int64()),
            "day": pa.array(days, pa.date32()),
        }
    )
    got.validate(full=True)
    assert got.equals(want)
    assert got.to_pylist() == want.to_pylist()


def test_arrow_table_of_no_rows() -> None:
    got = arrow_table({"name": (pa.string(), []), "n": (pa.int64(), [])})
    assert got.num_rows == 0
    assert got.schema == pa.schema([("name", pa.string()), ("n", pa.int64())])


def test_arrow_table_does_not_import_pandas() -> None:
    code = (
        "import sys\n"
        "import pyarrow as pa\n"
        "from nowrongdoor.population._arrow import arrow_table\n"
        "arrow_table({'a': (pa.string(), ['x', None]), 'b': (pa.int64(), [1, 2])})\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
