"""Ranked full-text matching of partner services (private).

The index is kept by database triggers (migration ``s23_partner_search``):
SQLite FTS5 table ``partner_service_fts`` (rowid = service id) or PostgreSQL
table ``partner_service_search`` (a weighted ``tsvector`` with a GIN index).
Both engines answer one contract: a service matches when it holds every word of
the query (a word also matches as a prefix: "shelt" finds "shelter", and word
endings are stemmed: "shelters" finds "shelter"); the rank weighs where a word
was found - the service's names 10, taxonomy terms 4, organisation's names 2,
description and eligibility 1 (the ratios of PostgreSQL's default weights
A 1.0 / B 0.4 / C 0.2 / D 0.1, given to FTS5's ``bm25``). Callers order by rank
(best first), then name, then id.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Subquery, column, func, literal, literal_column, select, table
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnClause

# the stop words PostgreSQL's ``english`` configuration leaves out of its index
# (share/tsearch_data/english.stop, the Snowball English list); dropped from
# every query so both engines look for the same words
_STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he
    him his himself she her hers herself it its itself they them their theirs
    themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or
    because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few
    more most other some such no nor not only own same so than too very s t can
    will just don should now""".split()
)
_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 8
# FTS5 bm25 column weights: name, types, organization, body
_BM25_WEIGHTS = (10.0, 4.0, 2.0, 1.0)

_FTS = table("partner_service_fts", column("rowid"))
_PG_SEARCH = table("partner_service_search", column("service_id"), column("document"))


def search_words(text: str) -> list[str]:
    """The words of ``text`` a search looks for (lower case, no stop words)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP_WORDS]
    return list(dict.fromkeys(words))[:_MAX_WORDS]


def service_hits(session: Session, words: list[str]) -> Subquery:
    """The services holding every one of ``words``, with their rank.

    Args:
        session: Database session (its engine picks FTS5 or tsvector).
        words: Words from :func:`search_words` (letters and digits only).

    Returns:
        A subquery with columns ``service_id`` and ``rank`` (higher = better).
    """
    if session.get_bind().dialect.name == "postgresql":
        query = func.to_tsquery(
            literal_column("'english'::regconfig"),
            literal(" & ".join(f"{w}:*" for w in words)),
        )
        return (
            select(
                _PG_SEARCH.c.service_id.label("service_id"),
                func.ts_rank(_PG_SEARCH.c.document, query).label("rank"),
            )
            .where(_PG_SEARCH.c.document.op("@@")(query))
            .subquery("hits")
        )
    fts: ColumnClause[Any] = literal_column("partner_service_fts")
    match = " ".join(f'"{w}"*' for w in words)
    return (
        select(
            _FTS.c.rowid.label("service_id"),
            (-func.bm25(fts, *_BM25_WEIGHTS)).label("rank"),
        )
        .where(fts.op("MATCH")(literal(match)))
        .subquery("hits")
    )
