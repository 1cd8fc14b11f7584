"""Engine adapters: the only place that knows DuckDB or Spark (the edge).

The pipeline is written once as Ibis expressions. An :class:`Engine` reads input
files into Ibis tables (every column a string, plus ``_row``, the 1-based data row
number in its file), registers in-memory Arrow tables, caches intermediate
results and runs expressions. ``connect`` builds one for ``duckdb`` or ``spark``.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from nowrongdoor._spark import spark_session

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

__all__ = ["Engine", "EngineName", "connect"]

EngineName = Literal["duckdb", "spark"]
_names = itertools.count()


class Engine(Protocol):
    """What the pipeline needs from a backend."""

    name: str

    def read_file(
        self,
        path: Path,
        fmt: str,
        columns: Sequence[str] | None = None,
        delimiter: str = ",",
    ) -> ir.Table:
        """Read a CSV or Parquet file: string columns plus ``_row`` (1-based).

        ``columns`` keeps only those columns (``None``: all of them);
        ``delimiter`` separates a CSV file's fields.
        """
        ...

    def from_arrow(self, table: pa.Table) -> ir.Table:
        """Register an in-memory Arrow table."""
        ...

    def cache(self, expr: ir.Table) -> ir.Table:
        """Materialise an expression so later steps reuse it."""
        ...

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        """Run an expression and return its rows."""
        ...

    def close(self) -> None:
        """Release the backend (a Spark session built here is stopped)."""
        ...


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_name(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@dataclass
class _DuckDBEngine:
    memory_limit: str | None = None
    threads: int | None = None
    temp_dir: Path | None = None
    name: str = "duckdb"
    con: Any = field(init=False)

    def __post_init__(self) -> None:
        import ibis

        self.con = ibis.duckdb.connect()
        if self.memory_limit:
            self.con.raw_sql(f"SET memory_limit = {_sql_str(self.memory_limit)}")
        if self.threads:
            self.con.raw_sql(f"SET threads = {int(self.threads)}")
        if self.temp_dir is not None:
            try:
                Path(self.temp_dir).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                from nowrongdoor.errors import UserInputError

                raise UserInputError(
                    f"setting population.temp_dir: {self.temp_dir} cannot be used as "
                    f"a folder ({exc.strerror or exc})"
                ) from None
            self.con.raw_sql(f"SET temp_directory = {_sql_str(str(self.temp_dir))}")

    def read_file(
        self,
        path: Path,
        fmt: str,
        columns: Sequence[str] | None = None,
        delimiter: str = ",",
    ) -> ir.Table:
        import duckdb

        name = f"nwd_in_{next(_names)}"
        src = _sql_str(str(path))
        if fmt == "parquet":
            picked = (
                ", ".join(_sql_name(c) for c in columns)
                if columns is not None
                else "* EXCLUDE (file_row_number)"
            )
            body = (
                f"SELECT {picked}, file_row_number + 1 AS _row "
                f"FROM read_parquet({src}, file_row_number = true)"
            )
            self.con.raw_sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {body}")
            return self.con.table(name)
        # A window with an empty OVER () is evaluated in input order, and the
        # CSV reader keeps insertion order, so _row is the data row number.
        picked = "*" if columns is None else ", ".join(_sql_name(c) for c in columns)
        body = (
            f"SELECT {picked}, row_number() OVER () AS _row FROM read_csv("
            f"{src}, header = true, all_varchar = true, auto_detect = false, "
            f"delim = {_sql_str(delimiter)}, quote = '\"', escape = '\"', "
            "columns = " + _csv_columns(path) + ")"
        )
        # A CSV file is parsed once, into a columnar temp table of the columns the
        # run uses (spilled to temp_directory beyond memory_limit): the members,
        # screening and reject passes then scan that instead of parsing the text
        # three times.
        try:
            self.con.raw_sql(f"CREATE OR REPLACE TEMP TABLE {name} AS {body}")
        except (duckdb.Error, RuntimeError) as exc:
            raise _read_error(exc) from None
        return self.con.table(name)

    def from_arrow(self, table: pa.Table) -> ir.Table:
        # Registered on the DuckDB connection itself: ``ibis.memtable`` would
        # import pandas (0.3-0.4 s CPU) to find its dispatch.
        name = f"nwd_arrow_{next(_names)}"
        self.con.con.register(name, table)
        return self.con.table(name)

    def cache(self, expr: ir.Table) -> ir.Table:
        import duckdb

        name = f"nwd_cache_{next(_names)}"
        try:
            return self.con.create_table(name, expr, temp=True)
        except (duckdb.Error, RuntimeError) as exc:
            raise _read_error(exc) from None

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        import duckdb
        from ibis.formats.pyarrow import PyArrowData

        # What ``con.to_pyarrow`` does, with ibis's plain Arrow converter: its
        # DuckDB one imports pandas (0.3-0.4 s CPU), which the pipeline never uses.
        try:
            table = self.con._to_duckdb_relation(expr).to_arrow_table()
        except (duckdb.Error, RuntimeError) as exc:
            raise _read_error(exc) from None
        result: pa.Table = expr.__pyarrow_result__(table, data_mapper=PyArrowData)
        return result

    def close(self) -> None:
        self.con.disconnect()


def _csv_columns(path: Path) -> str:
    from nowrongdoor.errors import UserInputError
    from nowrongdoor.population._inputs import read_header

    header = read_header(path, "csv")
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not name:
            raise UserInputError(
                f"{path} line 1 (the header): column {number} has no name"
            )
        if name in seen:
            raise UserInputError(
                f"{path} line 1 (the header): column {number} repeats the name "
                f"{' '.join(name.split())[:60]!r}"
            )
        seen.add(name)
    cols = ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in header)
    return "{" + cols + "}"


#: DuckDB CSV reader messages -> what they mean for the user.
_CSV_PROBLEMS = (
    ("unterminated quote", "a quoted value is never closed (unterminated quote)"),
    ("maximum line size", "the line is longer than the 2 MB a claims line may be"),
    ("invalid unicode", "the text is not UTF-8; save the file as UTF-8"),
    ("expected number of columns", "the line has {found} fields, the header {want}"),
)


def _read_error(exc: Exception) -> BaseException:
    """A DuckDB error while reading an input file, as one sentence naming the file
    and line; any other error is returned unchanged. The offending line itself is
    never repeated (it holds person data). Ctrl-C, which DuckDB turns into its own
    error, is Ctrl-C again (the CLI stops with exit 130, nothing written)."""
    import duckdb

    from nowrongdoor.errors import UserInputError

    if isinstance(exc, duckdb.InterruptException) or str(exc) == "Query interrupted":
        return KeyboardInterrupt()
    if not isinstance(exc, duckdb.Error):
        return exc
    text = str(exc)
    where = re.search(r"^\s*file = (.+)$", text, re.MULTILINE)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    # a corrupt Parquet footer fails in its Thrift decoder, naming no format
    parquet_words = (
        "parquet",
        "tprotocolexception",
        "thrift",
        "don't know what type",
        "corrupt",
        "invalid data",
    )
    if where is None and any(word in text.lower() for word in parquet_words):
        first = text.splitlines()[0] if text else type(exc).__name__
        return UserInputError(f"an input Parquet file cannot be read: {first}")
    if where is None:
        return exc
    name = where.group(1).strip()
    at = f"{name} line {line.group(1)}" if line else name
    low = text.lower()
    for key, meaning in _CSV_PROBLEMS:
        if key in low:
            counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
            if counts:
                meaning = meaning.format(want=counts.group(1), found=counts.group(2))
            return UserInputError(f"{at}: {meaning}")
    return UserInputError(f"{at}: the file cannot be read as CSV")


@dataclass
class _SparkEngine:
    session: Any = None
    master: str | None = None
    driver_host: str = "127.0.0.1"
    name: str = "spark"
    con: Any = field(init=False)
    _owned: bool = field(init=False, default=False)
    _tmp: Any = field(init=False, default=None)
    _cached: list[Any] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        import ibis

        if self.session is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="nwd-spark-")
            self.session = spark_session(
                Path(self._tmp.name) / "warehouse",
                master=self.master,
                driver_host=self.driver_host,
            )
            self._owned = True
        self.con = ibis.pyspark.connect(self.session)

    def read_file(
        self,
        path: Path,
        fmt: str,
        columns: Sequence[str] | None = None,
        delimiter: str = ",",
    ) -> ir.Table:
        reader = self.session.read
        if fmt == "parquet":
            df = reader.parquet(str(path))
        else:
            # FAILFAST: a malformed line stops the run (reported as one
            # sentence by _numbered's pass) instead of silently becoming nulls.
            df = (
                reader.option("header", True)
                .option("sep", delimiter)
                .option("mode", "FAILFAST")
                .option("maxCharsPerColumn", 2_000_000)
                .csv(str(path))
            )
        if columns is not None:
            df = df.select(*[df["`" + c.replace("`", "``") + "`"] for c in columns])
        df, kept = _numbered(df)
        name = f"nwd_in_{next(_names)}"
        df.createOrReplaceTempView(name)
        self._cached.append(kept)
        return self.con.table(name)

    def from_arrow(self, table: pa.Table) -> ir.Table:
        import ibis

        return ibis.memtable(table)

    def cache(self, expr: ir.Table) -> ir.Table:
        name = f"nwd_cache_{next(_names)}"
        self.con._run_pre_execute_hooks(expr)  # registers in-memory tables
        try:
            df = self.session.sql(self.con.compile(expr)).persist()
            df.createOrReplaceTempView(name)
            df.count()  # materialise now, so a malformed input fails here
        except Exception as exc:
            raise _spark_read_error(exc) from None
        self._cached.append(df)
        return self.con.table(name)

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        try:
            return self.con.to_pyarrow(expr)
        except Exception as exc:
            raise _spark_read_error(exc) from None

    def close(self) -> None:
        for df in self._cached:
            df.unpersist()
        self._cached.clear()
        if self._owned:
            self.session.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


def _numbered(df: Any) -> tuple[Any, Any]:
    """``df`` plus ``_row``, its 1-based row number, computed in the JVM.

    The numbers are those ``df.rdd.zipWithIndex()`` gave (plus one), without
    sending every row through Python workers. ``RDD.zipWithIndex`` numbers "first
    based on the partition index and then the ordering of items within each
    partition" (https://spark.apache.org/docs/latest/api/python/reference/api/
    pyspark.RDD.zipWithIndex.html). ``monotonically_increasing_id`` "puts the
    partition ID in the upper 31 bits, and the record number within each
    partition in the lower 33 bits" (https://spark.apache.org/docs/latest/api/
    python/reference/pyspark.sql/api/pyspark.sql.functions.monotonically_increasing_id.html),
    and ``spark_partition_id`` is "partition id the record belongs to"
    (https://spark.apache.org/docs/latest/api/python/reference/pyspark.sql/api/
    pyspark.sql.functions.spark_partition_id.html). Both are evaluated in the
    same scan (no shuffle in between) over the same partitions ``df.rdd`` has, so
    for a row at position ``i`` of partition ``p``: ``mid - (p << 33) = i`` and
    its zipWithIndex index is ``offset[p] + i``, where ``offset[p]`` is the row
    count of partitions ``0 .. p-1``. Both ids are non-deterministic (they depend
    on partitioning), so they are computed once and persisted (memory first,
    spilling to disk): the counts and every later query read the same rows.

    Returns:
        The numbered frame and the persisted frame under it (to unpersist).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F  # noqa: N812

    pid, mid = "_nwd_pid", "_nwd_mid"
    kept = df.select(
        "*",
        F.spark_partition_id().alias(pid),
        F.monotonically_increasing_id().alias(mid),
    ).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        # one full pass (it parses the file, so a malformed line fails here)
        counts = dict(kept.groupBy(pid).count().collect())
    except Exception as exc:
        kept.unpersist()
        raise _spark_read_error(exc) from None
    offsets = list(
        itertools.accumulate(
            (counts.get(p, 0) for p in range(max(counts, default=0))), initial=0
        )
    )
    start = F.element_at(
        F.array(*[F.lit(o).cast("long") for o in offsets]), F.col(pid) + 1
    )
    within = F.col(mid) - F.shiftleft(F.col(pid).cast("long"), 33)
    row = start + within + 1
    return kept.withColumn("_row", row).drop(pid, mid), kept


