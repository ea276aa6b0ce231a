"""Request details, check your answers, submission, the submitted page and the PDFs.

Blueprint ``requests``; its routes are listed in ``views``. Only reachable for a journey at
the eligible outcome (the wizard links to ``requests.details``).
"""

from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/request")

from . import views  # noqa: E402,F401  (registers the routes on bp)
