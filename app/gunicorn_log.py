"""gunicorn's access log without the questions, the outcome and the request.

The web unit (deploy/space-to-think-web.service) logs each response gunicorn gives nginx to the
journal, with no path and no size (``--access-logformat``), but with the method, the status and
the time: a visitor's answers were each a POST then a GET, so at a quiet time the journal counted
how many answers came before an outcome, which shows where the visitor was sent (the 999 route
after 2, the LADO after 4), as nginx's log did before it left those pages out (diff review).
Found (operations review): gunicorn's log still did. ``QuietAccessLog`` (the unit's
``--logger-class``) leaves out the same lines as nginx's log and the development server's
(``app.request_log.journey_line_kept``): a page of the questions, the outcome or the request,
unless it was refused (4xx) or failed (5xx).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from .request_log import journey_line_kept


class QuietAccessLog(Logger):
    """gunicorn's logger, its access log leaving out the journey's pages but a refusal or failure."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        # The status as gunicorn has it: "404 NOT FOUND" (or a number); only its first digit counts.
        if journey_line_kept(str(environ.get("PATH_INFO", "")), getattr(resp, "status", "")):
            super().access(resp, req, environ, request_time)


__all__ = ["QuietAccessLog"]
