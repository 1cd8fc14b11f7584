"""The case-note indicators and the phrase classes that find them (private).

Each indicator is one of the deck's signs of trafficking, for minors and adults,
written as classes of phrasing (a third person + a control verb + what is
controlled), not as example sentences. Every indicator cites the knowledge-base
entries it rests on. The engine that applies them (negation, quotation, who the
subject is) is in ``_notes.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["NOTE_INDICATORS", "NoteIndicator", "Rule"]

#: How a rule's match is checked against the subject of its clause.
#: ``other``: the subject must be someone other than the person the possessive
#: names ("he keeps her ID", not "she keeps her ID"), and not a legitimate
#: custodian (a parent, a caseworker, staff). ``any``: no check.
Subject = Literal["other", "any"]


@dataclass(frozen=True)
class Rule:
    """One phrase class.

    Attributes:
        pattern: Compiled regular expression (case-insensitive).
        subject: How the clause's subject is checked (see :data:`Subject`).
        needs: A second pattern that must occur in the same sentence.
        unless: A pattern that, in the same sentence, makes the match ordinary.
    """

    pattern: re.Pattern[str]
    subject: Subject = "any"
    needs: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None


@dataclass(frozen=True)
class NoteIndicator:
    """A case-note indicator.

    Attributes:
        id: Stable id (``documents``, ``money``...).
        title: What it means, in a few words.
        population: ``minor``, ``adult`` or ``any``: whom the deck names it for.
        citations: Knowledge-base entry ids it rests on.
        rules: Phrase classes; any one finds it.
    """

    id: str
    title: str
    population: Literal["minor", "adult", "any"]
    citations: tuple[str, ...]
    rules: tuple[Rule, ...]


def _re(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE | re.VERBOSE)


def _r(
    text: str,
    subject: Subject = "any",
    needs: str | None = None,
    unless: str | None = None,
) -> Rule:
    return Rule(
        _re(text),
        subject,
        _re(needs) if needs else None,
        _re(unless) if unless else None,
    )


# -- shared phrase fragments ------------------------------------------------------

#: Whose thing it is: a possessive (pronoun, "the workers'", "everyone's").
_POSS = r"""(?:(?:all\s+(?:of\s+)?)?(?:her|his|their|my|your|our|everyone'?s|the\s+\w+s'
    |the\s+\w+'s|a\s+\w+'s)(?:\s+own)?)"""
_DOCS = r"""(?:passports?|ids?|i\.d\.?s?|id\s+cards?|identification(?:\s+cards?)?
    |documents?|papers|birth\s+certificates?|social\s+security\s+cards?|ss\s+cards?
    |green\s+cards?|visas?|work\s+permits?|immigration\s+(?:papers|documents)
    |driver'?s\s+licen[cs]es?|licen[cs]es?|state\s+ids?|wallets?)\b"""
_MONEY = r"""(?:money|earnings|wages|pay(?:check)?s?|salary|tips|cash|checks?|cents?
    |ssi(?:\s+checks?)?|disability(?:\s+checks?)?|benefits|trap\s+money|finances)\b"""
_PHONE = r"(?:(?:cell\s*)?phones?|cells?|cellphones?|sim(?:\s+cards?)?)\b"
#: Someone other than the person: a pronoun or a role.
_OTHER = r"""(?:he|she|they|him|them|someone|somebody|another\s+(?:girl|woman|man)
    |an?\s+(?:older\s+)?(?:girl|woman|man|guy)|the\s+(?:man|woman|guy|owner|boss
    |manager|employer|supervisor|recruiter|agency|crew\s+(?:leader|boss)|contractor
    |house(?:\s+(?:mother|manager))?)|her\s+(?:boyfriend|partner|husband|manager
    |pimp|daddy|trafficker)|his\s+(?:boss|employer))"""
_PERIOD = r"""(?:a|per|each|every|that)\s+(?:night|day|shift|weekend|week|date)
    |nightly|daily|tonight|a\s+night|each\s+night"""


NOTE_INDICATORS: tuple[NoteIndicator, ...] = (
    NoteIndicator(
        id="documents",
        title="Someone else holds the person's ID, passport or papers",
        population="any",
        citations=(
            "indicators.any_no_freedom",
            "roles.control",
            "definitions.visible_invisible_chains",
        ),
        rules=(
            _r(
                rf"""\b(?:keeps?|kept|keeping|holds?|held|holding|took|takes|taken
                |taking|has|have|had|confiscat\w+|collect(?:s|ed|ing)?|retains?
                |retained|withh[oe]ld\w*|seiz\w+|locked\s+up|won'?t\s+(?:give|return))
                (?:\s+(?:on)?to|\s+away|\s+onto)?\s+(?:\w+\s+){{0,2}}?{_POSS}\s+
                (?:\w+\s+)?{_DOCS}""",
                subject="other",
                unless=r"\bcop(?:y|ies)\s+of\b",
            ),
            _r(
                rf"""\b{_DOCS}(?:\s+and\s+(?:\w+\s+){{0,2}}{_DOCS})?\s+(?:is|are|was
                |were)\s+(?:kept|held|locked\s+up|taken|confiscated|collected)?\s*
                (?:by|with)\s+(?!her\s+own)""",
            ),
            _r(
                rf"""\bno\s+access\s+to\s+{_POSS}\s+(?:\w+\s+)?{_DOCS}""",
            ),
            _r(
                rf"""\b(?:keeps?|kept|holds?|held|took|takes|collect(?:s|ed)?
                |confiscat\w+|retains?)\s+(?:all\s+(?:of\s+)?)?the\s+{_DOCS}\s+
                (?:of|for|from)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:workers|girls
                |women|employees|everyone|them|the\s+others)\b""",
                subject="other",
            ),
            _r(
                r"""\b(?:(?:her|his|the|their)\s+(?:boyfriend|partner|husband|manager
                |boss|employer|owner|sponsor|supervisor|recruiter|pimp|agency
                |contractor|trafficker)|he|they|someone|somebody)\s+(?:\w+\s+)?
                (?:took|takes|keeps|kept|retains|holds|has)\s+(?:them|it)\b""",
                needs=_DOCS,
            ),
            _r(
                r"""\b(?:refus\w+\s+to|won'?t|will\s+not|would\s+not)\s+(?:return
                |give\s+back|hand\s+back|give)\s+(?:it|them|her\s+\w+|his\s+\w+)
                (?:\s+back)?\b""",
                needs=_DOCS,
            ),
        ),
    ),
    NoteIndicator(
        id="money",
        title="Someone else takes or controls the person's earnings",
        population="any",
        citations=("roles.control", "roles.bottom_duties", "economics.about_money"),
        rules=(
            _r(
                rf"""\b(?:takes?|took|taking|keeps?|kept|collects?|collected|controls?
                |controlled|cash(?:es|ed)|withh[oe]lds?|withheld|manages?|holds?)\s+
                (?:\w+\s+){{0,3}}?(?:her|his|their|my|the|every)\s+(?:\w+\s+)?
                {_MONEY}""",
                subject="other",
                unless=r"representative\s+payee|\bpayee\b|rest\s+of",
            ),
            _r(
                r"""\btak(?:es|e|ing)\s+(?:most|all|half|everything|a\s+(?:big\s+)?cut
                |the\s+bulk)\b(?:\s+of\s+(?:it|them|her\s+\w+|the\s+\w+))?""",
                subject="other",
                needs=r"\b(?:money|cash|pay|paid|earn\w*|wages|tips)\b|\$",
            ),
            _r(
                rf"""\b(?:hands?|handing|handed|turns?|turned|turning|gives?|gave
                |giving|give)\s+(?:over\s+)?(?:all\s+(?:of\s+)?)?(?:her|his|their|my
                |the|every)?\s*(?:\w+\s+)?(?:{_MONEY}|dollar)(?:\s+\w+){{0,4}}?\s+to\s+
                (?!(?:her|his|their|my)\s+own)(?:him|her|them|the|a|his|my|\w+)""",
            ),
            _r(
                rf"""(?:\bnot|\bnever|n't)\s+(?:get\s+to\s+)?(?:keep|kept|keeps)\s+
                (?:any\s+)?(?:of\s+)?(?:the|her|his|their)\s+{_MONEY}""",
            ),
            _r(
                rf"""\b(?:has\s+)?never\s+(?:been\s+paid\b|(?:received|gotten|got)\s+
                (?:any\s+)?(?:of\s+)?(?:her\s+|his\s+|their\s+)?{_MONEY})
                |\b(?:(?:is|are|was|were)\s+not|isn'?t|aren'?t|wasn'?t|weren'?t)\s+
                (?:being\s+)?paid\b|\bwithout\s+pay\b""",
                unless=r"\bvacation|\b(?:paid|unpaid|sick|maternity|medical)\s+leave\b",
            ),
            _r(
                r"""\b(?:all|it\s+all|everything)\s+goes\s+to\s+(?:him|her\s+\w+|them)\b
                |\bwhatever\s+is\s+left\s+after\b
                |\baccount\s+(?:that\s+)?(?:she|he|they)\s+(?:cannot|can'?t|has\s+no)
                |\bask(?:s|ed)?\s+(?:him|her\s+\w+|them)\s+for\s+money\b
                |\bgives?\s+her\s+\$\s?\d+\s+(?:a|per)\s+week
                |\bgives?\s+her\s+an\s+allowance\b
                |\b(?:gives?|gave|hands?|handed)\s+(?:him|them)\s+(?:all\s+(?:of\s+)?)?
                (?:her|his|their|the)\s+(?:\w+\s+)?(?:money|earnings|wages|pay
                |paycheck|cash|tips)\b
                |\bdeducts?\b[^.;]{0,30}\bfrom\s+(?:her|his|their)\s+pay
                |\b(?:give|gives|gave|hand|hands|handed)\s+(?:him|them|her\s+\w+
                |the\s+\w+)\s+(?:everything|all|most|half|whatever)\b[^.;]{0,20}?
                \b(?:earns?|makes?|made|gets?|is\s+paid)\b
                |\bnot\s+allowed\s+(?:to\s+)?(?:have|open|keep)\s+(?:her|his|a)\s+
                (?:own\s+)?(?:bank\s+account|money|debit\s+card|account)
                |\b(?:has|have|had)\s+not\s+paid\s+(?:her|him|them)\b
                |\b(?:hasn'?t|haven'?t|never)\s+paid\s+(?:her|him|them)\b
                |\bunpaid\s+(?:wages|work|labou?r)\b
                |\bhand(?:s)?\s+(?:all\s+of\s+it|it\s+all|everything)\s+(?:over\s+)?
                to\s+(?:him|her\s+\w+|them)""",
            ),
        ),
    ),
    NoteIndicator(
        id="phone",
        title="The person's phone is taken, checked or tracked by someone else",
        population="any",
        citations=("indicators.any_controlling_companion", "roles.control"),
        rules=(
            _r(
                rf"""\b(?:took|takes|taken|taking|keeps?|kept|holds?|held|confiscat\w+
                |collect(?:s|ed)?|smashed|broke|destroyed|checks?|checked|reads?
                |monitors?|monitored|tracks?|tracked|goes\s+through|went\s+through
                |looks\s+through|has|have|controls?|controlled|searche[sd]|search)\s+
                (?:away\s+)?(?:all\s+(?:of\s+)?)?
                (?:{_POSS})\s+(?:\w+\s+)?(?:{_PHONE}|texts|messages|calls
                |social\s+media)""",
                subject="other",
                unless=r"\bphone\s+bill|screen\s+time|family\s+rules",
            ),
            _r(
                rf"""\b{_PHONE}\s+(?:was|were|is|are|got|gets|get)\s+(?:taken|kept
                |smashed|confiscated|tracked|monitored|locked|checked|read|searched
                |gone\s+through)""",
            ),
            _r(
                rf"""\bhand\s+over\s+(?:her|his|their|the)\s+{_PHONE}
                |\btracking\s+app\b|\bhis\s+passcode\b
                |\b(?:not\s+(?:allowed|permitted)|cannot|can'?t)\s+(?:to\s+)?(?:use
                |make|have|call)\s+(?:a\s+|her\s+|the\s+|any\s+)?(?:{_PHONE}|calls)
                |\bwithout\s+permission\b(?=.*\bcalls?\b)
                |\b(?:does\s+not|doesn'?t)\s+have\s+a\s+phone\s+of\s+her\s+own
                |\bphone\b[^.;]{{0,40}}\bbelongs\s+to\s+(?:her|his)\s+(?!own)\w+
                |\bdeleted\s+(?:her|his)\s+(?:social\s+media|accounts)
                |\b(?:tracks?|monitors?|follows?|checks?)\s+(?:her|his|their)\s+
                (?:location|whereabouts)\b
                |\bonly\s+(?:use|have|make\s+calls\s+on)\s+(?:the|her|a)\s+phone\s+when
                \s+(?:he|she|they)\b
                |(?:\bnot|\bnever|n't)\s+(?:allow|let)s?\s+her\s+(?:to\s+)?(?:have|use
                |keep)\s+(?:a|her|the)\s+phone\b
                |\b(?:give|gives|hand|hands|turn|turns)\s+(?:in\s+|over\s+)?(?:her|his
                |their)\s+(?:cell\s*)?phones?\s+(?:over\s+)?to\b""",
                unless=r"\bat\s+school\b|\bin\s+class\b|\bschool\s+rules?\b|\bgrounded\b",
            ),
            _r(
                r"""\b(?:checks?|checked|monitors?|reads?|goes\s+through|looks\s+at)\s+
                it\b""",
                subject="other",
                needs=_PHONE,
            ),
        ),
    ),
    NoteIndicator(
        id="movement",
        title="The person cannot move freely: kept, locked in, escorted, watched",
        population="any",
        citations=("indicators.any_no_freedom", "indicators.any_controlling_companion"),
        rules=(
            _r(
                r"""(?:\bnot|\bnever|n't)\s+(?:been\s+)?(?:allowed|permitted)\s+(?:to\s+)?
                (?:leave|go|walk|off)\b
                (?!\s+(?:her|his|their|my)\s+(?:kids|children|child|baby|son
                |daughter|dog|job))
                |\b(?:cannot|can'?t|can\s+not|unable\s+to)\s+(?:leave|go\s+out
                |go\s+anywhere|go\s+outside)\b(?!\s+(?:her|his|their|my)\s+(?:kids
                |children|child|baby|son|daughter|dog|job))(?!\s+\w+\s+alone)""",
                unless=r"\bgrounded\b|\bcurfew\b|\bfor\s+a\s+week\b",
            ),
            _r(
                r"""\b(?:is|are|was|were|being|gets?|got|kept)\s+locked\s+(?:inside|in
                |up|from)\b|\blocked\s+from\s+the\s+outside\b
                |\b(?:kept|held)\s+in\s+(?:a|the)\s+(?:\w+\s+)?(?:room|house|motel
                |hotel|basement|apartment|trailer)\b
                |\btold\s+not\s+to\s+(?:go|leave)\b
                |\bnever\s+(?:goes|go|went|left|leaves)\s+(?:anywhere\s+)?alone\b
                |\bnever\s+left\s+alone\b|\bwatched\s+at\s+all\s+times\b
                |\bescorts?\s+(?:her|them|him)\s+(?:everywhere|to\s+and\s+from
                |to\s+the\s+\w+\s+and\s+back)
                |\bdriven\s+to\s+and\s+from\b
                |\bhas\s+to\s+ask\s+(?:him\s+)?before\s+(?:leaving|going)\b
                |\bchecks?\s+where\s+(?:she|he|they)\s+goes?\b
                |\bwould\s+not\s+let\s+(?:\w+\s+){0,2}(?:speak|talk)\s+(?:with|to)\s+
                (?:her|him|them)\s+alone\b
                |\banswered\s+(?:every|all|each)\s+(?:of\s+the\s+)?questions?\s+for
                (?:\s+her|\s+him)?\b
                |\brefused\s+to\s+leave\s+the\s+(?:exam\s+)?room\b
                |\blooked\s+to\s+him\s+before\s+answering\b
                |\bmoved\s+between\s+(?:cities|motels|hotels|states)\b
                |\block(?:s|ed)?\s+(?:her|them|him|the\s+\w+)\s+(?:in|inside|up|into)\b
                |\bfollows?\s+her\s+(?:everywhere|to\s+(?:every|all|each))\b
                |\balways\s+accompanied\s+by\s+(?:a|an|the|her|his)\s+(?:\w+\s+)?(?:man
                |woman|boyfriend|partner|husband|manager|boss)\b
                |(?:\bnot|\bnever|n't)\s+(?:allow|let)s?\s+her\s+(?:to\s+)?(?:leave|go
                \s+out|go\s+anywhere)\b
                |\bthreatened\s+if\s+(?:they|she|he)\s+(?:walk|go|leave)
                |\bthreat\w*\b[^.;]{0,60}\bif\s+(?:she|he|they)\s+(?:leaves?|left
                |tries\s+to\s+leave|goes|runs)\b
                |(?:\bnot|\bnever|n't)\s+(?:allowed|permitted)\s+to\s+(?:see|call
                |contact|talk\s+to|visit)\s+(?:her\s+|his\s+|their\s+)?(?:family|friends
                |mom|mother|parents|kids|children)\b
                |\bif\s+(?:she|he|they)\s+leaves?\b[^.;]{0,60}\b(?:hurt|killed|kill)
                |\b(?:cannot|can'?t|not\s+allowed\s+to)\s+go\s+(?:\w+\s+){0,3}?unless\s+
                (?:her|his|their)\s+\w+\s+(?:takes|drives|comes|goes)\b
                |(?:\bnot|\bnever|n't)\s+let(?:s|ting)?\s+(?:her|him|them)\s+(?:leave
                |go)\b|\bnot\s+allowed\s+out\b""",
            ),
            _r(
                r"""\b(?:speaks|answers|talks)\s+for\s+(?:her|him|them)\b""",
                subject="other",
                unless=r"non-?verbal|interpret|language|translat|deaf|aphasi",
            ),
        ),
    ),
    NoteIndicator(
        id="debt",
        title="A debt to a person or employer that grows or cannot be paid off",
        population="any",
        citations=(
            "definitions.visible_invisible_chains",
            "legal.labor_trafficking",
            "roles.control",
        ),
        rules=(
            _r(
                r"""\b(?:debt|fees?|amount|what\s+(?:she|he|they)\s+owes?|the\s+(?:fee
                |debt))\s+(?:\w+\s+){0,2}?(?:keeps?|kept)\s+(?:going\s+up|growing
                |increasing|rising|getting\s+bigger)
                |\b(?:owe|owes|owed|owing)\b[^.;]{0,60}\b(?:keeps?\s+(?:going\s+up
                |growing|increasing)|more\s+each|doubles?|adding\s+interest)
                |\bowing\s+more\b|\bdebt\s+doubles\b
                |\b(?:debt|amount|balance|fee|what\s+(?:she|he|they)\s+owes?)\s+
                (?:increases|grows|goes\s+up|doubles|gets\s+bigger|rises)\b
                |\b(?:fees|debts?|charges)\b[^.;]{0,50}\bkeeps?\s+(?:going\s+up
                |growing|increasing|rising)
                |\badd(?:s|ed)?\s+(?:new\s+)?(?:fees|interest|fines)\b
                |\bkeeps\s+adding\s+interest\b
                |\b(?:interest|fees|fines|charges)\s+(?:is|are|gets?)\s+added\s+to\b
                |\b(?:amount|debt|balance)\s+never\s+(?:goes\s+down|gets\s+smaller
                |shrinks)\b
                |\bwork(?:s|ing)?\s+until\s+(?:his|her|the|their)\s+(?:\w+\s+)?debt\s+
                is\s+(?:repaid|paid)
                |\b(?:fines|fees)\s+are\s+added\s+to\s+what\b
                |\b(?:is|it'?s)\s+(?:bigger|larger)\s+now\b
                |\bnow\s+(?:he|she|they)\s+says?\s+(?:she|he|they)\s+owes?\b""",
                unless=r"""credit\s+card|\bbank\b|hospital|medical|student\s+loan
                |landlord|back\s+rent|collections|late\s+fees|car\s+loan""",
            ),
            _r(
                r"""\b(?:can\s+never|never\s+be\s+able\s+to|cannot|can'?t)\s+pay\s+
                (?:it\s+)?off\b|\bnever\s+be\s+free\s+of\b
                |\bwork(?:s|ed|ing)?\s+(?:it\s+)?off\b|\bworking\s+off\s+a\s+debt\b
                |\b(?:cannot|can'?t)\s+leave\s+until\s+(?:she|he|they)\s+pays?\b
                |\bowes?\s+(?:him|them|the\s+(?:house|smuggler|trafficker|boss
                |crew\s+boss|agency|recruiter))\b[^.;]{0,60}\b(?:for|every|a\s+day
                |pay\s+it\s+back)
                |\bowes?\s+(?:him|them|her\s+\w+)\s+for\s+(?:the\s+)?(?:trip|travel
                |transport|ride|plane\s+ticket|visa|clothes|hotel|room|rent)
                |\b(?:told|says?)\s+(?:her\s+)?(?:she|he)\s+owes\b
                |\bwork(?:s|ing)?\s+until\s+(?:it|that|the\s+(?:debt|money|fee))\s+is\s+
                (?:re)?paid\b
                |\bpay\s+(?:him\s+|them\s+)?back\s+(?:\$\s?[\d,]+\s+)?for\s+(?:being
                \s+brought|the\s+trip|transport|travel|smuggling|the\s+ride|coming
                \s+here|bringing\s+her)""",
                unless=r"""credit\s+card|\bbank\b|hospital|medical|student\s+loan
                |landlord|back\s+rent|phone\s+bill""",
            ),
        ),
    ),
    NoteIndicator(
        id="arranges",
        title="Someone else books the rooms, answers the calls, posts the ads",
        population="any",
        citations=("roles.bottom_duties", "roles.bottom_legal_exposure"),
        rules=(
            _r(
                r"""\b(?:books?|booked|booking|reserves?|reserved|rents?|rented
                |arranges?|arranged|pays\s+for|makes\s+the\s+bookings)\s+
                (?:all\s+(?:of\s+)?)?(?:her|the|their|his)?\s*(?:\w+\s+)?(?:hotel
                |motel)?\s*(?:rooms?|hotels?|motels?|stays|bookings)\b""",
                subject="other",
                unless=r"""conference|tournament|business\s+trip|work\s+trip|red\s+cross
                |voucher|for\s+the\s+team""",
            ),
            _r(
                r"""\b(?:rooms?|hotels?)\s+(?:are|were|is|was)\s+(?:always\s+)?
                (?:booked|rented|reserved|paid\s+for)\s+by\s+(?!her\s+own)""",
            ),
            _r(
                r"""\b(?:answers?|answered|answering)\s+(?:all\s+(?:of\s+)?)?(?:her|his)
                \s+(?:phone|calls|texts|messages)\b""",
                subject="other",
                unless=r"\bphone\s+call\b",
            ),
            _r(
                r"""\b(?:answers?|answered|answering|handles?|handled)\s+(?:all\s+)?
                (?:of\s+)?the\s+(?:phone|calls|texts|messages)\b""",
                needs=r"""\b(?:ads?|dates?|clients?|men|johns|tricks|customers)\b""",
            ),
            _r(
                r"""\b(?:posts?|posted|posting|puts?\s+up|writes?)\s+(?:all\s+)?
                (?:of\s+)?(?:her|the)\s+(?:online\s+)?ads\b
                |\b(?:sets?\s+up|set\s+up|arranges?|arranged|schedules?|books?|booked)
                \s+(?:all\s+)?(?:of\s+)?(?:her|the)\s+(?:dates|appointments\s+with\s+men
                |clients|tricks)\b|\bmakes\s+the\s+bookings\b
                |\bsets\s+the\s+times\b|\bcollects\s+the\s+keys\b
                |\bads?\s+(?:are|is|were|was)\s+(?:posted|written|put\s+up|placed)\s+by\b
                |\btexts?\s+her\s+the\s+room\s+number\b""",
                subject="other",
            ),
        ),
    ),
    NoteIndicator(
        id="online_partner",
        title="An older partner met online who gives gifts, money or travel",
        population="minor",
        citations=(
            "recruitment.social_media",
            "recruitment.intimate_relationship",
            "recruitment.location_online",
            "indicators.minor_social_history",
        ),
        rules=(),  # a co-occurrence of three cues: see _notes._online_partner
    ),
    NoteIndicator(
        id="recruitment",
        title="Recruiting: turning girls out, false job offers, bringing in girls",
        population="any",
        citations=(
            "roles.recruiting",
            "lexicon.turn_out",
            "recruitment.intimate_relationship",
        ),
        rules=(
            _r(
                r"""\bturn(?:s|ed|ing)?\s+(?:her|them|me|girls|women|young\s+girls
                |(?:her|my|his)\s+(?:sister|friend|cousin|daughter))\s+out\b
                |\bturn(?:s|ed|ing)?\s+out\s+(?:\w+\s+){0,2}?(?:girls|women|sister
                |friend|cousin|daughter)s?\b
                |\b(?:was|were|got|been|being)\s+turned\s+out\b(?!\s+(?:to|that|well
                |fine|okay|ok|great))""",
            ),
            _r(
                r"""\brecruit(?:s|ed|ing)?\s+(?:young(?:er)?\s+|new\s+)?(?:girls|women
                |her|them|kids|teens)\b(?!\s+for\s+(?:the|a)\s+\w+\s+team)
                |\bbring(?:s|ing)?\s+(?:in\s+)?new\s+girls\b
                |\bbringing\s+new\s+girls\s+in\b
                |\bchoose\s+up\b
                |\b(?:if|whether)\s+(?:she|they|he)\s+want(?:s|ed)?\s+to\s+make\s+
                (?:fast|quick|easy|good|some|real|a\s+lot\s+of)\s+money\b
                |\b(?:looking\s+for|wants?|needs?|find(?:s|ing)?)\s+(?:new\s+|more\s+
                |young(?:er)?\s+)?girls\s+(?:to|who|for)\b
                |\bwork\s+for\s+him\s+like\s+(?:the|his)\s+other\s+girls\b
                |\b(?:plenty\s+of|other)\s+girls\s+making\s+money\b
                |\bmaking\s+money\b[^.;]{0,30}\bwith\s+her\s+girls\b
                |\b(?:get|getting)\s+(?:her|them|girls)\s+(?:and\s+her\s+friends\s+)?
                to\s+(?:leave|work|come)\s+with\s+him\b
                |\bmake\s+(?:a\s+lot\s+of\s+)?money\s+if\s+(?:she|they)\s+(?:came
                |come|comes|worked|work)\s+(?:to\s+work\s+)?for\s+him""",
                unless=r"\barmy\b|\bmilitary\b|\bcollege\b|\bteam\b",
            ),
            _r(
                r"""\b(?:promis(?:ed|ing)|offer(?:ed|ing))\s+(?:her|him|them)?\s*
                (?:a\s+|an\s+)?(?:\w+\s+)?(?:job|work|position|modeling)\b""",
                needs=r"""\bturned\s+out\s+to\s+be\b|\bwhen\s+(?:she|he|they)\s+arrived
                |\bforced\b|\bmade\s+to\b|\bmaking\s+money\b|\bplace\s+to\s+stay\b""",
            ),
        ),
    ),
    NoteIndicator(
        id="branding",
        title="A tattoo or mark of ownership",
        population="any",
        citations=("roles.control", "definitions.visible_invisible_chains"),
        rules=(
            _r(
                r"""\bbrand(?:ed|ing)\b|\bburn(?:ed|t)\s+(?:a\s+|his\s+)?(?:mark|name
                |initials)|\bproperty\s+of\b""",
            ),
            _r(
                r"""\btattoo(?:s|ed)?\b""",
                needs=r"""\bbarcode\b|belongs?\s+to\s+(?:him|them)\b
                |\bmade\s+(?:her|me|them)\s+(?:get|have)\b|\b(?:made|forced)\s+to\s+get\b|made\s+all\s+(?:of\s+)?(?:his|the)
                \s+girls|\b(?:his|a\s+man'?s|an\s+older\s+man'?s|the\s+man'?s)\s+
                (?:name|initials|nickname|street\s+name)\b|\bhis\s+(?:name|initials
                |nickname)\b|\ball\s+(?:of\s+)?the\s+girls\b|\bsame\s+[\w\s-]*tattoo
                \s+on\s+(?:two|three|four|several|multiple)\b
                |\b(?:boyfriend|pimp|trafficker)\s+had\s+(?:it\s+)?done\b|\bhad\s+done
                |daddy'?s\s+girl|\bMOB\b|money\s+over""",
            ),
        ),
    ),
    NoteIndicator(
        id="quota",
        title="A quota: a set amount of money or clients a night",
        population="any",
        citations=("lexicon.quota", "economics.quota_model"),
        rules=(
            _r(
                rf"""\b(?:(?:has|have|had|needs?|required|expected|supposed)\s+to|must)\s+
                (?:make|bring\s+(?:in|back|home)|earn|hit|hand\s+over|turn\s+over|see)
                \s+(?:at\s+least\s+)?(?:\$\s?[\d,]+|\d[\d,]+\s*(?:dollars|bucks)?(?=\s+
                (?:a|per|each|every)\s+(?:night|day|shift|weekend))|a\s+(?:set|certain|fixed)\s+
                (?:amount|number)|\d+\s+(?:men|clients|dates|tricks|johns|massages))
                (?:[^.;]{{0,40}}?(?:{_PERIOD}|\bor\s+(?:she|he|they)\b|\bif\s+short))""",
            ),
            _r(
                rf"""\b(?:bring|brings|bringing|make|makes|hit|earn)\s+(?:in\s+|back\s+)?
                (?:at\s+least\s+)?\$\s?[\d,]+\s*(?:minimum\s+)?(?:{_PERIOD})
                |\bif\s+(?:she|he|they)\s+(?:doesn'?t|don'?t|does\s+not)\s+(?:bring
                |make|earn)\s+(?:in\s+)?\$\s?[\d,]+
                |\b(?:set|fixed|certain)\s+amount\b[^.;]{{0,30}}(?:{_PERIOD}|\bbefore\b
                |\bor\b)|\b(?:set|fixed|certain)\s+number\b[^.;]{{0,40}}(?:\bbefore\b
                |\bor\s+(?:she|he|they|their|her|his)\b)
                |\b(?:sets?|set)\s+a\s+(?:daily|nightly)\s+amount\b
                |\bdaily\s+amount\s+(?:she|he|they)\s+(?:has|have)\s+to\b
                |\bfalls?\s+short\b|\bif\s+(?:she\s+is\s+)?short\b
                |\brequires?\s+\d+\s+\w+\s+(?:per|a|each)\s+\w+\s+or\b
                |\bmakes?\s+(?:her|his|their)\s+quota\b
                |\b(?:nightly|daily)\s+(?:minimum|target)\b
                |\bminimum\b[^.;]{0, 30}\b(?:earn|make|bring)\b
                |\b(?:cannot|can'?t)\s+(?:come\s+home|return|go\s+home)\s+until\b""",
            ),
            _r(
                r"""\bquotas?\b""",
                unless=r"""\bsales\b|vaccin|\bflu\b|collections|\breps?\b|recipe
                |\bclass\b|clinic|department|call\s+center|quarter|monthly""",
            ),
        ),
    ),
    NoteIndicator(
        id="transactional",
        title="Trading sex for anything of value",
        population="any",
        citations=("indicators.minor_transactional_sex", "legal.commercial_sex_act"),
        rules=(
            _r(
                r"""\b(?:trad(?:e|ed|es|ing)|exchang(?:e|ed|es|ing)|swap\w*|sell(?:s
                |ing)?|sold)\s+(?:sex|sexual\s+\w+|nudes|(?:nude|explicit|naked|sexy)\s+
                (?:pictures|photos|pics|images|videos))\s+(?:for|to)\b
                |\b(?:sex|sexual\s+favou?rs)\s+(?:with\s+men\s+)?(?:for|in\s+exchange
                \s+for)\s+(?:money|food|rent|drugs|a\s+place|shelter|a\s+ride
                |clothes|a\s+couch|cash|gifts|somewhere)
                |\bin\s+exchange\s+for\s+sex\b|\bfor\s+sex\b
                |\bsex(?:ual)?\b[^.;]{0,30}\bin\s+exchange\s+for\b
                |\bpaid\s+(?:her|him|them|me)\s+(?:\w+\s+)?(?:to\s+have\s+sex|for
                \s+sex)|\bpaid\b[^.;]{0,20}?\bto\s+have\s+sex\b
                |\bsurvival\s+sex\b
                |\b(?:makes?|made|forces?|forced)\s+her\s+(?:to\s+)?(?:sleep|have\s+sex
                |be)\s+with\s+(?:men|guys|clients|strangers|customers)\b
                |\b(?:sells?|sold|selling)\s+(?:her|them|girls|him)\s+(?:to\s+(?:other\s+)?
                (?:men|guys)|for\s+sex|online)\b|\bbeing\s+sold\b
                |\bhas\s+sex\s+with\s+men\s+for\b
                |\b"?dates"?\s+men\s+for\s+(?:money|gifts|cash)
                |\b(?:had|has|having)\s+sex\s+for\b
                |\bsex\s+with\s+(?:\w+\s+){0,2}?(?:him|them|men|strangers|guys)\s+for\s+
                (?:money|cash|gifts|rent|food|drugs|a\s+place|somewhere)""",
            ),
        ),
    ),
    NoteIndicator(
        id="lexicon",
        title="Pimp-culture language used in that sense",
        population="any",
        citations=("lexicon.pimp",),
        rules=(),  # the knowledge base's lexicon: see _notes._lexicon_hits
    ),
)
