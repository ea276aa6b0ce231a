"""Helpers for the browser tests: axe-core checks, answering the journey as a person would,
keyboard-only navigation and a visible-focus check.

Answers are given by the labels people see (the wording of the rule pack,
app/rules/space_to_think.yaml), never by internal ids or field names.
"""

from __future__ import annotations

import functools
import re
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright._impl._sync_base import EventInfo
from playwright.sync_api import BrowserContext, Locator, Page, Response, expect

# ---------------------------------------------------------------------------------------
# axe-core

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag: 2.2's new A criteria
# carry wcag2a-style tags or none that axe can test automatically).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}

# axe-playwright-python's bundled axe.min.js. The live server (tests/browser/conftest.py)
# serves it at AXE_PATH, cacheable, and each checked page loads it from there with a script
# tag: Chromium then keeps it compiled between pages (sending the ~570 kB script into every
# page with page.evaluate cost about three times as much). Nothing is fetched from elsewhere.
AXE_PATH = "/__tests__/axe.min.js"
# An empty page with axe-core loaded, where JavaScript-off pages are checked (below).
AXE_PAGE_PATH = "/__tests__/axe.html"
AXE_PAGE = (
    f'<!DOCTYPE html><html lang="en"><head><title>axe</title><script src="{AXE_PATH}"></script></head>'
    "<body></body></html>"
)


@functools.cache
def axe_source() -> str:
    return str(Axe().axe_script)


# Contexts made with JavaScript off, each with a factory for a JavaScript-on scratch context
# (filled in by conftest.py). axe-core cannot run where scripts are off: its timers never fire.
JS_OFF_CONTEXTS: weakref.WeakKeyDictionary[BrowserContext, Callable[[], BrowserContext]] = weakref.WeakKeyDictionary()
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.I | re.S)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now.

    For a page with JavaScript off, the page's DOM (what the server sent, as parsed, with no
    script run, and what the person has chosen and typed in its forms since: ``page.content()``
    alone gives the attributes the server sent, not a radio ticked or a box filled in since, so
    these are written into the attributes first) is written, every script removed, into a page
    of a JavaScript-on scratch
    context that already has axe-core (``AXE_PAGE_PATH``), under the same address, so the
    same HTML and stylesheets are what axe checks. The page is replaced with
    ``document.open()``, which keeps the window and so axe-core, already loaded and warmed
    up: a fresh page for each check cost about 0.15 s more of the browser's time.
    """
    scratch_factory = JS_OFF_CONTEXTS.get(page.context)
    if scratch_factory is None:
        return _run_axe(page)
    url = page.url
    origin = urlsplit(url)._replace(path="", query="", fragment="").geturl()
    page.evaluate(_FORM_STATE_INTO_HTML)
    html = _SCRIPT.sub("", page.content())
    replay = _REPLAY_PAGES.get(page.context)
    if replay is None or replay.is_closed():
        replay = scratch_factory().new_page()
        _REPLAY_PAGES[page.context] = replay
    if not replay.url.startswith(origin + "/") or not replay.evaluate(_AXE_LOADED):
        replay.goto(origin + AXE_PAGE_PATH)
    violations: list[dict[str, Any]] = replay.evaluate(_AXE_REPLAY, {"html": html, "url": url, "options": AXE_OPTIONS})
    return violations


# What the person has done to the page's forms (ticked, chosen, typed), copied into the
# attributes that ``page.content()`` serialises. Playwright's evaluate runs even where the page's
# own scripts may not; only attributes change, which do not change a form's dirty values.
_FORM_STATE_INTO_HTML = """() => {
  for (const input of document.querySelectorAll("input")) {
    if (input.type === "checkbox" || input.type === "radio") input.toggleAttribute("checked", input.checked);
    else if (input.type !== "file" && input.type !== "password") input.setAttribute("value", input.value);
  }
  for (const box of document.querySelectorAll("textarea")) box.textContent = box.value;
  for (const option of document.querySelectorAll("option")) option.toggleAttribute("selected", option.selected);
}"""

_REPLAY_PAGES: weakref.WeakKeyDictionary[BrowserContext, Page] = weakref.WeakKeyDictionary()


# axe-core is put into a document once, however many times that document is checked; only
# the violations come back to Python.
_AXE_LOADED = "() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"
_AXE_RUN = "options => axe.run(options).then(results => results.violations)"
# The page's HTML in place of the document (same address, same origin), its stylesheets
# loaded, then axe-core run over it.
_AXE_REPLAY = """async ({html, url, options}) => {
  history.replaceState(null, "", url);
  document.open();
  document.write(html);
  document.close();
  const pending = [...document.querySelectorAll('link[rel~="stylesheet"]')].filter(link => !link.sheet);
  await Promise.all(pending.map(link => new Promise(done => {
    link.addEventListener("load", done, {once: true});
    link.addEventListener("error", done, {once: true});
    setTimeout(done, 5000);  // a stylesheet that never answers: axe still runs, and reports
  })));
  return (await axe.run(options)).violations;
}"""


def _run_axe(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate(_AXE_LOADED):
        page.add_script_tag(url=AXE_PATH)
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, AXE_OPTIONS)
    return violations


def format_violations(violations: Sequence[dict[str, Any]], where: str) -> str:
    lines = [f"{len(violations)} axe violation(s) (WCAG 2.2 A/AA) on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('html', '').strip()[:300]}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
            known = known_cause(violation["id"], node.get("html", ""))
            if known:
                lines.append(f"       Known cause: {known}")
    return "\n".join(lines)


def known_cause(rule: str, html: str) -> str | None:
    """An explanation for violations whose cause is known, to point at the fix (never to excuse them)."""
    if rule == "aria-allowed-attr" and "aria-expanded" in html and 'type="radio"' in html:
        return (
            "GOV.UK Frontend's radios script sets aria-expanded on a radio that conditionally reveals "
            "content (a deliberate upstream choice, alphagov/govuk-frontend issue 979; ARIA allows "
            "aria-expanded on radiogroup, not radio). Fix in the template: do not use a conditional "
            "reveal here; show the follow-up field always, or ask it on its own page."
        )
    return None


def assert_no_axe_violations(page: Page, where: str | None = None) -> None:
    """Fail, listing each violation's rule id, help text and target nodes, unless there are none."""
    violations = axe_violations(page)
    assert not violations, format_violations(violations, where or page.url)


