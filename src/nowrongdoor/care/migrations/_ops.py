"""What the care migrations share: table declarations, value rewrites, SQL per
dialect (private).

A revision declares its new tables once with :class:`Table` (columns from the
factories below, each foreign key, unique column and index named by the
schema's naming convention) and gets both directions from :func:`tables`:
creating them in order and dropping them in reverse. :func:`rewrite_values`
is the loop that re-encodes a column's stored values with the migrating
engine's key ring; :func:`execute_for_dialect` runs the statements written for
the bind's database.

Migrations are history: these helpers must go on building exactly what the
revisions that call them built when they were written. The tests under
``tests/care/migrations`` compare the schema after every revision, up and
down, on SQLite and PostgreSQL with a snapshot recorded before the helpers
existed. Change a helper's output only by adding a new helper.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic import op

__all__ = [
    "BIG_INT",
    "actor",
    "Col",
    "Table",
    "blind_indexes",
    "case_child",
    "col",
    "columns",
    "create",
    "double",
    "drop",
    "encrypted",
    "execute_for_dialect",
    "flag",
    "integer",
    "json",
    "organization",
    "person_record",
    "real",
    "ref",
    "rewrite_values",
    "sensitivity",
    "stamp",
    "string",
    "tables",
    "text",
    "training_record",
    "user_owned",
]

#: A 64-bit integer (SQLite's INTEGER is 64-bit already; its rowid alias).
BIG_INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: The attribute on the engine's dialect that holds its key ring (set by
#: ``nowrongdoor.care.db``; a string here so migrations import no models).
CIPHER_ATTR = "nowrongdoor_cipher"


@dataclass(frozen=True)
class Col:
    """One column of a new table.

    Attributes:
        name: Column name.
        type_: Its SQLAlchemy type.
        null: Whether it may be NULL.
        ref: The table whose ``id`` it refers to (a named foreign key).
        ondelete: The foreign key's ``ON DELETE`` action.
        index: Give it its own index ``ix_<table>_<name>``.
        unique: Give it its own unique constraint ``uq_<table>_<name>``.
        extra: Further ``sa.Column`` keywords (``autoincrement=False``).
    """

    name: str
    type_: Any
    null: bool = False
    ref: str | None = None
    ondelete: str | None = None
    index: bool = False
    unique: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def column(self) -> sa.Column[Any]:
        """The ``sa.Column`` to create."""
        return sa.Column(self.name, self.type_, nullable=self.null, **self.extra)


def col(name: str, type_: Any, *, null: bool = False, **kw: Any) -> Col:
    """A column of any type (``index=``, ``unique=``, ``extra=`` as on Col)."""
    return Col(name, type_, null, **kw)


def integer(name: str, *, null: bool = False, **kw: Any) -> Col:
    """An INTEGER column."""
    return col(name, sa.Integer(), null=null, **kw)


def string(name: str, length: int, *, null: bool = False, **kw: Any) -> Col:
    """A VARCHAR(``length``) column."""
    return col(name, sa.String(length=length), null=null, **kw)


def text(name: str, *, null: bool = False, **kw: Any) -> Col:
    """A TEXT column."""
    return col(name, sa.Text(), null=null, **kw)


def stamp(name: str, *, null: bool = False, **kw: Any) -> Col:
    """A timestamp (``DateTime``; the models store UTC)."""
    return col(name, sa.DateTime(), null=null, **kw)


def flag(name: str, *, null: bool = False) -> Col:
    """A BOOLEAN column."""
    return col(name, sa.Boolean(), null=null)


def double(name: str, *, null: bool = False) -> Col:
    """A DOUBLE column."""
    return col(name, sa.Double(), null=null)


def real(name: str, *, null: bool = False) -> Col:
    """A FLOAT column."""
    return col(name, sa.Float(), null=null)


def json(name: str, *, null: bool = False) -> Col:
    """A JSON column."""
    return col(name, sa.JSON(), null=null)


def ref(
    name: str,
    table: str,
    *,
    null: bool = False,
    ondelete: str | None = None,
    index: bool = False,
    unique: bool = False,
) -> Col:
    """An INTEGER column referring to ``table.id`` through a named foreign key."""
    return Col(name, sa.Integer(), null, table, ondelete, index, unique)


def organization(**kw: Any) -> Col:
    """``organization_id``: the organisation that owns the record."""
    return ref("organization_id", "organization", **kw)


def case_child(*, null: bool = False) -> Col:
    """``case_id`` of a record that belongs to a case: indexed, and deleted
    with its case."""
    return ref("case_id", "care_case", null=null, ondelete="CASCADE", index=True)


def person_record(*, null: bool = False) -> Col:
    """``person_id`` of a record about a person, indexed."""
    return ref("person_id", "person", null=null, index=True)


def user_owned(**kw: Any) -> Col:
    """``user_id`` of a record that belongs to a user and goes with them."""
    return ref("user_id", "app_user", ondelete="CASCADE", **kw)


def actor(name: str) -> Col:
    """A nullable reference to the user who did something (``created_by_id``,
    ``owner_id``, ...)."""
    return ref(name, "app_user", null=True)


def sensitivity() -> Col:
    """The record's sensitivity mark (``normal`` or ``part2``)."""
    return string("sensitivity", 16)


def training_record() -> list[Col]:
    """A user's training record: its user (deleted with them), organisation
    and course."""
    return [user_owned(), organization(), string("course_id", 64)]


