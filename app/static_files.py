"""Static files (styles, scripts, the icon): versioned URLs, so browsers keep them.

Every URL the templates make for a static file carries a version, a short hash of the file's
bytes (``/static/dist/app.css?v=3f2a…``). A browser may keep a file fetched at its current
version for a year without asking again; a new build gives a new hash, so a new URL, so
nobody is left with old styles after a deployment. A file asked for without a version (the
GOV.UK Frontend script that ``app.js`` imports) may be kept for an hour, as nginx does in
production (deploy/nginx-space-to-think.conf).

Before, every page a person opened asked again for each file (``Cache-Control: no-cache``),
a round trip each for the stylesheet, the script and the icon.

The icon (``/favicon.svg``) is the shape in ``static/favicon.svg`` with its square filled with
the partnership's brand colour (``colours.brand`` in the partnership file), made once when the
app starts and versioned and kept like a static file. Served straight from ``static/`` it was
Salford's teal in every area's tabs and bookmarks (area review). The partnership's logo, when
its file gives one, is served the same way (``/logo.svg`` or ``/logo.png``), read at start-up.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, request
from werkzeug.security import safe_join

from .pack import current_partnership, rules_loaded

VERSION_PARAMETER = "v"
FAVICON_SHAPE = "favicon.svg"  # in the static folder: the icon's shape, its square in any colour
FAVICON_ENDPOINT = "favicon"
FAVICON_PATH = "/favicon.svg"
FAVICON_KEY = "space_to_think.favicon"
LOGO_ENDPOINT = "logo"  # the partnership's logo (logo in its file), at /logo.svg or /logo.png
# Endpoints that answer with a file, kept by browsers (not "no-store"), with no session and
# outside the rate limits.
FILE_ENDPOINTS = frozenset({"static", FAVICON_ENDPOINT, LOGO_ENDPOINT})
# Those made or read at start-up (the icon, the logo): SVG that may be opened as a page, so
# served with a policy of their own that runs and fetches nothing (extensions.FILE_SECURITY_POLICY).
MADE_FILE_ENDPOINTS = frozenset({FAVICON_ENDPOINT, LOGO_ENDPOINT})
# The icon's square: its first filled rectangle.
_SQUARE_FILL = re.compile(r'(<rect\b[^>]*\bfill=")#[0-9a-fA-F]{6}(")')
VERSIONED_CACHE = "public, max-age=31536000, immutable"  # a year: this URL's bytes never change
UNVERSIONED_CACHE = "public, max-age=3600"  # an hour, as nginx keeps them
SOURCES_FOLDER = "src/"  # in the static folder: what static/dist is built from, not served


# Each file's version by its full path, with the modification time and size it was worked out
# for: shared by every app in the process (the tests build hundreds), each file hashed once.
_KNOWN: dict[str, tuple[tuple[int, int], str]] = {}


class StaticVersions:
    """The current version of each static file, worked out again when the file changes on disk
    (so a rebuild while the development server runs gets new URLs at once)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = str(folder)

    def version(self, filename: str) -> str | None:
        """A short hash of ``filename``'s bytes, or None if there is no such file."""
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        known = _KNOWN.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        _KNOWN[path] = (stamp, digest)
        return digest


def coloured_favicon(shape: str, colour: str) -> str:
    """The icon's SVG ``shape`` with its square filled with ``colour`` (``#rrggbb``)."""
    coloured, found = _SQUARE_FILL.subn(lambda match: f"{match[1]}{colour}{match[2]}", shape, count=1)
    if not found:
        raise ValueError(f'{FAVICON_SHAPE} has no <rect fill="#rrggbb"> to colour')
    return coloured


def favicon_svg() -> str:
    """The current app's icon, as made when it started: the shape in its partnership's brand colour."""
    icon: str = current_app.extensions[FAVICON_KEY]
    return icon


def _serve_bytes(app: Flask, path: str, endpoint: str, data: bytes, mimetype: str) -> str:
    """Serve ``data`` at ``path`` (as ``endpoint``), with an ETag; return its version."""
    version = hashlib.sha256(data).hexdigest()[:12]

    def view() -> Response:
        response = Response(data, mimetype=mimetype)
        response.set_etag(version)
        response.make_conditional(request)  # a 304 when the browser has this version
        return response

    view.__name__ = endpoint
    app.add_url_rule(path, endpoint=endpoint, view_func=view, methods=["GET"])
    return version


def init_static_files(app: Flask) -> None:
    """Version the static URLs ``url_for`` makes, and say how long browsers may keep the files;
    serve the icon in the partnership's colour, and the partnership's logo if it has one."""
    if app.static_folder is None or not rules_loaded(app):
        return  # no rule data: loaded for `flask rules …` with the files refused (app/pack.py), it serves nothing
    versions = StaticVersions(app.static_folder)
    shape = (Path(app.static_folder) / FAVICON_SHAPE).read_text(encoding="utf-8")
    with app.app_context():
        partnership = current_partnership()
    app.extensions[FAVICON_KEY] = coloured_favicon(shape, partnership.colours.brand)
    # The files made or read at start-up, by endpoint: their versions.
    made = {
        FAVICON_ENDPOINT: _serve_bytes(
            app, FAVICON_PATH, FAVICON_ENDPOINT, app.extensions[FAVICON_KEY].encode("utf-8"), "image/svg+xml"
        )
    }
    if partnership.logo is not None:
        logo = partnership.logo
        made[LOGO_ENDPOINT] = _serve_bytes(app, f"/logo.{logo.extension}", LOGO_ENDPOINT, logo.data, logo.mimetype)

    def static(filename: str) -> Response:
        """The static folder's files, less the sources the built files are made from
        (``static/src/``: security review, Flask served them where nginx's rule did not stand in front)."""
        if posixpath.normpath(filename.replace("\\", "/")).lstrip("/").startswith(SOURCES_FOLDER):
            abort(404)
        return current_app.send_static_file(filename)  # as Flask's own view does

    app.view_functions["static"] = static

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if VERSION_PARAMETER in values:
            return
        if endpoint in made:
            values[VERSION_PARAMETER] = made[endpoint]
        elif endpoint == "static" and "filename" in values:
            version = versions.version(values["filename"])
            if version is not None:
                values[VERSION_PARAMETER] = version

    @app.after_request
    def static_cache(response: Response) -> Response:
        if request.endpoint in FILE_ENDPOINTS and response.status_code in (200, 304):
            asked = request.args.get(VERSION_PARAMETER)
            if request.endpoint in made:
                current = asked == made[request.endpoint]
            else:
                filename = (request.view_args or {}).get("filename", "")
                current = asked is not None and asked == versions.version(filename)
            response.headers["Cache-Control"] = VERSIONED_CACHE if current else UNVERSIONED_CACHE
        return response


__all__ = [
    "FILE_ENDPOINTS",
    "MADE_FILE_ENDPOINTS",
    "StaticVersions",
    "coloured_favicon",
    "favicon_svg",
    "init_static_files",
]