class AxeAudit:
    """Checks several pages of one walk and fails once at the end, listing every page's violations
    (so one failing page does not hide the next)."""

    def __init__(self) -> None:
        self.reports: list[str] = []
        self.pages_checked: list[str] = []

    def check(self, page: Page, where: str) -> None:
        violations = axe_violations(page)
        self.pages_checked.append(where)
        if violations:
            self.reports.append(format_violations(violations, f"{where} ({page.url})"))

    def assert_clean(self) -> None:
        assert not self.reports, (
            f"axe found violations on {len(self.reports)} of {len(self.pages_checked)} pages:\n\n"
            + "\n\n".join(self.reports)
        )


# ---------------------------------------------------------------------------------------
# The journey, answered by visible labels


def _exact(text: str) -> re.Pattern[str]:
    """A pattern matching the whole label, with straight or curly apostrophes and any spacing."""
    escaped = re.escape(" ".join(text.split()))
    escaped = escaped.replace("'", "['’]").replace("\\ ", r"\s+")
    return re.compile(rf"^\s*{escaped}\s*$")


def _starts(text: str) -> re.Pattern[str]:
    escaped = re.escape(" ".join(text.split())).replace("'", "['’]").replace("\\ ", r"\s+")
    return re.compile(rf"^\s*{escaped}")


@dataclass(frozen=True)
class Answer:
    """One page of the journey: the question's heading (legend) and the option(s) to choose."""

    question: str
    choices: tuple[str, ...]
    kind: str = "radio"  # radio | checkbox
    prefix: bool = False  # choices are the start of long labels

    def patterns(self) -> list[re.Pattern[str]]:
        return [(_starts if self.prefix else _exact)(choice) for choice in self.choices]


