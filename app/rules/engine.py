"""The rule engine: from the answers so far to the next question or the outcome, and why.

Answers are a mapping of question id to value (a string; a list of strings for a
multiple-choice question). The engine never trusts them: it walks from the start question,
following only answers that are valid for the question actually reached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import InvalidAnswer, QuestionNotReached
from .model import Guidance, Mode, Option, Outcome, Question, RulePack, Text

Answer = str | tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """A question on the journey's path and the answer given to it."""

    question: Question
    options: tuple[Option, ...]

    @property
    def value(self) -> Answer:
        """The answer in the form it is stored (a tuple for multiple choice)."""
        values = tuple(option.value for option in self.options)
        return values if self.question.kind == "multiple" else values[0]

    def guidance_ids(self) -> tuple[str, ...]:
        """The guidance the chosen options' rules cite, without repeats, in order."""
        ids: list[str] = []
        for option in self.options:
            for cite in self.question.cites_for(option):
                if cite not in ids:
                    ids.append(cite)
        return tuple(ids)


@dataclass(frozen=True)
class Reason:
    """One line of "why you are seeing this": a question, the answer, and the guidance cited."""

    question_id: str
    question: str
    answers: tuple[str, ...]
    guidance: tuple[Guidance, ...]


@dataclass(frozen=True)
class JourneyState:
    """Where a journey stands: the path so far and the next question or the outcome."""

    pack: RulePack
    steps: tuple[Step, ...]
    next_question: Question | None
    outcome: Outcome | None

    @property
    def mode(self) -> Mode:
        """Practitioner or supervision wording, as chosen on the path."""
        for step in self.steps:
            for option in step.options:
                if option.mode is not None:
                    return option.mode
        return "practitioner"

    @property
    def answers(self) -> dict[str, Answer]:
        """The answers on the path (answers off the path are not kept)."""
        return {step.question.id: step.value for step in self.steps}

    @property
    def flags(self) -> tuple[str, ...]:
        """Flags set by the chosen options, in path order, without repeats; a flag that names
        its modes only in those modes."""
        flags: list[str] = []
        mode = self.mode
        for step in self.steps:
            for option in step.options:
                flags.extend(
                    flag
                    for flag in option.flags
                    if flag not in flags and ((known := self.pack.flag(flag)) is None or known.applies(mode))
                )
        return tuple(flags)

    @property
    def advice(self) -> tuple[Text, ...]:
        """Advice attached to the chosen options (for example: raise it in supervision too)."""
        return tuple(option.advice for step in self.steps for option in step.options if option.advice)

    @property
    def criteria(self) -> tuple[Option, ...]:
        """The criteria chosen on the path: the options chosen for the pack's criteria question
        (``roles.criteria_question``); empty when that question is not on the path."""
        step = self.step(self.pack.roles.criteria_question)
        return step.options if step else ()

    @property
    def debrief(self) -> bool:
        """Whether the pack's debrief criterion (``roles.debrief_criterion``) was chosen: the
        request then asks roughly when the significant event was."""
        return any(option.value == self.pack.roles.debrief_criterion for option in self.criteria)

    def suggested(self, question_id: str) -> tuple[str, ...]:
        """Answers that earlier answers imply for ``question_id`` (to pre-fill it; never routed on).

        For example "unclear about a decision" on the disagreement question is the first
        reflective-space criterion, so the criteria question starts with it ticked.
        """
        values: list[str] = []
        for step in self.steps:
            for option in step.options:
                for implied_id, implied_values in option.implies:
                    if implied_id == question_id:
                        values.extend(v for v in implied_values if v not in values)
        return tuple(values)

    def step(self, question_id: str) -> Step | None:
        """The step for ``question_id`` if it is on the path."""
        for step in self.steps:
            if step.question.id == question_id:
                return step
        return None

    def can_show(self, question_id: str) -> bool:
        """Whether the question may be shown now: already on the path, or the next one."""
        if self.next_question is not None and self.next_question.id == question_id:
            return True
        return self.step(question_id) is not None

    def previous(self, question_id: str | None) -> str | None:
        """The question before ``question_id`` on the path (before the outcome when None)."""
        ids = [step.question.id for step in self.steps]
        if question_id is None or question_id not in ids:
            return ids[-1] if ids else None
        index = ids.index(question_id)
        return ids[index - 1] if index > 0 else None

    def explanation(self) -> tuple[Reason, ...]:
        """Why the journey is here: each answer given and the guidance its rule cites."""
        mode = self.mode
        return tuple(
            Reason(
                question_id=step.question.id,
                question=step.question.title.for_mode(mode),
                answers=tuple(option.label.for_mode(mode) for option in step.options),
                guidance=tuple(g for g in (self.pack.guidance_for(i) for i in step.guidance_ids()) if g),
            )
            for step in self.steps
        )

    def outcome_guidance(self) -> tuple[Guidance, ...]:
        """The guidance the outcome itself cites."""
        if self.outcome is None:
            return ()
        return tuple(g for g in (self.pack.guidance_for(i) for i in self.outcome.cites) if g)


