"""The questions to prepare as a PDF, made by the outbox worker, not inside a web request.

The worker (``app.outbox.run_pass``) makes one for each mode the page offers
(``PREPARE_MODES``), for the rule pack and partnership file it has loaded, and stores it
(``QuestionsPdf``, keyed by the pack's version, the partnership file's and the mode); it deletes
the rows for other versions once no worker has wanted them for a day (``KEEP_OTHER_VERSIONS``).
The page (``app.main.views.questions_to_prepare_pdf``) serves the
stored one; until it is made it says so, with "Check again"; if the render failed it says so and
offers the printable page. A failed render is tried again later, waiting longer each time
(``app.outbox.retry_delay``), as the outbox does.
"""

from __future__ import annotations

import datetime as dt

from flask import render_template
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import QuestionsPdf, utcnow
from .pack import current_contacts, current_pack, current_partnership
from .pdf import LOGO_URL, logo_images, render_pdf
from .questions_to_prepare import PREPARE_MODES, questions_to_prepare

# Another version's rows are deleted only once no worker has wanted them for this long: during a
# rolling deploy, workers on the old rules and the new run side by side, and each deleted the
# other's rows at every pass, so each remade its own PDFs at every pass (renders wasted, and
# pages saying "being made" all the while). A day is far longer than any deploy, and rows left
# by rules no longer served cost little meanwhile (two small PDFs, never served by the new rules).
KEEP_OTHER_VERSIONS = dt.timedelta(days=1)
# How often a worker notes that it still wants its rules' rows (``wanted_at``): rarely enough that
# an idle worker's pass almost never writes (on SQLite, the write lock), often enough that a row
# wanted by a running worker is never a day old, and that the health check can tell a worker that
# has stopped (``worker_last_seen``) within half an hour.
WANTED_REFRESH = dt.timedelta(minutes=10)


def worker_last_seen() -> dt.datetime | None:
    """When an outbox worker last noted that it was running (the latest ``wanted_at``: each
    worker's passes note it at least every ``WANTED_REFRESH``); None if no worker ever ran."""
    seen: dt.datetime | None = db.session.scalar(
        select(func.max(func.coalesce(QuestionsPdf.wanted_at, QuestionsPdf.created_at)))
    )
    return seen


def versions() -> tuple[str, str]:
    """What the loaded rules' PDFs are made from: the rule pack's version, and the partnership
    file's with the contacts file's ("fd782de9a9cb.6ccbb983968b"; the partnership file's alone in
    rows made before 7 December 2026, when the PDF began to give the contacts for a child at risk)."""
    return current_pack().version, f"{current_partnership().version}.{current_contacts().version}"


def stored_pdf(mode: str) -> QuestionsPdf | None:
    """The row for ``mode`` and the loaded rules, if the worker has begun on it."""
    pack_version, partnership_version = versions()
    return db.session.scalar(
        select(QuestionsPdf).where(
            QuestionsPdf.pack_version == pack_version,
            QuestionsPdf.partnership_version == partnership_version,
            QuestionsPdf.mode == mode,
        )
    )


def want_pdfs(now: dt.datetime | None = None) -> None:
    """Add a row for each mode the page offers that has none for the loaded rules; note, at most
    every ``WANTED_REFRESH``, that the loaded rules' rows are still wanted; and delete the rows
    for other versions that no worker has wanted for ``KEEP_OTHER_VERSIONS`` (a worker still
    running other rules, beside this one in a rolling deploy, keeps its own). With nothing to
    change (nearly every pass), one read and no write, so an idle worker never takes SQLite's
    write lock for this. Commits what it changes (another worker adding the same row at once is
    fine). ``now`` stands in for the clock (tests)."""
    now = now or utcnow()
    loaded = versions()
    ours = and_(QuestionsPdf.pack_version == loaded[0], QuestionsPdf.partnership_version == loaded[1])
    wanted = func.coalesce(QuestionsPdf.wanted_at, QuestionsPdf.created_at)  # rows from before wanted_at
    rows = db.session.execute(
        select(QuestionsPdf.pack_version, QuestionsPdf.partnership_version, QuestionsPdf.mode, wanted.label("wanted"))
    ).all()
    mine = [row for row in rows if (row.pack_version, row.partnership_version) == loaded]
    others = [row for row in rows if (row.pack_version, row.partnership_version) != loaded]
    if any(row.wanted < now - KEEP_OTHER_VERSIONS for row in others):
        db.session.execute(delete(QuestionsPdf).where(~ours, wanted < now - KEEP_OTHER_VERSIONS))
        db.session.commit()
    if any(row.wanted < now - WANTED_REFRESH for row in mine):
        db.session.execute(update(QuestionsPdf).where(ours).values(wanted_at=now))
        db.session.commit()
    have = {row.mode for row in mine}
    for mode in PREPARE_MODES:
        if mode not in have:
            db.session.add(
                QuestionsPdf(pack_version=loaded[0], partnership_version=loaded[1], mode=mode, wanted_at=now)
            )
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()  # another worker added it first
    db.session.rollback()  # end the read, when nothing was written


def claim_questions_job(now: dt.datetime, tried: set[int], may_last: dt.timedelta) -> QuestionsPdf | None:
    """Lock and return one of the loaded rules' PDFs still to be made and due (or None): never
    one a worker began less than ``may_last`` ago."""
    pack_version, partnership_version = versions()
    began = QuestionsPdf.render_began_at
    query = select(QuestionsPdf).where(
        QuestionsPdf.pack_version == pack_version,
        QuestionsPdf.partnership_version == partnership_version,
        QuestionsPdf.made_at.is_(None),
        or_(QuestionsPdf.next_attempt_at.is_(None), QuestionsPdf.next_attempt_at <= now),
        or_(began.is_(None), began <= now - may_last),
    )
    if tried:
        query = query.where(QuestionsPdf.id.not_in(tried))
    query = query.order_by(QuestionsPdf.id).limit(1).with_for_update(skip_locked=True)
    return db.session.scalar(query)


def render_questions(mode: str) -> bytes:
    """The questions in ``mode``'s wording as a PDF (in the renderer's child process, with its limit)."""
    pack = current_pack()
    html = render_template(
        "pdf/questions_to_prepare.html",
        pack=pack,
        mode=mode,
        questions=questions_to_prepare(pack, mode),
        contacts=current_contacts(),
        logo_url=LOGO_URL,
    )
    return render_pdf(html, images=logo_images(current_partnership().logo))


__all__ = ["claim_questions_job", "render_questions", "stored_pdf", "versions", "want_pdfs"]
