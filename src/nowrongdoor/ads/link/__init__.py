"""Link ads into operations, with the evidence for every merge.

Shared contacts (phone, email, handle) join ads into contact groups, unless
the contact is a hub (it joins groups that post in different cities at the
same time). Text and photos are weighed, not counted: every candidate pair of
ads gets comparison levels (contacts, distinctive text, photo, name, place,
time) under a Fellegi-Sunter model estimated on the input, and a text or
photo edge joins two contact groups only when its match weight clears a high
bar and the groups do not conflict. Text is compared on distinctive shingles
only (used by few contact groups), so boilerplate weighs nothing. The result
is the operation of every ad (ids derived from the members), the merges with
their evidence and match weight, and a profile per operation (route,
contacts, names, indicator mix, revenue estimate, controller signals). See
docs/linking.md.

A private subpackage: its public names (``link_ads``, ``link_file``,
``explain_file``, ``LinkOptions`` ...) are exported by :mod:`nowrongdoor.ads`.
"""