def normalise(question: Question, raw: object) -> tuple[Option, ...]:
    """Check a raw answer against the question and return the chosen options, in pack order.

    Raises ``InvalidAnswer`` (with a message for the person answering) when it does not fit.
    """
    if question.kind == "multiple":
        if isinstance(raw, str):
            values = [raw]
        elif isinstance(raw, Sequence) and all(isinstance(v, str) for v in raw):
            values = [v for v in raw if isinstance(v, str)]
        else:
            raise InvalidAnswer(question.id, "select at least one option")
    elif isinstance(raw, str):
        values = [raw]
    else:
        raise InvalidAnswer(question.id, "select one option")
    values = [value for value in values if value]
    if not values:
        raise InvalidAnswer(question.id, "confirm to continue" if question.kind == "confirm" else "select an option")
    chosen: dict[str, Option] = {}
    for value in values:
        option = question.option(value)
        if option is None:
            raise InvalidAnswer(question.id, "that is not one of the options")
        chosen[option.value] = option
    if question.kind != "multiple" and len(chosen) > 1:
        raise InvalidAnswer(question.id, "select only one option")
    if len(chosen) > 1 and any(option.exclusive for option in chosen.values()):
        raise InvalidAnswer(question.id, "select the options that apply, or the 'none' option on its own")
    return tuple(sorted(chosen.values(), key=question.position))


def _route(question: Question, options: tuple[Option, ...]) -> str | None:
    for option in options:
        if option.exclusive:
            return question.route_for(option)
    return question.route_for(options[0])


def evaluate(pack: RulePack, answers: Mapping[str, object]) -> JourneyState:
    """Walk the pack from the start, following valid answers, to the next question or outcome.

    An answer that is missing or no longer valid for the question reached stops the walk
    there: that question is asked (again). Answers to questions off the path are ignored.
    """
    steps: list[Step] = []
    node_id: str | None = pack.start
    visited: set[str] = set()
    while node_id is not None and node_id not in visited:
        visited.add(node_id)
        node = pack.node(node_id)
        if isinstance(node, Outcome):
            return JourneyState(pack, tuple(steps), None, node)
        if node is None:  # cannot happen in a validated pack
            break
        if node.id not in answers:
            return JourneyState(pack, tuple(steps), node, None)
        try:
            options = normalise(node, answers[node.id])
        except InvalidAnswer:
            return JourneyState(pack, tuple(steps), node, None)
        steps.append(Step(node, options))
        node_id = _route(node, options)
    raise InvalidAnswer(str(node_id), "the rule pack does not lead to an outcome from here")