def encrypted(*names: str) -> list[Col]:
    """Nullable TEXT columns holding ciphertext (the models' encrypted types)."""
    return [text(name, null=True) for name in names]


def blind_indexes(*names: str) -> list[Col]:
    """Nullable, indexed ``<name>_bidx`` columns: the keyed blind indexes that
    find an encrypted value by equality."""
    return [string(f"{name}_bidx", 64, null=True, index=True) for name in names]


@dataclass(frozen=True)
class Table:
    """A table a revision creates.

    Attributes:
        name: Table name.
        columns: Its columns in order; an integer ``id`` primary key column
            comes first unless ``key`` names other columns.
        key: The primary key's columns.
        unique: Unique constraints over several columns, as (name or None for
            ``uq_<table>_<first column>``, columns).
        indexes: Indexes over several columns, name to columns.
    """

    name: str
    columns: Sequence[Col]
    key: Sequence[str] = ("id",)
    unique: Sequence[tuple[str | None, Sequence[str]]] = ()
    indexes: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def all_columns(self) -> list[Col]:
        """The columns, the implied ``id`` first."""
        implied = [integer("id")] if tuple(self.key) == ("id",) else []
        return implied + list(self.columns)

    def index_list(self) -> list[tuple[str, list[str]]]:
        """Every index to create: one-column ones, then the named ones."""
        own = [(f"ix_{self.name}_{c.name}", [c.name]) for c in self.columns if c.index]
        return own + [(name, list(cols)) for name, cols in self.indexes.items()]

    def elements(self) -> list[Any]:
        """The columns and constraints ``op.create_table`` takes."""
        columns = self.all_columns()
        fks = [
            sa.ForeignKeyConstraint(
                [c.name],
                [f"{c.ref}.id"],
                name=op.f(f"fk_{self.name}_{c.name}_{c.ref}"),
                ondelete=c.ondelete,
            )
            for c in sorted(columns, key=lambda c: c.name)
            if c.ref
        ]
        uniques = [
            sa.UniqueConstraint(c.name, name=op.f(f"uq_{self.name}_{c.name}"))
            for c in columns
            if c.unique
        ] + [
            sa.UniqueConstraint(
                *cols, name=name if name else op.f(f"uq_{self.name}_{cols[0]}")
            )
            for name, cols in self.unique
        ]
        return [
            *(c.column() for c in columns),
            *fks,
            sa.PrimaryKeyConstraint(*self.key, name=op.f(f"pk_{self.name}")),
            *uniques,
        ]


def create(*tables: Table) -> None:
    """Create ``tables`` in order, each with its indexes."""
    for table in tables:
        op.create_table(table.name, *table.elements())
        for name, columns in table.index_list():
            op.create_index(op.f(name), table.name, columns, unique=False)


def drop(*tables: Table) -> None:
    """Drop ``tables`` in reverse order, each after its indexes."""
    for table in reversed(tables):
        for name, _ in reversed(table.index_list()):
            op.drop_index(op.f(name), table_name=table.name)
        op.drop_table(table.name)


def tables(*new: Table) -> tuple[Callable[[], None], Callable[[], None]]:
    """The ``upgrade`` and ``downgrade`` of a revision that only adds tables."""

    def upgrade() -> None:
        create(*new)

    def downgrade() -> None:
        drop(*new)

    return upgrade, downgrade


def columns(table: str, *new: Col) -> tuple[Callable[[], None], Callable[[], None]]:
    """The ``upgrade`` and ``downgrade`` of a revision that only adds columns
    to ``table`` (dropped in reverse order on the way down)."""

    def upgrade() -> None:
        with op.batch_alter_table(table) as batch:
            for c in new:
                batch.add_column(c.column())

    def downgrade() -> None:
        with op.batch_alter_table(table) as batch:
            for c in reversed(new):
                batch.drop_column(c.name)

    return upgrade, downgrade


#: A value's new column values given the key ring and its stored value.
Rewrite = Callable[[Any, str], dict[str, Any]]


def rewrite_values(rewrites: Sequence[tuple[str, str, Rewrite]]) -> None:
    """Re-encode stored values row by row with the migrating engine's key ring.

    Args:
        rewrites: (table, column, rewrite): every row of ``table`` whose
            ``column`` is not NULL gets the columns ``rewrite(cipher, value)``
            returns (encrypt, decrypt, a blind index).

    Raises:
        RuntimeError: When there are values to rewrite and the engine has no
            key ring (``nowrongdoor db upgrade`` binds one).
    """
    bind = op.get_bind()
    found = [
        (
            table,
            rewrite,
            bind.execute(
                sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")
            ).all(),
        )
        for table, column, rewrite in rewrites
    ]
    pending = sum(len(rows) for _, _, rows in found)
    cipher = getattr(bind.dialect, CIPHER_ATTR, None)
    if cipher is None and pending:
        raise RuntimeError(
            f"{pending} value(s) must be encrypted but the migrating engine has no "
            "key ring; run `nowrongdoor db upgrade`"
        )
    for table, rewrite, rows in found:
        for row_id, value in rows:
            values = rewrite(cipher, value)
            sets = ", ".join(f"{name} = :{name}" for name in values)
            bind.execute(
                sa.text(f"UPDATE {table} SET {sets} WHERE id = :row_id"),
                {**values, "row_id": row_id},
            )


def execute_for_dialect(statements: Mapping[str, Sequence[str]]) -> None:
    """Run the statements written for the bind's dialect (``sqlite``,
    ``postgresql``), in order."""
    for statement in statements[op.get_bind().dialect.name]:
        op.execute(statement)
