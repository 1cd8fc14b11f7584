"""Arrow tables from Python values without importing pandas.

``pa.array(list)`` and ``pa.Table.from_pylist`` import pandas on first use (pyarrow
checks whether the list is a pandas object), which costs 0.3-0.4 s of CPU per run -
as much as scoring a million claim lines. The pipeline's small tables (reference
codes, points, the worklist) are built here from buffers instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["arrow_table"]

_EPOCH = date(1970, 1, 1).toordinal()
_MAX_OFFSET = 2**31 - 1


def _validity(values: Sequence[Any]) -> Any:
    import numpy as np
    import pyarrow as pa

    if all(v is not None for v in values):
        return None
    bits = np.packbits(
        np.fromiter((v is not None for v in values), bool, len(values)),
        bitorder="little",
    )
    return pa.py_buffer(bits.tobytes())


def _array(dtype: pa.DataType, values: Sequence[Any]) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    n = len(values)
    valid = _validity(values)
    if pa.types.is_string(dtype):
        encoded = [b"" if v is None else str(v).encode("utf-8") for v in values]
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        if offsets[-1] > _MAX_OFFSET:
            return pa.array(values, dtype)  # beyond 2 GB of text: the slow path
        return pa.StringArray.from_buffers(
            n,
            pa.py_buffer(offsets.astype(np.int32).tobytes()),
            pa.py_buffer(b"".join(encoded)),
            valid,
        )
    if pa.types.is_date32(dtype):
        days = [0 if v is None else v.toordinal() - _EPOCH for v in values]
        data = np.array(days, np.int32)
    elif pa.types.is_integer(dtype):
        sign = "u" if pa.types.is_unsigned_integer(dtype) else ""
        width = np.dtype(f"{sign}int{dtype.bit_width}")
        data = np.array([0 if v is None else int(v) for v in values], width)
    else:
        raise TypeError(f"arrow_table does not build {dtype} columns")
    return pa.Array.from_buffers(dtype, n, [valid, pa.py_buffer(data.tobytes())])


def arrow_table(
    columns: Mapping[str, tuple[pa.DataType, Sequence[Any]]],
) -> pa.Table:
    """An Arrow table from ``name -> (type, values)``; ``None`` values are nulls.

    Types: string, date32 and the integer types.
    """
    import pyarrow as pa

    return pa.table({name: _array(t, v) for name, (t, v) in columns.items()})
