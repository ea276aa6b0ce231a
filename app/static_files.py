"""Static files (styles, scripts, the icon): versioned URLs, so browsers keep them.

Every URL the templates make for a static file carries a version, a short hash of the file's
bytes (``/static/dist/app.css?v=3f2a…``). A browser may keep a file fetched at its current
version for a year without asking again; a new build gives a new hash, so a new URL, so
nobody is left with old styles after a deployment. A file asked for without a version (the
GOV.UK Frontend script that ``app.js`` imports) may be kept for an hour, as nginx does in
production (deploy/nginx-space-to-think.conf).

Before, every page a person opened asked again for each file (``Cache-Control: no-cache``),
a round trip each for the stylesheet, the script and the icon.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.security import safe_join

VERSION_PARAMETER = "v"
VERSIONED_CACHE = "public, max-age=31536000, immutable"  # a year: this URL's bytes never change
UNVERSIONED_CACHE = "public, max-age=3600"  # an hour, as nginx keeps them


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


def init_static_files(app: Flask) -> None:
    """Version the static URLs ``url_for`` makes, and say how long browsers may keep the files."""
    if app.static_folder is None:
        return
    versions = StaticVersions(app.static_folder)

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and VERSION_PARAMETER not in values and "filename" in values:
            version = versions.version(values["filename"])
            if version is not None:
                values[VERSION_PARAMETER] = version

    @app.after_request
    def static_cache(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            asked = request.args.get(VERSION_PARAMETER)
            current = asked is not None and asked == versions.version(filename)
            response.headers["Cache-Control"] = VERSIONED_CACHE if current else UNVERSIONED_CACHE
        return response


__all__ = ["StaticVersions", "init_static_files"]
