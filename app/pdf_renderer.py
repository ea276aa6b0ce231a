"""Rendering in a child process, with a time limit: a renderer that hangs is stopped for real.

WeasyPrint is a Python library over C ones (Pango, HarfBuzz, Fontconfig): a document that makes
it loop, or take minutes, cannot be interrupted from the thread that called it. Before, such a
render held the outbox worker for ever (no PDF, no email of any kind, and nothing said why), and
in a web request it held the page until gunicorn killed its worker, with no page at all.

So ``app.pdf.render_pdf`` hands the HTML to a child process and waits at most the time limit
for the PDF. A child that has not answered by then is killed (SIGKILL: a stuck C library does
not act on anything gentler), ``PdfRenderTimeout`` is raised, and a new child is started at
once, so the next render does not wait for it. A child that dies mid-render (killed for
memory, a crash in a library) gives ``PdfRendererStopped`` and is replaced the same way: the
caller's process carries on either way.

A child is a new interpreter (``subprocess``: fork and exec at once, safe in a process with
threads, as a web server's and a database pool's are), importing only WeasyPrint and the three
``app.pdf*`` modules it needs, not the web app (``_CHILD_CODE``): about a second to start. It is
kept and reused, so a render pays only for sending the HTML and the PDF through a pipe (under a
millisecond: docs/PERFORMANCE.md). The time limit counts from when the document is sent: a
child still starting (the first PDF of a process, the next after a kill) is given up to
``START_SECONDS`` more, so a limit shorter than a start cannot stop every PDF for good. Each
process that renders keeps its own children: one, or more while several
of its threads render at once (up to ``MAX_IDLE`` are kept; one grown past ``KEEP_BELOW_BYTES``
is replaced after its render). A child ends when the process that
started it does (it finds its pipe closed), even in the middle of a render (it checks its
parent every second).

Nothing the document says leaves the child except the PDF and, as before, WeasyPrint's own
warnings (logged by the caller's process under the same logger names, without the values they
quote: ``without_values``) and the addresses the fetcher refused.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .pdf_parts import PdfAttachment, PdfImage, PdfRendererNotStarted, PdfRendererStopped, PdfRenderTimeout

log = logging.getLogger(__name__)

# The folder ``app`` is in: the child imports it from there, as this process did.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Children kept waiting for work once their render is done (the rest are stopped).
MAX_IDLE = 2
# What the child runs. It needs this module, app.pdf_parts and app.pdf_weasyprint, not the web
# app: ``app`` is given as a bare package, without running app/__init__.py (Flask, SQLAlchemy and
# every blueprint), which would double the child's start-up time (about 1 s) and its memory.
_CHILD_CODE = (
    "import sys, types; package = types.ModuleType('app'); package.__path__ = [{app!r}]; "
    "sys.modules['app'] = package; from app.pdf_renderer import serve; serve({fd}, {parent})"
)
# How long a new child may take to be ready (the interpreter and WeasyPrint's import, about 1 s),
# apart from the render's own time limit.
START_SECONDS = 10.0
# A kept child whose pipe closes this soon after it is given a document had ended before (a
# process killed a moment ago can still look alive): the document goes to a new child, once.
_DEAD_ON_ARRIVAL_SECONDS = 0.5
# How long a killed child is given to be gone.
_REAP_SECONDS = 5.0
# How often a child checks that the process that started it is still there.
_PARENT_CHECK_SECONDS = 1.0
# A child that has grown past this much memory (a very long document: Python keeps what it took)
# is replaced after its render, not kept: an idle one holds about 60 MB (found: 473 MB held for
# the rest of a web worker's life after one very large document).
KEEP_BELOW_BYTES = 200 * 1024 * 1024


# --- the child ----------------------------------------------------------------------------------


# A %-style placeholder in a log record's message: its key (``%(name)s``), flags, width, precision
# and conversion.
_PLACEHOLDER = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conversion>[a-zA-Z%])"
)
NOT_SHOWN = "[not shown]"


def without_values(record: logging.LogRecord) -> str:
    """``record``'s message with each value it quotes replaced by ``NOT_SHOWN``, but whole numbers
    (a line and column in a stylesheet, a count of cells): what the renderer says, never what the
    document does.

    Found (privacy review): WeasyPrint's warning for a character no installed font has quotes the
    character and its number (".notdef glyph rendered for Unicode string unsupported by fonts: "漢"
    (U+6F22)"), so a name or a reflection typed in a script the server has no font for reached the
    outbox worker's log, one character at a time, in order."""
    args = record.args
    if not args:
        return str(record.msg)
    values = iter(args if isinstance(args, tuple) else ())

    def shown(found: re.Match[str]) -> str:
        if found["conversion"] == "%":
            return "%"
        value = args.get(found["key"]) if isinstance(args, Mapping) else next(values, None)
        whole_number = isinstance(value, int) and not isinstance(value, bool) and found["conversion"] in "diu"
        return str(value) if whole_number else NOT_SHOWN

    return _PLACEHOLDER.sub(shown, str(record.msg))


class _KeptRecords(logging.Handler):
    """Keeps what the renderer logs (warnings and worse) during one render, for the parent,
    without the values the messages quote (``without_values``)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append((record.name, record.levelno, without_values(record)))
        except Exception:  # noqa: BLE001 — a record that cannot be put in words is left out, never the PDF
            self.records.append((record.name, record.levelno, NOT_SHOWN))


def _picklable(error: Exception) -> Exception:
    """``error`` if it can be sent to the parent, else a RuntimeError naming its type."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 — the bytes made on the line itself: nothing from outside
    except Exception:  # noqa: BLE001 — any exception pickle cannot carry
        return RuntimeError(f"the PDF renderer failed ({type(error).__name__})")
    return error


def _end_with_parent(parent: int) -> None:
    """End this process once the one that started it has gone, even in the middle of a render
    (the pipe closing ends it between renders): a stuck child must not outlive a killed parent."""
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(1)


def serve(fd: int, parent: int) -> None:
    """The child: render each document sent on ``fd``, reply with the PDF (or the error), until
    the pipe closes or ``parent`` ends. The parent decides when the child stops: Ctrl+C in a
    terminal reaches the whole process group, and systemd's SIGTERM the whole service, and the
    outbox worker finishes the PDF in hand before it stops, so the child ignores both (it ends
    when the parent has gone, or is killed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_end_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    connection = Connection(fd)
    try:
        from .pdf_weasyprint import RefusingFetcher, write_pdf
    except Exception as error:
        # WeasyPrint missing or broken (a library it loads is not installed): the caller's error
        # is this one, by its type (the inbox says "OSError", not that the renderer stopped), and
        # the traceback goes to the standard error, for whoever mends it.
        with contextlib.suppress(OSError, ValueError):
            connection.send(("broken", _picklable(error)))
        raise

    kept = _KeptRecords()
    root = logging.getLogger()
    root.handlers[:] = [kept]
    root.setLevel(logging.WARNING)
    try:
        connection.send(("ready",))
    except OSError:
        return  # the parent went while this process started
    while True:
        try:
            html, attachments, images = connection.recv()
        except (EOFError, OSError):
            return  # the parent has gone
        kept.records = []
        fetcher = RefusingFetcher(images)
        try:
            reply: tuple[Any, ...] = ("pdf", write_pdf(html, attachments, fetcher), fetcher.refused, kept.records)
        except Exception as error:  # noqa: BLE001 — any renderer fault goes back to the caller, who decides
            reply = ("error", _picklable(error), fetcher.refused, kept.records)
        try:
            connection.send(reply)
        except (OSError, ValueError):
            return


# --- the parent ---------------------------------------------------------------------------------


class _Child:
    """One child process and the parent's end of its pipe (a socket pair)."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            code = _CHILD_CODE.format(app=str(PROJECT_ROOT / "app"), fd=theirs.fileno(), parent=os.getpid())
            self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and code, nothing typed
                [sys.executable, "-c", code],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # nothing to say; it keeps no pipe of the caller's open
                close_fds=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.connection = Connection(ours.detach())
        self.ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def render(self, job: tuple[Any, ...], seconds: float) -> tuple[Any, ...]:
        """Send ``job`` and wait ``seconds`` for the reply; a child still starting is first given
        up to ``START_SECONDS`` to be ready."""
        if not self.ready:
            ready = self._answer(time.monotonic() + START_SECONDS)
            if ready is None:
                raise PdfRendererNotStarted(START_SECONDS)
            if ready[0] == "broken":  # it could not import WeasyPrint: its error, by its own type
                raise ready[1]
            self.ready = True
        try:
            self.connection.send(job)
        except OSError:  # it ended while waiting for work (killed for memory, say)
            raise self._stopped() from None
        answer = self._answer(time.monotonic() + seconds)
        if answer is None:
            raise PdfRenderTimeout(seconds)
        return answer

    def _answer(self, deadline: float) -> tuple[Any, ...] | None:
        """What the child says by ``deadline`` (``time.monotonic``), or None."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self.connection.poll(remaining):
            return None
        try:
            answer: tuple[Any, ...] = self.connection.recv()
        except (EOFError, OSError):
            raise self._stopped() from None
        return answer

    def _stopped(self) -> PdfRendererStopped:
        """The error for a child that has ended, with its exit status once it is known."""
        try:
            code: int | None = self.process.wait(_REAP_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
        return PdfRendererStopped(code)

    def stop(self) -> None:
        """Kill the child (it may be stuck in a C library) and wait for it to be gone."""
        with contextlib.suppress(OSError):
            self.connection.close()
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(_REAP_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("A PDF renderer process (%d) did not end when killed", self.process.pid)


_lock = threading.Lock()
_idle: list[_Child] = []


def _forget_children_after_fork() -> None:
    """A process forked from one that renders (gunicorn's workers with --preload) starts its
    own children: the ones it inherited belong to its parent, so it neither uses nor stops them."""
    global _lock
    _lock = threading.Lock()
    _idle.clear()


os.register_at_fork(after_in_child=_forget_children_after_fork)


def _take() -> _Child:
    with _lock:
        while _idle:
            child = _idle.pop()
            if child.alive():
                return child
            child.stop()
    return _Child()


def _give_back(child: _Child) -> None:
    with _lock:
        if len(_idle) < MAX_IDLE:
            _idle.append(child)
            return
    child.stop()


def start() -> None:
    """Start a child ahead of the first render (the outbox worker does, as it starts), so that
    render does not wait for it."""
    with _lock:
        if _idle:
            return
    _give_back(_Child())


def stop_all() -> None:
    """Stop every idle child (tests; a process ending stops its children by itself)."""
    with _lock:
        children = list(_idle)
        _idle.clear()
    for child in children:
        child.stop()


def child_pids() -> list[int]:
    """The process ids of the children waiting for work (tests)."""
    with _lock:
        return [child.pid for child in _idle]


class _DeadOnArrival(Exception):
    """A kept child was found to have ended as it was given the document."""


def _render(child: _Child, job: tuple[Any, ...], seconds: float) -> tuple[Any, ...]:
    """``child.render``, telling apart a kept child that had ended while it waited for work
    (killed for memory, say, just before: it looked alive, and the document went into its
    pipe) by its error coming at once, within ``_DEAD_ON_ARRIVAL_SECONDS``."""
    reused, sent = child.ready, time.monotonic()
    try:
        return child.render(job, seconds)
    except PdfRendererStopped:
        if reused and time.monotonic() - sent < _DEAD_ON_ARRIVAL_SECONDS:
            raise _DeadOnArrival from None
        raise


def _resident_bytes(pid: int) -> int | None:
    """How much memory process ``pid`` holds (its resident set), or None if it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _replace(child: _Child) -> None:
    """Stop ``child`` and start another, so the next render finds one ready."""
    child.stop()
    try:
        start()
    except OSError as error:  # the next render tries again; this one's result is the one to report
        log.warning("A new PDF renderer process could not be started (%s)", type(error).__name__)


def render_in_child(
    html: str,
    attachments: Sequence[PdfAttachment],
    images: Mapping[str, PdfImage] | None,
    seconds: float,
) -> tuple[bytes, list[str]]:
    """The PDF of ``html`` and the addresses the fetcher refused, rendered in a child process.

    Raises ``PdfRenderTimeout`` if it takes more than ``seconds`` (the child is killed, and a
    new one started for the next render), ``PdfRendererStopped`` if the child died,
    ``PdfRendererNotStarted`` if a new child was not ready within ``START_SECONDS``, or the
    renderer's own error (also the error importing WeasyPrint, when it is missing or broken)."""
    job = (html, list(attachments), dict(images or {}))
    child = _take()
    try:
        try:
            answer = _render(child, job, seconds)
        except _DeadOnArrival:
            child.stop()
            child = _Child()  # once: this one has not been given anything yet
            answer = child.render(job, seconds)
    except (PdfRenderTimeout, PdfRendererStopped, PdfRendererNotStarted):
        _replace(child)
        raise
    except BaseException:
        child.stop()  # interrupted mid-exchange (Ctrl+C, a pipe error): its answer would go to the next render
        raise
    if (resident := _resident_bytes(child.pid)) is not None and resident > KEEP_BELOW_BYTES:
        _replace(child)
    else:
        _give_back(child)
    kind, result, refused, records = answer
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)
    if kind == "error":
        raise result
    return result, refused


__all__ = [
    "KEEP_BELOW_BYTES",
    "MAX_IDLE",
    "START_SECONDS",
    "child_pids",
    "render_in_child",
    "serve",
    "start",
    "stop_all",
]