@dataclass(frozen=True)
class Change:
    """The result of answering a question.

    ``answers`` are the live answers (the path), the only ones routing ever reads.
    ``set_aside`` holds answers that no longer apply: kept so that they come back if the
    change is undone, but never routed on or shown. ``dropped`` names the answers this
    change set aside, ``restored`` those it brought back, ``forgotten`` the confirmations a
    change of mode forgot (asked again, never brought back), ``implied_again`` the later
    questions asked again because the changed answer implies more for them (``_implied_anew``),
    each with the values of its old answer to tick again beside what is implied (not an exclusive
    "None of these"); their old answers are forgotten, not set aside, so no other answer brings
    them back.
    """

    answers: dict[str, Answer]
    dropped: tuple[str, ...]
    state: JourneyState
    set_aside: dict[str, Answer] = field(default_factory=dict)
    restored: tuple[str, ...] = ()
    forgotten: tuple[str, ...] = ()
    implied_again: dict[str, tuple[str, ...]] = field(default_factory=dict)


def answer(
    pack: RulePack,
    answers: Mapping[str, object],
    question_id: str,
    raw: object,
    set_aside: Mapping[str, object] | None = None,
    before: JourneyState | None = None,
) -> Change:
    """Record an answer to ``question_id``; set aside later answers that no longer apply, and
    bring back set-aside answers that apply again (and are still valid options). An answer that
    changes the journey's mode also forgets every confirmation given (it was worded for the
    other mode), so it is asked again.

    Raises ``QuestionNotReached`` when the question is not on the journey's path (asked
    out of order, or a tampered form), and ``InvalidAnswer`` when the answer does not fit.
    Only the live ``answers`` decide whether the question may be answered. ``before`` is
    ``evaluate(pack, answers)``, given by a caller that has it already (it is not worked out again).
    """
    if before is None:
        before = evaluate(pack, answers)
    if not before.can_show(question_id):
        raise QuestionNotReached(question_id, "this question has not been reached yet")
    question = pack.question(question_id)
    if question is None:  # can_show only admits questions
        raise QuestionNotReached(question_id, "there is no such question")
    options = normalise(question, raw)
    value: Answer = tuple(o.value for o in options) if question.kind == "multiple" else options[0].value
    # Every answer the person has given, live ones first in precedence, then set-aside ones:
    # the new path takes those it reaches; the rest are set aside. An answer that is no
    # longer a valid option of its question is forgotten rather than kept.
    given: dict[str, Answer] = {}
    for source in (set_aside or {}, answers):
        for key, raw_value in source.items():
            kept = valid_answer(pack, key, raw_value)
            if kept is not None and key != question_id:
                given[key] = kept
    forgotten: set[str] = set()
    state = evaluate(pack, {**given, question_id: value})
    if state.mode != before.mode:
        # A confirmation is a statement in the words of one mode ("I understand …" or "We
        # understand …"): when the mode changes, nobody has confirmed the other, so it is asked again.
        forgotten = {key for key in given if (asked := pack.question(key)) is not None and asked.kind == "confirm"}
        given = {key: kept for key, kept in given.items() if key not in forgotten}
        state = evaluate(pack, {**given, question_id: value})
    # A later answer that the new one implies more for (``implies``), given without it: asked again,
    # with what it implies ticked, as a first visit has it. Found (routing review): "None of these"
    # reflective-space criteria, given before "unclear about a decision" was chosen, went on routing
    # to "supervision or another route", and criteria given so were sent without the first one.
    # Not when it was implied before too (then its being unticked was the person's choice). Forgotten,
    # not set aside: found (regression review), set aside, Back and Continue on an earlier answer
    # brought the old answer back, and it routed on as before.
    implied_anew = _implied_anew(before, state, question_id)
    implied_again: dict[str, tuple[str, ...]] = {}
    if implied_anew:
        for key in sorted(implied_anew):
            asked, old = pack.question(key), given.get(key, ())
            values = old if isinstance(old, tuple) else (old,)
            implied_again[key] = tuple(
                v for v in values if asked is None or (option := asked.option(v)) is None or not option.exclusive
            )
        given = {key: kept for key, kept in given.items() if key not in implied_anew}
        state = evaluate(pack, {**given, question_id: value})
    live = state.answers
    aside = {key: kept for key, kept in given.items() if key not in live}
    dropped = tuple(key for key in answers if key in aside)
    restored = tuple(key for key in (set_aside or {}) if key in live and key not in answers and key != question_id)
    gone = tuple(key for key in answers if key in forgotten)
    return Change(
        answers=live,
        dropped=dropped,
        state=state,
        set_aside=aside,
        restored=restored,
        forgotten=gone,
        implied_again=implied_again,
    )


