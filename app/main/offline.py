"""``flask site offline-page``: the page nginx shows while the app does not answer.

When gunicorn is stopped or restarting, nginx would otherwise answer with its own bare "502 Bad
Gateway", with nothing for someone worried about a child. This writes the app's own "problem
with the service" page (the partnership's header, "if a child is in immediate danger, call 999
now", the emergency and safeguarding contacts in the footer) as a static file, which the nginx
example serves from disk for 502 and 504 (deploy/nginx-space-to-think.conf). Run it after
each deploy and each change to the contacts or the partnership file (README, "Running it for
real").

A file served from disk gets nginx's policy, which has no per-request nonce: the page's inline
script and style (the partnership's colours, as CSS custom properties) would be refused, so
they are left out. The page works without them (GOV.UK pages work without JavaScript), in the
stylesheet's own colours.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from markupsafe import escape

from ..cli import write_output
from ..errors import render_error

site_cli = AppGroup("site", help="Files for the web server in front of the app.")

# An inline element that needs the page's nonce, and a nonce attribute on anything else.
_INLINE_WITH_NONCE = re.compile(r"<(script|style)\b[^>]*\bnonce=\"[^\"]*\"[^>]*>.*?</\1>", re.S)
_NONCE = re.compile(r"\s+nonce=\"[^\"]*\"")


def offline_page() -> str:
    """The "problem with the service" page, as nginx serves it from disk (no inline code)."""
    base_url = current_app.config.get("PUBLIC_BASE_URL") or "https://localhost"
    with current_app.test_request_context("/", base_url=base_url):
        html, _ = render_error(503)
        exit_path = url_for("main.exit")
    # Inline code goes (a script with a src of our own stays: the policy allows it), then the nonces.
    html = _INLINE_WITH_NONCE.sub(lambda match: match[0] if " src=" in match[0].split(">", 1)[0] else "", html)
    # "Exit this page" leads through the app's /exit (which clears the answers): with the app down
    # that is this page again, so here it goes straight to the neutral site.
    html = html.replace(f'href="{exit_path}"', f'href="{escape(current_app.config["EXIT_URL"])}"')
    return _NONCE.sub("", html)


@site_cli.command("offline-page")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write it here (static/offline.html in the nginx example); default: print it.",
)
def offline_page_command(output: Path | None) -> None:
    """Write the page nginx shows while the app does not answer (after each deploy or contacts change)."""
    html = offline_page()
    if output is None:
        click.echo(html, nl=False)
        return
    write_output(output, html)
    click.echo(f"Wrote {output} ({len(html.encode()):,} bytes).")