def radio(question: str, choice: str) -> Answer:
    return Answer(question, (choice,))


def checkboxes(question: str, *choices: str, prefix: bool = True) -> Answer:
    return Answer(question, tuple(choices), kind="checkbox", prefix=prefix)


# Practitioner-mode wording from the rule pack.
Q_MODE = "Who is using this today?"
Q_DANGER = "Is a child or young person in immediate danger, or at risk of significant harm right now?"
Q_UNSHARED = (
    "Do you have a concern about a child's safety or welfare that has not yet been shared with children's social care?"
)
Q_ALLEGATION = "Is your worry about how an adult who works or volunteers with children behaves towards children?"
Q_ADULT = "Is your main worry that an adult with care and support needs is being abused or neglected?"
Q_SERIOUS = "Has a child died or been seriously harmed, where abuse or neglect is known or suspected?"
Q_DISAGREE = "Do you disagree with a decision another agency has made about a child, and want it changed?"
Q_DECISION = "Do you need a decision made, or a plan agreed, about this child or family?"
Q_CRITERIA = "What would you like a reflective space to help with?"
Q_MULTI = "Are other agencies involved with this child or family, or should they be?"
Q_SUPERVISION = "Have you talked about this in your own supervision, or with your safeguarding lead?"
Q_UNDERSTAND = "Before you continue"

MYSELF = radio(Q_MODE, "I am thinking about my own practice")
NO_DANGER = radio(Q_DANGER, "No")
SHARED = radio(Q_UNSHARED, "No, it has already been shared")
NO_ALLEGATION = radio(Q_ALLEGATION, "No")
NO_ADULT = radio(Q_ADULT, "No")
NO_SERIOUS = radio(Q_SERIOUS, "No")
NO_DISAGREEMENT = radio(Q_DISAGREE, "No")
NO_DECISION = radio(Q_DECISION, "No")
TO_CRITERIA = (MYSELF, NO_DANGER, SHARED, NO_ALLEGATION, NO_ADULT, NO_SERIOUS, NO_DISAGREEMENT, NO_DECISION)
STUCK = checkboxes(Q_CRITERIA, "I feel stuck, or unclear about the systems")
CONFIRM = checkboxes(Q_UNDERSTAND, "I understand that Space to Think complements but does not replace")

# A path to every outcome of the rule pack.
PATHS: dict[str, tuple[Answer, ...]] = {
    "U1": (MYSELF, radio(Q_DANGER, "Yes")),
    "U2": (MYSELF, radio(Q_DANGER, "I'm not sure")),
    "L": (MYSELF, NO_DANGER, SHARED, radio(Q_ALLEGATION, "Yes")),
    "A": (MYSELF, NO_DANGER, SHARED, NO_ALLEGATION, radio(Q_ADULT, "Yes, and it has not been reported")),
    "R": (
        MYSELF,
        NO_DANGER,
        SHARED,
        NO_ALLEGATION,
        NO_ADULT,
        radio(Q_SERIOUS, "Yes, and it has not been referred for a practice review"),
    ),
    "E": (
        MYSELF,
        NO_DANGER,
        SHARED,
        NO_ALLEGATION,
        NO_ADULT,
        NO_SERIOUS,
        radio(Q_DISAGREE, "Yes, I want the decision reviewed"),
    ),
    "D": (MYSELF, NO_DANGER, SHARED, NO_ALLEGATION, NO_ADULT, NO_SERIOUS, NO_DISAGREEMENT, radio(Q_DECISION, "Yes")),
    "S": (*TO_CRITERIA, checkboxes(Q_CRITERIA, "None of these", prefix=False)),
    "P": (*TO_CRITERIA, STUCK, radio(Q_MULTI, "Yes"), radio(Q_SUPERVISION, "Yes"), CONFIRM),
}
OUTCOMES = tuple(PATHS)


@functools.cache
def installed_pack() -> Any:
    """The installed rule pack, read once (this module's paths are worked out from it at import)."""
    from app.rules import load_pack

    return load_pack()


