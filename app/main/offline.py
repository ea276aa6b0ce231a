"""``flask site offline-page``: the page nginx shows while the app does not answer.

When gunicorn is stopped or restarting, nginx would otherwise answer with its own bare "502 Bad
Gateway", with nothing for someone worried about a child. This writes the app's own "problem
with the service" page (the partnership's header, "if a child is in immediate danger, call 999
now", the emergency and safeguarding contacts in the footer) as a static file, which the nginx
example serves from disk for 502 and 504 (deploy/nginx-space-to-think.conf). Run it after
each deploy and each change to the contacts or the partnership file (README, "Running it for
real").

A file served from disk gets nginx's policy, which has no per-request nonce: the page's inline
script and style would be refused, so they are left out (GOV.UK pages work without JavaScript).
The style is the partnership's colours, as CSS custom properties: written to the page's name
with .css (``static/offline.css``) beside the page when it is written into the static folder,
and linked from it, as nginx's policy allows a stylesheet of our own. Without it the page was in
the stylesheet's fallback colours, Salford's dark teal, for every area (area review). The icon
in the partnership's colour is written beside it the same way (``static/offline.svg``): the
app's own ``/favicon.svg`` does not answer while the app is down, and nginx's policy allows no
``data:`` image. So is the partnership's logo, when its file gives one (``static/offline-logo.svg``
or ``.png``): the app's ``/logo.svg`` does not answer either. Written elsewhere, the page has the
partnership's name without the logo, as nginx would not serve the file.

Beside the offline page it writes ``request-error.html``: the page nginx shows when it refuses
a request itself, before the app sees it (a web address too long: 414; headers too large,
usually cookies: 400, 494; a body over its limit: 413), in place of its bare ones: the same
partnership header, colours, icon and contacts, saying what to try. And ``not-found.html``: the
app's "Page not found", which nginx shows for a static file that is not there, or for the static
folder itself (found, attacker review: ``/static/`` got nginx's bare "403 Forbidden").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app, g, render_template, url_for
from flask.cli import AppGroup
from markupsafe import escape

from ..cli import write_output
from ..errors import render_error
from ..pack import current_partnership
from ..static_files import favicon_svg

site_cli = AppGroup("site", help="Files for the web server in front of the app.")

# An inline element that needs the page's nonce, and a nonce attribute on anything else.
_INLINE_WITH_NONCE = re.compile(r"<(script|style)\b[^>]*\bnonce=\"[^\"]*\"[^>]*>.*?</\1>", re.S)
# The partnership's colours, an inline style in every page's head (templates/layout.html).
_COLOURS = re.compile(r"<style\b[^>]*\bnonce=\"[^\"]*\"[^>]*>:root\{.*?</style>", re.S)
_NONCE = re.compile(r"\s+nonce=\"[^\"]*\"")
_LOGO = re.compile(r"<img class=\"app-header__logo\"[^>]*>")
# The page nginx shows for a request it refuses itself, written beside the offline page.
REQUEST_ERROR_PAGE = "request-error.html"
# The page nginx shows for a static file that is not there (404) or a folder (403), beside them too.
NOT_FOUND_PAGE = "not-found.html"


_TRY_AGAIN = re.compile(r'(?P<start><a class="govuk-link" )href="[^"]*"(?P<end>>Try this page again</a>)')


def offline_page(colours_file: str | None = None, icon_file: str | None = None, logo_file: str | None = None) -> str:
    """The "problem with the service" page, as nginx serves it from disk (no inline code).
    ``colours_file``: the partnership's colours as a stylesheet in the static folder (its name
    there), linked in place of the inline style; ``icon_file``: the icon in the partnership's
    colour in the static folder, linked in place of the app's ``/favicon.svg``; ``logo_file``:
    the partnership's logo in the static folder, shown in place of the app's ``/logo.svg`` (without
    it the header has the name alone: the app, which serves the logo, is down)."""

    def render() -> str:
        g.offline_copy = True  # (the page says what to do about a form it cannot tell was sent)
        return render_error(503)[0]

    return _static_page(render, colours_file, icon_file, logo_file, app_down=True)


def request_error_page(colours_file: str | None = None, icon_file: str | None = None) -> str:
    """The page nginx shows for a request it refuses itself (a web address too long, headers
    too large, a body over its limit), as it serves it from disk: as ``offline_page``, but the app is
    up, so "Exit this page" goes through the app's /exit, which clears the answers."""
    return _static_page(
        lambda: render_template("errors/request_refused.html"), colours_file, icon_file, None, app_down=False
    )


def not_found_page(colours_file: str | None = None, icon_file: str | None = None) -> str:
    """The app's "Page not found", as nginx serves it from disk for a static file that is not there
    (or the static folder itself, which it does not list): as ``request_error_page``."""
    return _static_page(lambda: render_error(404)[0], colours_file, icon_file, None, app_down=False)


