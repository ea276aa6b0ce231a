"""Request details, check your answers, submission, the submitted page and the PDFs.

Blueprint ``requests``; its routes are listed in ``views``. Only reachable for a journey at
the eligible outcome (the wizard links to ``requests.details``).
"""

from flask import Blueprint

from .guard import once_each

bp = Blueprint("requests", __name__, url_prefix="/request")
# Every warning that lists identifying-data findings (here, the inbox's, the feedback's) lists
# each text once: templates/_findings.html.
bp.add_app_template_filter(once_each, "once_each")

from . import views  # noqa: E402,F401  (registers the routes on bp)
