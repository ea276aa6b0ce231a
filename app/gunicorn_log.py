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

Its error log gives the address as the access logs do: found (diff review), an error that got
past the app's own error pages (its "problem with the service" page failing too) was logged by
gunicorn as "Error handling request GET /inbox?q=..." with the whole address, a search's typed
words, a question's id or a feedback link's token and all; and a request line gunicorn could not
read ("Invalid HTTP request line: ...", a search typed with spaces unescaped by a script) was
logged whole. The first now gives the address as ``app.request_log.quiet_target`` does, the
second not at all, nor any other part of a request gunicorn could not read, nor the peer's address.
The first's traceback gives each error's type and frames, never its message (privacy review).
"""

from __future__ import annotations

import re
import sys
from typing import Any

from gunicorn.glogging import Logger

from .errors import error_without_messages
from .request_log import HIDDEN_LINE, journey_line_kept, quiet_target, served_target

# What gunicorn's default ``pre_request`` hook logs at debug level: the method and the address.
PRE_REQUEST = "%s %s"
# gunicorn's words (gunicorn.workers.base.Worker.handle_error), followed by the method and the address.
UNCAUGHT = "Error handling request"
# gunicorn's words for a request line it could not read, followed by the line itself.
UNREADABLE_LINE = re.compile(r"(Invalid HTTP request line: ).*", re.DOTALL)
# gunicorn's warning for any request it could not read: "Invalid request from ip=<peer>: <why>",
# where <why> quotes the part it could not read ('...', or b'...' for bytes). Found (privacy
# review): gunicorn 27 reads "GET /inbox?q=Jane Smith HTTP/1.1" as a bad version, and logged
# "Invalid HTTP Version: 'Smith HTTP/1.1'", so the line above never matched; a header, a method or
# a chunk it could not read was quoted the same way. The peer's address is not given either, as
# the access logs give none.
INVALID_REQUEST = re.compile(r"^Invalid request from ip=\S*: ")
QUOTED = re.compile(r"""b?(['"]).*\1""", re.DOTALL)
NOT_SHOWN = "[not shown]"


# An answer that took this long, in seconds, is logged whatever its status (a page that is slow
# is a fault to look into); one quicker is logged only if it was a refusal or a failure.
SLOW_SECONDS = 1.0


class QuietAccessLog(Logger):
    """gunicorn's logger, its access log giving only what an operator acts on: a refusal (4xx), a
    failure (5xx), or a slow answer (``SLOW_SECONDS``) but on the journey's pages, where only a
    refusal or a failure is. Found (a day of real use): nine lines in ten were '"GET" 200 0.02s',
    with no path, about 90 a minute for 10 people, burying the few that matter (start-up, a worker
    restarted, a form refused); nginx's access log has every answer, with its path."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        # The status as gunicorn has it: "404 NOT FOUND" (or a number); only its first digit counts.
        status = getattr(resp, "status", "")
        if not journey_line_kept(str(environ.get("PATH_INFO", "")), status):
            return
        if str(status).startswith(("4", "5")) or request_time.total_seconds() >= SLOW_SECONDS:
            super().access(resp, req, environ, request_time)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(msg, str) and msg.startswith(UNCAUGHT):
            if args:
                served = served_target(str(args[-1]))  # the address is the last of its arguments
                args = (*args[:-1], quiet_target(served) if served is not None else HIDDEN_LINE)
            error = sys.exc_info()[1]
            if error is not None:
                # The error's type and frames, never its message, as the app logs its own
                # (``app.errors.error_without_messages``). Found (privacy review): the traceback
                # was logged whole, so a message quoting what was typed reached the journal.
                super().error(msg + "\n%s", *args, error_without_messages(error))
                return
        super().exception(msg, *args, **kwargs)

    def debug(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        # gunicorn's own ``pre_request`` hook, at --log-level debug, logs each request's method
        # and address ("%s %s"): found (privacy review, tracing typed words), every POST of the
        # questions in order (where each visitor was sent) and a live feedback link reached the
        # journal. Left out for the journey's pages, as the access log leaves them, and the
        # address given as the access logs give it otherwise.
        if msg == PRE_REQUEST and len(args) == 2:
            served = served_target(str(args[1]))
            if served is None or not journey_line_kept(served, "200"):
                return
            args = (args[0], quiet_target(served))
        super().debug(msg, *args, **kwargs)

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(msg, str) and INVALID_REQUEST.match(msg):  # gunicorn's comes formatted
            msg = UNREADABLE_LINE.sub(lambda found: found.group(1) + HIDDEN_LINE, msg)
            msg = INVALID_REQUEST.sub("Invalid request: ", QUOTED.sub(NOT_SHOWN, msg))
        super().warning(msg, *args, **kwargs)


__all__ = ["QuietAccessLog"]