def _static_page(
    render: Callable[[], str], colours_file: str | None, icon_file: str | None, logo_file: str | None, app_down: bool
) -> str:
    """A page of the app as a static file nginx serves (see ``offline_page``)."""
    base_url = current_app.config.get("PUBLIC_BASE_URL") or "https://localhost"
    with current_app.test_request_context("/", base_url=base_url):
        html = render()
        exit_path = url_for("main.exit")
        colours_link = (
            f'<link rel="stylesheet" href="{escape(url_for("static", filename=colours_file))}">' if colours_file else ""
        )
        if icon_file:
            html = html.replace(
                f'href="{escape(url_for("favicon"))}"', f'href="{escape(url_for("static", filename=icon_file))}"'
            )
        if logo_file and current_partnership().logo is not None:
            html = html.replace(
                f'src="{escape(url_for("logo"))}"', f'src="{escape(url_for("static", filename=logo_file))}"'
            )
    # The colours' inline style becomes the link to them (or goes), before the other inline code goes.
    html = _COLOURS.sub(lambda _: colours_link, html, count=1)
    if app_down and not logo_file:
        # The partnership's logo is served by the app, which is down: the name beside it stays.
        html = _LOGO.sub("", html)
    # Inline code goes (a script with a src of our own stays: the policy allows it), then the nonces.
    html = _INLINE_WITH_NONCE.sub(lambda match: match[0] if " src=" in match[0].split(">", 1)[0] else "", html)
    if app_down:
        # "Exit this page" leads through the app's /exit (which clears the answers): with the app
        # down that is this page again, so here it goes straight to the neutral site.
        html = html.replace(f'href="{exit_path}"', f'href="{escape(current_app.config["EXIT_URL"])}"')
        # "Try this page again" opens the page asked for again (an empty address is this page's):
        # made for "/", it led to the start page, two pages from a journey's (operator review).
        html = _TRY_AGAIN.sub(r'\g<start>href=""\g<end>', html)
    return _NONCE.sub("", html)


@site_cli.command("offline-page")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=(
        "Write it here (static/offline.html in the nginx example), with the partnership's colours and icon "
        "beside it (static/offline.css, static/offline.svg; its logo, if it has one: static/offline-logo.svg "
        "or .png) and the page for requests nginx refuses itself "
        "(static/request-error.html) and for a static file that is not there (static/not-found.html); "
        "default: print it, without them."
    ),
)
def offline_page_command(output: Path | None) -> None:
    """Write the page nginx shows while the app does not answer (after each deploy or contacts change)."""
    if output is None:
        click.echo(offline_page(), nl=False)
        return
    colours_file = _colours_file(output)
    icon_file = logo_file = None
    logo = current_partnership().logo
    logo_output = output.with_name(f"{output.stem}-logo.{logo.extension}") if logo is not None else None
    if colours_file is not None:
        write_output(output.with_suffix(".css"), current_partnership().colours.css() + "\n")
        write_output(output.with_suffix(".svg"), favicon_svg())
        icon_file = str(Path(colours_file).with_suffix(".svg").as_posix())
        if logo is not None and logo_output is not None:
            logo_file = str(Path(colours_file).with_name(logo_output.name).as_posix())
            write_output(logo_output, logo.data)
    html = offline_page(colours_file, icon_file, logo_file)
    write_output(output, html)
    click.echo(f"Wrote {output} ({len(html.encode()):,} bytes).")
    refused = output.with_name(REQUEST_ERROR_PAGE)
    write_output(refused, request_error_page(colours_file, icon_file))
    click.echo(f"Wrote {refused} (the page nginx shows for a request it refuses itself: a web address too long, say).")
    missing = output.with_name(NOT_FOUND_PAGE)
    write_output(missing, not_found_page(colours_file, icon_file))
    click.echo(f"Wrote {missing} (the page nginx shows for a static file that is not there).")
    if colours_file is None:
        click.echo(
            f"{output} is not in the static folder ({current_app.static_folder}), which nginx serves as /static/: "
            "the page has the stylesheet's own colours, not the partnership's"
            + (", and no logo." if logo is not None else "."),
            err=True,
        )
    else:
        click.echo(f"Wrote {output.with_suffix('.css')} (the partnership's colours, linked from the page).")
        click.echo(f"Wrote {output.with_suffix('.svg')} (the icon in the partnership's colour, linked from the page).")
        if logo_file is not None:
            click.echo(f"Wrote {logo_output} (the partnership's logo, shown on the page).")


def _colours_file(output: Path) -> str | None:
    """The name in the static folder of the colours' stylesheet beside ``output``, or None when
    ``output`` is not in the static folder (nginx would not serve the stylesheet)."""
    folder = current_app.static_folder
    if folder is None:
        return None
    try:
        return output.with_suffix(".css").resolve().relative_to(Path(folder).resolve()).as_posix()
    except ValueError:
        return None
