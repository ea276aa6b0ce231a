"""Forms built from the rule pack: one WTForms form class per question, in the mode's wording.

The form only carries the answer and the CSRF token; whether an answer is acceptable is
decided by the rule engine (``app.rules.answer``), so the pack stays the one source of
truth. The widgets are govuk-frontend-wtf's, with two fixes:
- no empty hint element when a question has no hint (it would be announced as blank);
- the "or" divider before an exclusive checkbox ("None of these").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput
from wtforms import Field, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; stubs are 3.2

from ..rules import Question

FIELD_NAME = "answer"
EXCLUSIVE_DIVIDER = "or"


def _without_empty_hint(params: dict[str, Any]) -> dict[str, Any]:
    hint = params.get("hint")
    if not hint or not (hint.get("text") or hint.get("html")):
        params.pop("hint", None)
    return params


class QuestionRadios(GovRadioInput):
    """GOV.UK radios without an empty hint."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        """The macro's params, minus an empty hint."""
        return _without_empty_hint(super().map_gov_params(field, **kwargs))


class QuestionCheckboxes(GovCheckboxesInput):
    """GOV.UK checkboxes without an empty hint, with "or" before an exclusive option."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        """The macro's params, minus an empty hint, plus the divider."""
        params = _without_empty_hint(super().map_gov_params(field, **kwargs))
        items: list[dict[str, Any]] = []
        for item in params["items"]:
            if item.get("behaviour") == "exclusive" and items:
                items.append({"divider": EXCLUSIVE_DIVIDER})
            items.append(item)
        params["items"] = items
        return params


class QuestionForm(FlaskForm):
    """Base for the per-question forms; ``answer`` is added by ``form_class``."""

    class Meta:
        # The security token is checked once, for every POST, before any view runs (CSRFProtect,
        # ``app.extensions``; a failure is the blueprint's ``form_not_checked``), and the page puts
        # it in with ``csrf_token()``. The form's own copy checked it again on each answer and
        # signed a new one that nothing showed: a fifth of an answer's work (docs/PERFORMANCE.md).
        csrf = False

    question_id: str = ""

    def raw_values(self) -> list[str]:
        """Every value sent for the answer, as sent (tampered ones included)."""
        field: Field = getattr(self, FIELD_NAME)
        if field.raw_data is not None:
            return [str(value) for value in field.raw_data]
        data = field.data
        if data is None:
            return []
        return [str(value) for value in data] if isinstance(data, list) else [str(data)]


@lru_cache(maxsize=512)
def form_class(question: Question, mode: str) -> type[QuestionForm]:
    """A form class for ``question`` with its options worded for ``mode`` (made once per question
    and mode, then reused: a class statement's worth of work that every answer would otherwise repeat)."""
    choices = [SelectChoice(value=option.value, label=option.label.for_mode(mode)) for option in question.options]
    hint = question.hint.for_mode(mode) if question.hint else ""
    field: Field
    if question.kind == "single":
        field = RadioField(
            question.title.for_mode(mode),
            choices=choices,
            validate_choice=False,
            description=hint,
            widget=QuestionRadios(),
        )
    else:
        field = SelectMultipleField(
            question.title.for_mode(mode),
            choices=choices,
            validate_choice=False,
            description=hint,
            widget=QuestionCheckboxes(),
        )
    return type(
        f"{question.id.title().replace('_', '')}Form", (QuestionForm,), {FIELD_NAME: field, "question_id": question.id}
    )


def initial_data(question: Question, value: Any) -> dict[str, Any]:
    """The form's data for a stored answer (so a question shows what was chosen before)."""
    if value is None:
        return {}
    if question.kind == "single":
        return {FIELD_NAME: value if isinstance(value, str) else None}
    return {FIELD_NAME: [value] if isinstance(value, str) else list(value)}


def engine_answer(question: Question, values: list[str]) -> str | list[str]:
    """The raw answer for ``app.rules.answer``: one string, or a list for multiple choice.

    Several values for a single-answer question are passed on as a list, which the engine
    refuses (a tampered form), rather than silently keeping the first.
    """
    if question.kind == "multiple":
        return values
    if len(values) == 1:
        return values[0]
    return values if values else ""


def field_params(question: Question, mode: str) -> dict[str, Any]:
    """GOV.UK macro params from the pack: legend as the page heading, hints, exclusive option."""
    items: list[dict[str, Any]] = []
    for option in question.options:
        item: dict[str, Any] = {}
        if option.hint is not None:
            item["hint"] = {"text": option.hint.for_mode(mode)}
        if question.kind == "multiple" and option.exclusive:
            item["behaviour"] = "exclusive"
        items.append(item)
    params: dict[str, Any] = {
        "idPrefix": FIELD_NAME,
        "fieldset": {
            "legend": {
                "text": question.title.for_mode(mode),
                "isPageHeading": True,
                "classes": "govuk-fieldset__legend--l",
            }
        },
        "items": items,
    }
    if question.kind == "confirm":
        params["classes"] = "app-confirm"
    return params
