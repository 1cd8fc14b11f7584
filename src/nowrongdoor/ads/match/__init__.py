"""Match missing-person posters against ads and the operations they belong to.

For each poster, candidate ads are picked by name (exact, prefix, phonetic keys),
by photo (pHash within 12 bits) and by place and age (ads in the poster's state
or on an operation route through it, after the missing date, claiming an age a
minor is advertised at). Each candidate is compared field by field (name and
aliases, age on the ad date against the claimed age, height, weight, hair, eyes,
ad after the missing date and reachable, place and operation route, photo) and
scored with a Fellegi-Sunter model: ``u`` from random poster-ad pairs, ``m`` from
documented domain values. Posters with missing fields still match on what they
have; every match says which fields were used. See docs/linking.md.

A private subpackage: its public names (``match_files``, ``match_linked``,
``load_posters`` ...) are exported by :mod:`nowrongdoor.ads`.
"""
