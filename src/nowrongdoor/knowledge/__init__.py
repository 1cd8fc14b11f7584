"""The deck's knowledge as cited, typed data.

Every part of nowrongdoor (screening, population risk, ad indicators, case-note
highlighting, training pages) reads the same entries::

    from nowrongdoor.knowledge import load_knowledge
    kb = load_knowledge()
    kb.get("lexicon.bottom").text
    [hit.entry.id for hit in kb.search("bottom")]
"""

from nowrongdoor.knowledge import _loader, _models
from nowrongdoor.knowledge._loader import *  # noqa: F403
from nowrongdoor.knowledge._models import *  # noqa: F403

__all__ = [*_loader.__all__, *_models.__all__]