def _in_supervision(step: Answer) -> Answer:
    """``step`` as a manager in supervision meets it: the pack's supervision wording of the
    same question and options (found by their practitioner wording)."""

    def same(text: str) -> str:
        return " ".join(text.replace("’", "'").split())

    pack = installed_pack()
    if step is MYSELF:
        mode = pack.question("mode")
        assert mode is not None
        chosen = next(o for o in mode.options if o.mode == "supervision")
        return radio(step.question, chosen.label.supervision)
    # Found (partnership review): a reworded question stopped every browser test at import with
    # "generator raised StopIteration", naming neither the question nor this file.
    question = next((q for q in pack.questions if same(q.title.practitioner) == same(step.question)), None)
    if question is None:
        raise LookupError(
            f"No question in the rule pack is titled {step.question!r}: if it was reworded, change its "
            "Q_... constant in tests/support/browser.py (the browser tests answer by what users read)."
        )
    labels = []
    for choice in step.choices:
        found = next(
            (
                o
                for o in question.options
                if same(o.label.practitioner).startswith(same(choice))
                and (step.prefix or same(o.label.practitioner) == same(choice))
            ),
            None,
        )
        if found is None:
            raise LookupError(
                f"The question {question.id!r} has no answer {choice!r}: if it was reworded, change it in "
                "tests/support/browser.py (the browser tests answer by what users read)."
            )
        labels.append(found.label.supervision)
    return Answer(question.title.supervision, tuple(labels), kind=step.kind, prefix=False)


# The same paths, answered by a manager in supervision with a practitioner.
SUPERVISION_PATHS: dict[str, tuple[Answer, ...]] = {
    outcome: tuple(_in_supervision(step) for step in steps) for outcome, steps in PATHS.items()
}


def _same(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def answer_values(steps: Sequence[Answer], mode: str = "practitioner") -> list[tuple[str, list[str]]]:
    """``steps`` (practitioner wording, as in ``PATHS``) as (question id, option values): what
    the forms post. In supervision mode only the first answer (who is using this today) differs."""
    pack = installed_pack()
    found: list[tuple[str, list[str]]] = []
    for step in steps:
        question = next(q for q in pack.questions if _same(q.title.practitioner) == _same(step.question))
        if step is MYSELF and mode == "supervision":
            found.append((question.id, [next(o.value for o in question.options if o.mode == "supervision")]))
            continue
        values = [
            next(
                o.value
                for o in question.options
                if _same(o.label.practitioner).startswith(_same(choice))
                and (step.prefix or _same(o.label.practitioner) == _same(choice))
            )
            for choice in step.choices
        ]
        found.append((question.id, values))
    return found


class FormPoster:
    """Posts the app's forms through a browser context's own HTTP client (it shares the
    context's cookies), without drawing a page: the quick way to the page a test is about,
    when the walk there is tested elsewhere (the journey by mouse and keyboard in
    test_journey_browser.py, every path over HTTP in tests/test_wizard_paths.py, the
    details pages in tests/test_request_flow.py)."""

    FORM: ClassVar[dict[str, str]] = {"content-type": "application/x-www-form-urlencoded"}

    def __init__(self, context: BrowserContext) -> None:
        self.request = context.request
        self.token = ""

    def get(self, url: str) -> str:
        """GET a page (following redirects); keep its CSRF token; return its HTML."""
        response = self.request.get(url)
        assert response.ok, f"GET {url}: {response.status}"
        html = response.text()
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', html
        )
        if match:
            self.token = match.group(1)
        return html

    def post(self, url: str, fields: Sequence[tuple[str, str]]) -> str:
        """POST a form with the last CSRF token seen; it must redirect; returns where to."""
        from urllib.parse import urlencode

        body = urlencode([("csrf_token", self.token), *fields])
        response = self.request.post(url, data=body, headers=self.FORM, max_redirects=0)
        assert response.status == 302, f"POST {url}: {response.status}"
        return response.headers["location"]

    def details(self, details: Mapping[str, str] | None = None, skip: Sequence[str] = ()) -> None:
        """Fill in every details page of the request in order (``VALID_DETAILS`` unless given), but
        the pages in ``skip`` (their slugs)."""
        from support.submission import PAGE_FIELDS, VALID_DETAILS

        given = VALID_DETAILS if details is None else details
        for slug, names in PAGE_FIELDS:
            if slug not in skip:
                self.get(f"/request/{slug}")
                self.post(f"/request/{slug}", [(name, given.get(name, "")) for name in names])

    def journey(self, answers: Sequence[tuple[str, Sequence[str]]]) -> str:
        """Start afresh and give ``answers`` (``answer_values``); returns the URL the last leads to."""
        self.get("/start")
        self.get(self.post("/start", []))
        location = ""
        for question, values in answers:
            location = self.post(f"/questions/{question}", [("answer", value) for value in values])
        return location


