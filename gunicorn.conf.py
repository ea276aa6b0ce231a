"""gunicorn's settings file for Space to Think: a check at start-up, nothing else.

gunicorn reads ``gunicorn.conf.py`` from the folder it starts in (the web app's unit,
deploy/space-to-think-web.service, starts it in the project's folder); its settings stay on the
command line. Before any worker starts, ``on_starting`` refuses a ``PDF_RENDER_PAGE_TIMEOUT_SECONDS``
that gunicorn's ``--timeout`` would cut short (``app.config.page_limit_problem``): gunicorn stops a
worker that takes longer than its timeout, so a slow PDF made in a page would give the person no
page at all, not the page asking them to try again. It exits with status 3, as a bad setting
does (wsgi.py), so systemd does not start it again and again (``RestartPreventExitStatus=3``).
"""

from __future__ import annotations

import os
import sys
from typing import Any


def on_starting(server: Any) -> None:  # server: gunicorn's Arbiter
    """Refuse to start if the page's PDF time limit does not fit under gunicorn's timeout."""
    from app.config import page_limit_problem, page_render_limit

    page_limit = page_render_limit(os.environ)  # gunicorn's --env / raw_env is in os.environ by now
    if page_limit is None:
        return  # not a whole number in range: the app says so itself as it loads
    problem = page_limit_problem(page_limit, float(server.cfg.timeout))
    if problem:
        print(f"Space to Think cannot start: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(3)
