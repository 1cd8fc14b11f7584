"""Text normalisation and matching shared by ads and case notes.

from nowrongdoor.text import normalize, numeric_view, find_lexicon_terms
norm = normalize("call nine0three 3l2 one8eight7 \\u2764")
numeric_view(norm).text          # 'call 903 312 1887 \\u2764'
norm.to_original(5, 10)          # span in the original text
scan_note("Denies anyone takes her money. Her boyfriend keeps her ID.")
                                 # (NoteHit(indicator='documents', ...),)
"""

from nowrongdoor.text._caseless import CaselessPattern, lower_text
from nowrongdoor.text._dispatch import branch_name, dispatch_pattern, guard_pattern
from nowrongdoor.text._lexicon import CONTEXT_WINDOW, TermMatch, find_lexicon_terms
from nowrongdoor.text._normalize import Normalized, TextBuilder, normalize
from nowrongdoor.text._note_rules import NOTE_INDICATORS, NoteIndicator
from nowrongdoor.text._notes import NoteHit, note_indicator, scan_note
from nowrongdoor.text._numbers import NUMBER_WORDS, numeric_view, word_to_number
from nowrongdoor.text._prefilter import LiteralSet, literal_set
from nowrongdoor.text._trie import trie_pattern

__all__ = [
    "CaselessPattern",
    "lower_text",
    "branch_name",
    "dispatch_pattern",
    "guard_pattern",
    "CONTEXT_WINDOW",
    "NOTE_INDICATORS",
    "NoteHit",
    "NoteIndicator",
    "note_indicator",
    "scan_note",
    "TermMatch",
    "find_lexicon_terms",
    "LiteralSet",
    "literal_set",
    "NUMBER_WORDS",
    "Normalized",
    "TextBuilder",
    "normalize",
    "numeric_view",
    "trie_pattern",
    "word_to_number",
]
