"""Ranked full-text search over the partner directory: an index table kept by
database triggers (SQLite FTS5 / PostgreSQL tsvector with a GIN index).

Each service is indexed in four weighted parts: its names (A), its taxonomy
terms (B), its organisation's names (C), its description and eligibility (D).
The triggers keep the index in step with every write to ``partner_service`` and
with renames of an ``organization``, whoever writes (HSDS import, seed, SQL).

Create Date: 2026-12-06 22:45:00
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "s23_partner_search"
down_revision: str | None = "0004_fhir_clients"

# SQLite: the FTS5 row's four columns for service ``s`` (``new`` in triggers)
_SQLITE_ROW = """
    {s}.id,
    {s}.name || ' ' || coalesce({s}.alternate_name, ''),
    replace(replace({s}.service_types, '|', ' '), '_', ' '),
    (SELECT o.name || ' ' || coalesce(o.alternate_name, '')
       FROM organization o WHERE o.id = {s}.organization_id),
    coalesce({s}.description, '') || ' ' || coalesce({s}.eligibility, '')
"""
_SQLITE_INSERT = (
    "INSERT INTO partner_service_fts (rowid, name, types, organization, body)"
)

_SQLITE_UP = [
    # porter: "shelters" finds "shelter"; remove_diacritics: "refugio" = "refúgio"
    "CREATE VIRTUAL TABLE partner_service_fts USING fts5("
    "name, types, organization, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER partner_service_fts_insert AFTER INSERT ON partner_service "
    f"BEGIN {_SQLITE_INSERT} SELECT {_SQLITE_ROW.format(s='new')}; END",
    "CREATE TRIGGER partner_service_fts_delete AFTER DELETE ON partner_service "
    "BEGIN DELETE FROM partner_service_fts WHERE rowid = old.id; END",
    f"CREATE TRIGGER partner_service_fts_update AFTER UPDATE ON partner_service "
    f"BEGIN DELETE FROM partner_service_fts WHERE rowid = old.id; "
    f"{_SQLITE_INSERT} SELECT {_SQLITE_ROW.format(s='new')}; END",
    "CREATE TRIGGER partner_service_fts_organization "
    "AFTER UPDATE OF name, alternate_name ON organization "
    "BEGIN UPDATE partner_service_fts "
    "SET organization = new.name || ' ' || coalesce(new.alternate_name, '') "
    "WHERE rowid IN (SELECT id FROM partner_service WHERE organization_id = new.id); "
    "END",
    f"{_SQLITE_INSERT} SELECT {_SQLITE_ROW.format(s='partner_service')} "
    "FROM partner_service",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS partner_service_fts_organization",
    "DROP TRIGGER IF EXISTS partner_service_fts_update",
    "DROP TRIGGER IF EXISTS partner_service_fts_delete",
    "DROP TRIGGER IF EXISTS partner_service_fts_insert",
    "DROP TABLE IF EXISTS partner_service_fts",
]

_PG_UP = [
    "CREATE TABLE partner_service_search ("
    " service_id integer PRIMARY KEY"
    "  REFERENCES partner_service (id) ON DELETE CASCADE,"
    " document tsvector NOT NULL)",
    "CREATE INDEX ix_partner_service_search_document "
    "ON partner_service_search USING gin (document)",
    """
    CREATE FUNCTION partner_service_search_sync(sid integer) RETURNS void
    LANGUAGE sql AS $$
      INSERT INTO partner_service_search (service_id, document)
      SELECT s.id,
        setweight(to_tsvector('english',
          s.name || ' ' || coalesce(s.alternate_name, '')), 'A')
        || setweight(to_tsvector('english',
          translate(s.service_types, '|_', '  ')), 'B')
        || setweight(to_tsvector('english',
          coalesce(o.name, '') || ' ' || coalesce(o.alternate_name, '')), 'C')
        || setweight(to_tsvector('english',
          coalesce(s.description, '') || ' ' || coalesce(s.eligibility, '')), 'D')
      FROM partner_service s LEFT JOIN organization o ON o.id = s.organization_id
      WHERE s.id = sid
      ON CONFLICT (service_id) DO UPDATE SET document = EXCLUDED.document
    $$
    """,
    """
    CREATE FUNCTION partner_service_search_on_service() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM partner_service_search_sync(NEW.id);
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER partner_service_search_service "
    "AFTER INSERT OR UPDATE ON partner_service "
    "FOR EACH ROW EXECUTE FUNCTION partner_service_search_on_service()",
    """
    CREATE FUNCTION partner_service_search_on_organization() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM partner_service_search_sync(s.id)
        FROM partner_service s WHERE s.organization_id = NEW.id;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER partner_service_search_organization "
    "AFTER UPDATE OF name, alternate_name ON organization "
    "FOR EACH ROW EXECUTE FUNCTION partner_service_search_on_organization()",
    "SELECT partner_service_search_sync(id) FROM partner_service",
]
_PG_DOWN = [
    "DROP TRIGGER IF EXISTS partner_service_search_organization ON organization",
    "DROP TRIGGER IF EXISTS partner_service_search_service ON partner_service",
    "DROP FUNCTION IF EXISTS partner_service_search_on_organization()",
    "DROP FUNCTION IF EXISTS partner_service_search_on_service()",
    "DROP FUNCTION IF EXISTS partner_service_search_sync(integer)",
    "DROP TABLE IF EXISTS partner_service_search",
]


def upgrade() -> None:
    """Apply this revision."""
    _ops.execute_for_dialect({"postgresql": _PG_UP, "sqlite": _SQLITE_UP})


def downgrade() -> None:
    """Revert this revision."""
    _ops.execute_for_dialect({"postgresql": _PG_DOWN, "sqlite": _SQLITE_DOWN})