def _implied_anew(before: JourneyState, after: JourneyState, question_id: str) -> set[str]:
    """The questions answered on ``after``'s path, other than ``question_id``, whose answer lacks a
    value that ``after``'s answers imply for it and ``before``'s did not."""
    found: set[str] = set()
    for step in after.steps:
        if step.question.id == question_id:
            continue
        # (Restored from set aside, it was not on the path the change was made from: what was implied
        # then may never have been shown with it.)
        was_asked = before.step(step.question.id) is not None
        implied = [
            value
            for value in after.suggested(step.question.id)
            if not was_asked or value not in before.suggested(step.question.id)
        ]
        given = step.value if isinstance(step.value, tuple) else (step.value,)
        if any(value not in given for value in implied):
            found.add(step.question.id)
    return found


def valid_answer(pack: RulePack, question_id: str, raw: object) -> Answer | None:
    """``raw`` in stored form if it is a valid answer to the pack's question ``question_id``, else None."""
    question = pack.question(question_id)
    if question is None:
        return None
    try:
        return Step(question, normalise(question, _stored(raw))).value
    except InvalidAnswer:
        return None


def _stored(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class JourneyPath:
    """One route through the pack, start to outcome: the answers given, in order, and where they lead."""

    answers: tuple[tuple[str, Answer], ...]
    outcome: str
    flags: tuple[str, ...]
    mode: Mode

    def as_dict(self) -> dict[str, object]:
        """Plain data, for JSON."""
        return {
            "answers": [{"question": q, "answer": list(a) if isinstance(a, tuple) else a} for q, a in self.answers],
            "outcome": self.outcome,
            "flags": list(self.flags),
            "mode": self.mode,
        }


def _choices(question: Question) -> Iterator[Answer]:
    """The answers that route differently: each option, or for multiple choice each exclusive
    option and one selection of all the ordinary options (they all share one route)."""
    if question.kind != "multiple":
        for option in question.options:
            yield option.value
        return
    for option in question.options:
        if option.exclusive:
            yield (option.value,)
    ordinary = tuple(option.value for option in question.options if not option.exclusive)
    if ordinary:
        yield ordinary


def enumerate_paths(pack: RulePack) -> Iterator[JourneyPath]:
    """Every path from the start to an outcome, depth first, in option order.

    Walks the graph once (no re-evaluation per step), so the cost is proportional to the
    total length of the paths it yields.
    """
    steps: list[Step] = []

    def finish(outcome: Outcome) -> JourneyPath:
        state = JourneyState(pack, tuple(steps), None, outcome)
        return JourneyPath(tuple((s.question.id, s.value) for s in steps), outcome.id, state.flags, state.mode)

    def walk(node_id: str, depth: int) -> Iterator[JourneyPath]:
        node = pack.node(node_id)
        if isinstance(node, Outcome):
            yield finish(node)
            return
        if node is None or depth > len(pack.questions):  # a broken pack; validation reports it
            return
        for choice in _choices(node):
            options = normalise(node, choice)
            target = _route(node, options)
            if target is None:
                continue
            steps.append(Step(node, options))
            yield from walk(target, depth + 1)
            steps.pop()

    yield from walk(pack.start, 0)
