"""The facilitators' inbox: sign in, the list of requests, triage, PDFs, import.

Blueprint ``inbox`` (prefix ``/inbox``); its routes are listed in ``views``. Facilitator
accounts are made with ``flask facilitators add`` (``cli``); there is no sign-up page.
"""

from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

from . import session_views, views  # noqa: E402,F401  (registers the routes on bp)
from .cli import facilitators_cli  # noqa: E402,F401