def _spark_read_error(exc: Exception) -> Exception:
    """A Spark FAILFAST parse error as one sentence (Spark does not say which file
    or line without repeating the record, which holds person data)."""
    from nowrongdoor.errors import UserInputError

    if "malformed" in str(exc).lower():
        return UserInputError(
            "a CSV input has a malformed line (Spark stops at it); run with "
            "--engine duckdb to have the file and line named"
        )
    return exc


def connect(
    engine: EngineName,
    *,
    spark: Any = None,
    spark_master: str | None = None,
    spark_driver_host: str = "127.0.0.1",
    memory_limit: str | None = None,
    threads: int | None = None,
    temp_dir: Path | None = None,
) -> Engine:
    """Build the engine adapter for ``engine``.

    Args:
        engine: ``duckdb`` (in-process, the default) or ``spark``.
        spark: An existing SparkSession to use (tests share one); ``None`` builds a
            session that ``close()`` stops.
        spark_master: Master URL for a session built here (``None``: local).
        spark_driver_host: Address a cluster's executors reach this driver on.
        memory_limit: DuckDB memory limit such as ``"3GB"``; beyond it DuckDB
            spills to ``temp_dir``.
        threads: DuckDB worker threads.
        temp_dir: Where DuckDB spills (created).

    Returns:
        The adapter.

    Raises:
        ValueError: unknown engine name.
    """
    if engine == "duckdb":
        return _DuckDBEngine(
            memory_limit=memory_limit, threads=threads, temp_dir=temp_dir
        )
    if engine == "spark":
        return _SparkEngine(
            session=spark, master=spark_master, driver_host=spark_driver_host
        )
    raise ValueError(f"unknown engine {engine!r}; use duckdb or spark")