def open_outcome(page: Page, outcome: str, mode: str = "practitioner") -> Locator:
    """The outcome page, reached by posting the answers of ``PATHS[outcome]`` (``FormPoster``),
    then opened in ``page``; returns the outcome's data hook."""
    page.goto(FormPoster(page.context).journey(answer_values(PATHS[outcome], mode)))
    hook = outcome_hook(page, outcome)
    expect(hook).to_have_count(1)
    return hook


def start_button(page: Page) -> Locator:
    """The start page's "Start now" (a GOV.UK start button: a link or a button with role=button)."""
    return page.get_by_role("button", name=_starts("Start now"))


def continue_button(page: Page) -> Locator:
    return page.get_by_role("button", name=_exact("Continue"))


def question_heading(page: Page, answer: Answer) -> Locator:
    """The question as a person meets it: the page's heading (the fieldset legend)."""
    return page.get_by_role("heading", level=1, name=_exact(answer.question))


def option(page: Page, answer: Answer, pattern: re.Pattern[str]) -> Locator:
    return page.get_by_role(answer.kind, name=pattern)


def start(page: Page) -> None:
    """Open the start page and press Start now."""
    page.goto("/")
    start_button(page).click()


def answer(page: Page, step: Answer) -> None:
    """Check the page asks ``step.question``, choose the option(s) by label, press Continue."""
    expect(question_heading(page, step)).to_be_visible()
    for pattern in step.patterns():
        option(page, step, pattern).check()
    continue_button(page).click()


def walk(page: Page, steps: Sequence[Answer]) -> None:
    for step in steps:
        answer(page, step)


def reach_outcome(page: Page, outcome: str, mode: str = "practitioner") -> Locator:
    """From nothing to the outcome page, by the mouse, in ``mode``; returns the outcome's data hook."""
    start(page)
    walk(page, SUPERVISION_PATHS[outcome] if mode == "supervision" else PATHS[outcome])
    hook = outcome_hook(page, outcome)
    expect(hook).to_have_count(1)
    return hook


def outcome_hook(page: Page, outcome: str) -> Locator:
    return page.locator(f'[data-outcome="{outcome}"]')


# ---------------------------------------------------------------------------------------
# Keyboard


