"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``.

A mistake in the settings or the rule data stops start-up with a message that names it
(``StartupError``), with exit status 3: gunicorn's "worker failed to boot". gunicorn then stops
with the message in its log; for any other status it would start a new worker in place of the
one that exited, again and again, answering nothing (and systemd would see it running).
"""

import sys

import click

from app import create_app
from app.config import StartupError
from app.pack import rules_in_use
from app.rate_limits import refuse_a_store_that_turns_us_away
from app.schema import refuse_a_database_out_of_step
from app.templating import keep_every_template, refuse_a_template_mistake

try:
    app = create_app()
    # Served (gunicorn): a deploy that skipped `flask db upgrade` is refused here, saying so,
    # rather than serving pages while every request sent fails (app/schema.py). Loaded by a
    # flask command (inside its click context) it is not: `flask db upgrade` is how to fix it.
    if click.get_current_context(silent=True) is None:
        # A Redis server that turns a wrong password away stops it too (app/rate_limits.py).
        refuse_a_store_that_turns_us_away(app)
        refuse_a_database_out_of_step(app)
        # A template Jinja cannot read (a PDF's or an email's shows in no page): its file and line.
        # Not for a flask command (the outbox worker checks for itself): `flask facilitators add`
        # or the purge need no template (regression review).
        refuse_a_template_mistake(app)
        # Every template read now, and kept: the files an upgrade puts in place before the
        # restart are never mixed with this code (app/templating.py).
        keep_every_template(app)
        # Which rules it serves, in the journal (with --preload, once; else once a worker).
        print(rules_in_use(app), file=sys.stderr, flush=True)
except StartupError as error:
    print(error.code, file=sys.stderr, flush=True)
    raise SystemExit(3) from None
