"""Alembic migrations of the care schema; run them with ``nowrongdoor db upgrade``."""
