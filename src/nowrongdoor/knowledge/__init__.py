"""The deck's knowledge as cited, typed data.

Every part of nowrongdoor (screening, population risk, ad indicators, case-note
highlighting, training pages) reads the same entries::

    from nowrongdoor.knowledge import load_knowledge
    kb = load_knowledge()
    kb.get("lexicon.bottom").text
    [hit.entry.id for hit in kb.search("bottom")]
"""

from nowrongdoor.knowledge._loader import (
    KnowledgeBase,
    KnowledgeError,
    SearchHit,
    UnknownEntryError,
    data_files,
    load_knowledge,
    load_knowledge_from,
)
from nowrongdoor.knowledge._models import (
    Entry,
    Indicator,
    LegalElement,
    LexiconTerm,
    PartnerType,
    Pathway,
    Resource,
    SectionFile,
    Statistic,
    Table,
)

__all__ = [
    "Entry",
    "Indicator",
    "KnowledgeBase",
    "KnowledgeError",
    "LegalElement",
    "LexiconTerm",
    "PartnerType",
    "Pathway",
    "Resource",
    "SearchHit",
    "SectionFile",
    "Statistic",
    "Table",
    "UnknownEntryError",
    "data_files",
    "load_knowledge",
    "load_knowledge_from",
]
