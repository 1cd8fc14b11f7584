"""Spanish and Portuguese number words for the numeric view (private).

Ads in the United States are often written in Spanish or Portuguese, or give the
phone number in those words to get past filters ("tres uno siete cinco cinco
cinco ..."). Two tables, from the languages' standard cardinal numbers (Real
Academia Española, *Ortografía* 2010, "los numerales cardinales"; Acordo
Ortográfico da Língua Portuguesa 1990), with and without their accents:

* :data:`FOREIGN_DIGITS`, the words for 0-9. Several are everyday words in
  English or the other language ("dos", "tres", "um", "seis"), so the numeric
  view writes them as digits only inside a run that is clearly a number, as it
  does for English homophones ("for", "too"); unlike those, they count as
  digits toward the run being clear ("tres uno siete ..." is all words).
* :data:`FOREIGN_NUMBERS`, the words for 12-59 that can be an age ("diecisiete",
  "veintidós", "dezessete", "treinta y dos", "vinte e um"): no English word is
  spelled like them, so they are written as digits wherever they stand. 10 and
  11 ("diez", "once", "dez", "onze") are left out: "once" is an English word
  and neither is an age the extractor reads.
"""

from __future__ import annotations

__all__ = [
    "FOREIGN_AND",
    "FOREIGN_DIGITS",
    "FOREIGN_NUMBERS",
    "FOREIGN_TENS",
    "FRENCH_DIGITS",
    "FRENCH_RUN",
]

_DIGITS: dict[int, tuple[str, ...]] = {
    0: ("cero", "zero"),
    1: ("uno", "um"),
    2: ("dos", "dois", "duas"),
    3: ("tres", "três"),
    4: ("cuatro", "quatro"),
    5: ("cinco",),
    6: ("seis",),
    7: ("siete", "sete"),
    8: ("ocho", "oito"),
    9: ("nueve", "nove"),
}
#: Spanish and Portuguese words for 0-9 (lower case), except "zero", which the
#: English table already reads.
FOREIGN_DIGITS: dict[str, int] = {
    w: v for v, words in _DIGITS.items() for w in words if w != "zero"
}

_TEENS_AND_TWENTIES: dict[int, tuple[str, ...]] = {
    12: ("doce", "doze"),
    13: ("trece", "treze"),
    14: ("catorce", "catorze", "quatorze"),
    15: ("quince", "quinze"),
    16: ("dieciséis", "dieciseis", "dezesseis", "dezasseis"),
    17: ("diecisiete", "dezessete", "dezassete"),
    18: ("dieciocho", "dezoito"),
    19: ("diecinueve", "dezenove", "dezanove"),
    20: ("veinte", "vinte"),
    21: ("veintiuno", "veintiún", "veintiun"),
    22: ("veintidós", "veintidos"),
    23: ("veintitrés", "veintitres"),
    24: ("veinticuatro",),
    25: ("veinticinco",),
    26: ("veintiséis", "veintiseis"),
    27: ("veintisiete",),
    28: ("veintiocho",),
    29: ("veintinueve",),
    30: ("treinta", "trinta"),
    40: ("cuarenta", "quarenta"),
    50: ("cincuenta", "cinquenta", "cinqüenta"),
}
#: Words for 12-29 and the tens 30-50 (lower case): written as digits anywhere.
FOREIGN_NUMBERS: dict[str, int] = {
    w: v for v, words in _TEENS_AND_TWENTIES.items() for w in words
}
#: The tens words a unit joins with "y" (Spanish) or "e" (Portuguese):
#: "treinta y dos" is 32, "vinte e um" 21.
FOREIGN_TENS: tuple[str, ...] = tuple(
    w for v, words in _TEENS_AND_TWENTIES.items() if v % 10 == 0 for w in words
)
#: The words that join tens and a unit.
FOREIGN_AND: tuple[str, ...] = ("y", "e")

#: French words for 1-9 (lower case); "zéro" and "six" are read as the English
#: words.
FRENCH_DIGITS: dict[str, int] = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
#: French digit words a clear run needs before they are digits.
FRENCH_RUN = 3
