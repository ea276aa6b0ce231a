"""Anonymous counts of what happens: journeys, requests, outcomes, criteria (DESIGN.md sections 2 and 7).

- ``models``: ``Count`` (table ``counts``): kind, month, mode, subject, count. Nothing else: no
  free text, no contact details, no session ids, no time finer than the month.
- ``service``: counting (``record_start``, ``record_outcome``, ``count_request_sent``,
  ``add_count``) and reading (``statistics(months)``: the tables, small numbers hidden).
- ``suppression``: the pure small-number suppression, with secondary suppression for totals.
- ``charts``: bar charts laid out for the SVG template; ``export``: the CSV.
- ``views``: blueprint ``stats``: ``GET /inbox/statistics`` and ``/inbox/statistics.csv``, for
  facilitators and read-only partnership accounts.
- ``cli``: ``flask stats show|csv [--months 12]``.

This package's ``__init__`` imports nothing, so the wizard can import the service without
pulling in the inbox's views.
"""
