"""Anonymous counts of the routes people take (DESIGN.md sections 2 and 7).

- ``models``: ``RouteCount`` (table ``route_counts``): month, mode, outcome, criterion, count.
  Nothing else: no free text, no contact details, no session ids, no time finer than the month.
- ``service``: ``record_outcome(state)`` (called when the outcome page is shown; the only
  place that commits here) and ``statistics(months)`` (the counts, small numbers suppressed).
- ``views``: blueprint ``stats``, ``GET /inbox/statistics`` for signed-in facilitators.
- ``cli``: ``flask stats show [--months 12]``.

This package's ``__init__`` imports nothing, so the wizard can import the service without
pulling in the inbox's views.
"""