_DESCRIBE_ACTIVE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '(body)';
    const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
    return `${el.tagName.toLowerCase()}${el.type ? '[type=' + el.type + ']' : ''} `
         + `"${(label || el.innerText || el.value || '').trim().slice(0, 80)}"`;
}"""


def active_element_description(page: Page) -> str:
    description: str = page.evaluate(_DESCRIBE_ACTIVE)
    return description


def tab_until(page: Page, target: Locator | str, max_presses: int = 40) -> None:
    """Press Tab until ``target`` has focus; fail naming where focus went.

    ``target`` is a locator for one element, or a JavaScript predicate on the focused element.
    (One round trip to the page a press: whether focus arrived, and where it is.)
    """
    if isinstance(target, str):
        where = lambda: page.evaluate(  # noqa: E731
            f"() => [!!document.activeElement && ({target})(document.activeElement), ({_DESCRIBE_ACTIVE})()]"
        )
    else:
        where = lambda: target.evaluate(f"el => [el === document.activeElement, ({_DESCRIBE_ACTIVE})()]")  # noqa: E731
    visited: list[str] = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        arrived, description = where()
        if arrived:
            return
        visited.append(description)
    raise AssertionError(f"Tab never reached {target}. Focus went to:\n  " + "\n  ".join(visited))


FOCUS_STYLE_SCRIPT = """
(el) => {
  const transparent = (c) => c === 'transparent' || /rgba\\([^)]*,\\s*0\\)$/.test(c);
  // What is actually drawn: an outline or border only counts if it has a style, a width and a colour.
  const look = (node, pseudo) => {
    const s = getComputedStyle(node, pseudo);
    const outline = (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 || transparent(s.outlineColor))
      ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} offset ${s.outlineOffset}`;
    const border = ['Top', 'Right', 'Bottom', 'Left'].map((side) => {
      const style = s[`border${side}Style`], width = s[`border${side}Width`], color = s[`border${side}Color`];
      return (style === 'none' || parseFloat(width) === 0 || transparent(color))
        ? 'none' : `${style} ${width} ${color}`;
    }).join(',');
    return [`outline:${outline}`, `border:${border}`, `box-shadow:${s.boxShadow}`,
            `background:${s.backgroundColor}`, `color:${s.color}`,
            `underline:${s.textDecorationLine} ${s.textDecorationThickness}`].join(';');
  };
  const parts = [look(el, null)];
  // GOV.UK radios and checkboxes hide the input and draw its focus ring on the label.
  if (el.labels) for (const label of el.labels) {
    parts.push(look(label, null), look(label, '::before'), look(label, '::after'));
  }
  return parts.join(' | ');
}
"""


def assert_focus_visible(page: Page) -> None:
    """The focused element looks different from when it is not focused (WCAG 2.4.7).

    Compares the computed outline, box-shadow, colours and underline (and, for GOV.UK
    radios and checkboxes, those of the label's drawn box) with focus and without it,
    then puts focus back (all in one round trip to the page).
    """
    found = page.evaluate(
        f"""() => {{
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const look = {FOCUS_STYLE_SCRIPT};
            const withFocus = look(el);
            el.blur();
            const withoutFocus = look(el);
            el.focus({{focusVisible: true}});
            return {{description: ({_DESCRIBE_ACTIVE})(), withFocus, withoutFocus,
                     refocused: document.activeElement === el}};
        }}"""
    )
    assert found is not None, "Nothing has focus"
    assert found["refocused"], f"Focus could not be put back on {found['description']}"
    assert found["withFocus"] != found["withoutFocus"], (
        f"No visible focus indicator on {found['description']}: its style does not change with focus"
    )


def keyboard_choose(page: Page, step: Answer) -> None:
    """Answer one page with the keyboard alone, checking focus is visible at each stop."""
    expect(question_heading(page, step)).to_be_visible()
    if step.kind == "radio":
        wanted = option(page, step, step.patterns()[0])
        radios = "[...document.querySelectorAll('input[type=radio]')]"
        # A radio group is one Tab stop: the chosen radio, or the first when none is chosen.
        tab_until(page, "el => el.type === 'radio'")
        assert_focus_visible(page)
        here = page.evaluate(f"() => {radios}.indexOf(document.activeElement)")
        there = wanted.evaluate(f"el => {radios}.indexOf(el)")
        for _ in range(abs(there - here)):
            page.keyboard.press("ArrowDown" if there > here else "ArrowUp")  # moves and selects
        page.keyboard.press("Space")
        expect(wanted).to_be_focused()
        expect(wanted).to_be_checked()
        assert_focus_visible(page)
    else:
        for pattern in step.patterns():
            box = option(page, step, pattern)
            tab_until(page, box)
            assert_focus_visible(page)
            page.keyboard.press("Space")
            expect(box).to_be_checked()
    tab_until(page, continue_button(page))
    assert_focus_visible(page)
    page.keyboard.press("Enter")


# ---------------------------------------------------------------------------------------
# Layout


def horizontal_overflow(page: Page) -> dict[str, Any]:
    """Width of the page's content against the viewport, and the widest offending elements."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            const width = root.clientWidth;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 1 && box.width > 0) {
                    const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
                    wide.push(`${name} right=${Math.round(box.right)}`);
                }
            }
            return {scrollWidth: root.scrollWidth, clientWidth: width, wide: wide.slice(0, 10)};
        }"""
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    result = horizontal_overflow(page)
    assert result["scrollWidth"] <= result["clientWidth"], (
        f"{page.url} scrolls sideways at {result['clientWidth']} px: content is {result['scrollWidth']} px wide. "
        f"Elements past the edge: {result['wide']}"
    )


# ---------------------------------------------------------------------------------------
# Page size


def page_height(page: Page, width: int) -> int:
    """The page's full height in CSS pixels when the window is ``width`` CSS pixels wide."""
    page.set_viewport_size({"width": width, "height": 800})
    height: int = page.evaluate("() => Math.ceil(document.documentElement.scrollHeight)")
    return height


# ---------------------------------------------------------------------------------------
# The timeout warning's keep-alive

# Counts, in the page, the keep-alive answers its script has had: a fetch's own ``then`` runs
# before those the script adds to the same promise, in the same microtask checkpoint, so once
# the count has gone up the script has handled the answer (its timer set again).
_COUNT_KEEP_ALIVES = """() => {
  if (window.keepAlivesAnswered === undefined) {
    const send = window.fetch
    window.keepAlivesAnswered = 0
    window.fetch = function (resource, options) {
      const sent = send.call(window, resource, options)
      if (String(resource).endsWith('/keep-alive')) {
        sent.then(function () { window.keepAlivesAnswered += 1 }, function () {})
      }
      return sent
    }
  }
  return window.keepAlivesAnswered
}"""


@contextmanager
def keep_alive_handled(page: Page, timeout: float = 10) -> Iterator[EventInfo[Response]]:
    """Around what makes the page send its keep-alive (typing, say): yields the server's answer
    (``.value``), and on leaving waits until the page's script has handled it too. The browser
    has the answer a moment before the script does: a test that moves the page's clock on in
    between (on a loaded machine) fires the timer the answer was to replace."""
    before = page.evaluate(_COUNT_KEEP_ALIVES)
    with page.expect_response(lambda response: response.url.endswith("/keep-alive")) as kept:
        yield kept
    deadline = time.monotonic() + timeout
    while page.evaluate(_COUNT_KEEP_ALIVES) <= before:
        assert time.monotonic() < deadline, "the page's script never had the keep-alive's answer"
        time.sleep(0.02)


# ---------------------------------------------------------------------------------------
# A PDF the outbox worker makes, and the page that waits for it

# The page asks the server whether its PDF is made a second after it opens, then every 3
# seconds (``awaitPdf`` in static/src/app.js). A test that runs the worker then waits for the
# page to notice spent up to 4 seconds idle; with the page's clock installed before it opens,
# ``ask_about_the_pdf_now`` makes the page ask at once.


def ask_about_the_pdf_now(page: Page) -> None:
    """Bring the waiting page's next question about its PDF forward (its clock installed with
    ``page.clock.install()`` before it opened; time still runs there as it does everywhere).

    Moving the clock on 3 seconds fires whichever is due next: the first question (a second
    after the page opened) or the next one (3 seconds after the last answer). An answer still
    on its way when the clock moved sets its 3-second timer in real time: the page then asks as
    it would have without the test's clock, still within ``expect``'s time."""
    page.clock.fast_forward(3000)


def in_sight_below_the_exit_button(page: Page, part: Locator) -> None:
    """``part`` wholly in the window, and not under "Exit this page" (which sticks to the window's
    top on a small screen)."""
    expect(part).to_be_in_viewport(ratio=1)
    bar, box = page.locator(".govuk-exit-this-page").bounding_box(), part.bounding_box()
    assert bar is not None and box is not None
    assert box["y"] >= bar["y"] + bar["height"] - 1, (box, bar)
