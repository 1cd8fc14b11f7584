"""The investigator workspace: operations and missing-person leads from ``ads``.

Care reads the files the ``ads`` commands write (scanned JSONL, ``ads link``'s
operations.csv/json and edges.csv, ``ads match``'s matches.csv/json) and never
imports ``ads`` code (the layering rule). Modules:

- ``nowrongdoor.care.models._investigate``: the ``inv_*`` tables (ad text,
  contacts and evidence encrypted at rest; a keyed blind index of E.164 phones).
- :mod:`.phones`: a phone number typed in any written form, as E.164.
- :mod:`.importer`: ``care import-ads`` (upserts keyed by stable ids, so lead
  decisions survive a re-import of a relinked corpus).
- :mod:`.crud`: the workspace's queries and the lead decision.
- :mod:`.pages`: the investigator's web pages.
"""

__all__: list[str] = []
