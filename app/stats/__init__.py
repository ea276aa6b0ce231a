"""Anonymous counts of what happens: journeys, requests, outcomes, criteria (DESIGN.md sections 2 and 7).

- ``models``: ``Count`` (table ``counts``): kind, month, mode, subject, count. Nothing else: no
  free text, no contact details, no session ids, no time finer than the month.
- ``service``: counting (``record_start``, ``record_outcome``, ``count_request_sent``,
  ``add_count``) and reading (``statistics(quarter)``: a quarter's tables, small numbers hidden).
- ``suppression``: the pure small-number suppression, with secondary suppression for totals.
- ``charts``: bar charts laid out for the SVG template; ``export``: the CSV.
- the pages, blueprint ``stats`` (``GET /inbox/statistics`` and ``/inbox/statistics.csv``, for
  facilitators and read-only partnership accounts), are the inbox's: ``app/inbox/statistics_views.py``.
- ``cli``: ``flask stats show|csv [--quarter YYYY-QN]`` (a quarter that is over; by default the latest).

Nothing here imports the inbox, so the wizard can import the service without pulling in the
inbox's views.
"""
