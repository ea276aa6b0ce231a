"""Sessions: from a request to a held session, and the practitioner's anonymous feedback.

- ``models``: a session (date, time, length, format, place; several requests may share one),
  which requests are in it, the single-use feedback tokens and the feedback comments.
- ``calendar``: the invitation's calendar file (``.ics``, made with ``icalendar``).
- ``service``: arranging, changing and cancelling a session, invitations, reminders, held or
  not held, and feedback: the only code here that commits.
- ``forms`` and ``views``: the public feedback page (``/feedback/<token>``); the facilitators'
  pages are in ``app.inbox.session_views`` (so the inbox's sign-in and role check cover them).
"""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

from . import views  # noqa: E402,F401  (registers the routes on bp)
