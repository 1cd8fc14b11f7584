"""Code lists and prevalences for the synthetic claims generator (private).

Prevalences are rough Medicaid-like magnitudes chosen for realism of the demo and
benchmark data, not estimates: nothing here describes real people.
"""

from __future__ import annotations

__all__ = [
    "ADULT_CODES",
    "CHILD_CODES",
    "CONDITIONS",
    "PLACES_OF_SERVICE",
    "PROFILES",
]

#: Routine diagnoses for children (code, relative weight).
CHILD_CODES: tuple[tuple[str, float], ...] = (
    ("Z00.129", 14),
    ("Z00.121", 6),
    ("J06.9", 10),
    ("Z23", 9),
    ("H66.90", 5),
    ("J02.9", 5),
    ("R50.9", 4),
    ("J45.909", 4),
    ("L30.9", 3),
    ("F90.9", 3),
    ("K59.00", 2),
    ("R10.9", 2),
    ("J20.9", 2),
    ("B34.9", 2),
    ("L20.9", 2),
    ("H10.9", 2),
    ("R05.9", 2),
    ("Z01.00", 2),
    ("S93.401A", 1),
    ("F84.0", 1),
    ("E66.9", 1),
    ("K52.9", 1),
    ("N39.0", 1),
    ("Z71.3", 1),
)

#: Routine diagnoses for adults (code, relative weight).
ADULT_CODES: tuple[tuple[str, float], ...] = (
    ("I10", 12),
    ("E11.9", 7),
    ("Z00.00", 6),
    ("M54.50", 5),
    ("J06.9", 5),
    ("E78.5", 5),
    ("K21.9", 3),
    ("F41.1", 4),
    ("F32.A", 4),
    ("N39.0", 2),
    ("R10.9", 3),
    ("Z79.899", 4),
    ("G43.909", 2),
    ("J45.909", 3),
    ("M25.561", 2),
    ("R51.9", 2),
    ("Z23", 3),
    ("E66.9", 3),
    ("Z01.419", 2),
    ("R07.9", 2),
    ("J44.9", 1),
    ("E03.9", 2),
    ("M79.7", 1),
    ("Z34.90", 2),
    ("K59.00", 1),
    ("Z72.0", 1),
    ("F17.210", 4),
    ("D64.9", 1),
    ("R73.03", 1),
)

#: place_of_service codes (CMS POS) and weights.
PLACES_OF_SERVICE: tuple[tuple[str, float], ...] = (
    ("11", 52),
    ("22", 14),
    ("23", 9),
    ("81", 10),
    ("02", 5),
    ("10", 2),
    ("21", 3),
    ("20", 3),
    ("03", 2),
)

#: Background conditions: (name, codes, prevalence by age band child/adolescent/
#: young adult/adult, female-only, claims carrying it (min, max)).
CONDITIONS: tuple[
    tuple[
        str, tuple[str, ...], tuple[float, float, float, float], bool, tuple[int, int]
    ],
    ...,
] = (
    (
        "substance_use",
        (
            "F10.20",
            "F11.20",
            "F12.20",
            "F10.10",
            "F12.10",
            "F14.20",
            "F15.20",
            "F11.23",
        ),
        (0.0, 0.03, 0.10, 0.11),
        False,
        (1, 5),
    ),
    (
        "serious_mental_illness",
        ("F20.9", "F31.9", "F31.81", "F33.2", "F43.10", "F43.12", "F25.0"),
        (0.002, 0.03, 0.05, 0.05),
        False,
        (1, 6),
    ),
    (
        "intellectual_disability",
        ("F70", "F71", "F79"),
        (0.01, 0.01, 0.008, 0.006),
        False,
        (1, 4),
    ),
    (
        "sti",
        ("A54.00", "A56.00", "A59.01", "A60.04", "A63.0", "A53.9", "Z20.2"),
        (0.0, 0.02, 0.035, 0.012),
        False,
        (1, 2),
    ),
    ("hiv", ("B20",), (0.0, 0.0005, 0.002, 0.004), False, (2, 6)),
    (
        "pregnancy",
        ("Z33.1", "Z32.01", "Z33.2", "Z34.00"),
        (0.0, 0.012, 0.04, 0.02),
        True,
        (1, 2),
    ),
    (
        "homelessness",
        ("Z59.00", "Z59.01", "Z59.02", "Z59.811"),
        (0.005, 0.008, 0.02, 0.02),
        False,
        (1, 3),
    ),
    (
        "justice_involvement",
        ("Z65.1", "Z65.2", "Z65.3", "Z65.0"),
        (0.0, 0.006, 0.015, 0.01),
        False,
        (1, 2),
    ),
    (
        "self_harm",
        ("R45.851", "R45.88", "T14.91XA", "X78.9XXA"),
        (0.002, 0.025, 0.015, 0.008),
        False,
        (1, 3),
    ),
    (
        "child_abuse_history",
        ("T74.12XA", "T76.12XA", "T74.02XA", "Z62.810", "Z62.812"),
        (0.012, 0.01, 0.004, 0.002),
        False,
        (1, 2),
    ),
    (
        "child_welfare",
        ("Z62.21", "Z62.22", "Z62.29"),
        (0.012, 0.012, 0.0, 0.0),
        False,
        (1, 4),
    ),
    ("runaway", ("Z62.892",), (0.0, 0.003, 0.0, 0.0), False, (1, 1)),
)

#: Planted risk profiles: (name, rate among eligible members, age range, indicator
#: code pools, each pool contributing one code).
PROFILES: tuple[
    tuple[str, float, tuple[int, int], tuple[tuple[str, ...], ...]], ...
] = (
    (
        "identified",
        0.0005,
        (12, 45),
        (
            (
                "T74.51XA",
                "T74.52XA",
                "T74.61XA",
                "T74.62XA",
                "Z91.42",
                "Z62.813",
            ),
            ("F12.20", "F11.20", "F14.20", "A54.00", "A56.00", "R45.851"),
        ),
    ),
    (
        "high_risk_minor",
        0.006,
        (12, 17),
        (
            ("Z62.892",),
            ("Z62.21", "Z62.22", "T74.22XA", "Z62.810"),
            ("F12.20", "F10.10", "A54.00", "A56.00", "R45.851", "R45.88", "Z33.1"),
        ),
    ),
    (
        "high_risk_adult",
        0.004,
        (18, 30),
        (
            ("Z59.01", "Z59.02", "Z59.00"),
            ("F11.20", "F15.20", "F14.20"),
            ("Z65.1", "Z65.2", "Z65.3"),
            ("A54.00", "A53.9", "F43.10", "R45.851"),
        ),
    ),
)
