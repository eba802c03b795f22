"""The booth allocation engine: a pure function from a snapshot to assignments and reasons.

Nothing here touches the database or Flask. The booths service builds a
:class:`~marketplace.booths.allocation.model.Snapshot` from its tables, calls
:func:`~marketplace.booths.allocation.engine.allocate`, and stores
``replay.snapshot_to_json(snapshot)`` and ``replay.result_to_json(result)`` so any run can be
replayed (``allocate(snapshot_from_json(data))`` gives the same result) and explained.

- ``model``: what goes in (booths, days, applicants, rules) and what comes out (placements,
  unserved applicant-days with their reasons, the lottery);
- ``replay``: both as JSON documents, to store and replay;
- ``engine``: ``allocate`` itself.
"""
