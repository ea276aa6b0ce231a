"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``.

A mistake in the settings or the rule data stops start-up with a message that names it
(``StartupError``), with exit status 3: gunicorn's "worker failed to boot". gunicorn then stops
with the message in its log; for any other status it would start a new worker in place of the
one that exited, again and again, answering nothing (and systemd would see it running).
"""

import sys

from app import create_app
from app.config import StartupError

try:
    app = create_app()
except StartupError as error:
    print(error.code, file=sys.stderr, flush=True)
    raise SystemExit(3) from None
