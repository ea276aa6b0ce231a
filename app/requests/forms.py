"""One form per request page, built from the fields table (``app.requests.fields``), which also
validates them (shared with the service), and the GOV.UK macro parameters for each field.

Radio fields do not check their own choices (``validate_choice=False``): ``fields`` does,
so a tampered value gets the same GOV.UK message as a missing one, never a 500.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovTextArea, GovTextInput
from wtforms import Field as FormField
from wtforms import HiddenField, RadioField, StringField, TextAreaField

from ..pack import current_partnership
from ..uk_time import uk_today
from .fields import FIELDS_BY_NAME, LONG_TEXT_KINDS, PAGES, Field, Page, month_year_problem

TEXTAREA_ROWS = 3


class DetailsForm(FlaskForm):
    """A request page's form: validates through its page's checks in ``fields``. ``asked_in``:
    the journey's mode the page was shown in (``app.requests.views.page_view``)."""

    page: Page
    asked_in = HiddenField()

    def __init__(self, *args: Any, mode: str = "practitioner", **kwargs: Any) -> None:
        """``mode``: the journey's mode, which words the error messages ("you" or "the practitioner")."""
        super().__init__(*args, **kwargs)
        self.mode = mode
        for entry in self.page.entries:
            if entry.local_options:  # the partnership's answers, worded for the mode
                self[entry.name].choices = list(entry.choices(mode).items())
        # The inputs to outline in red: those with an error, and for a month and year the
        # inputs at fault (both when the whole date is the problem), set by ``validate``.
        self.at_fault: set[str] = set()

    def values(self) -> dict[str, str]:
        """What was posted for this page's fields (text as typed; "" for nothing chosen)."""
        found: dict[str, str] = {}
        for name in self.page.fields:
            field = getattr(self, name, None)
            data = field.data if field is not None else None
            found[name] = data if isinstance(data, str) else ""
        return found

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF and the page's own checks; messages are put on the fields they are about."""
        valid = super().validate(extra_validators)
        values, today = self.values(), uk_today()  # the month as in the UK, not UTC
        problems = self.page.check(values, today, self.mode)
        for name, message in problems.items():
            field = getattr(self, name, None)
            if field is not None:
                field.errors = [message]
        self.at_fault = set(problems)
        for entry in self.page.entries:
            problem = month_year_problem(entry, values, today) if entry.kind == "month_year" else None
            if problem is not None and entry.asked(values):
                self.at_fault.update(problem[1])
        return valid and not problems


def form_fields(entry: Field) -> dict[str, FormField]:
    """The WTForms field(s) for a table entry, by input name (a month and year field has two
    plain inputs: the page draws them with the GOV.UK date input)."""
    if entry.kind == "radios":
        # A question that names local services gets the partnership's answers on each form (DetailsForm).
        return {entry.name: RadioField(choices=dict(entry.options), validate_choice=False, widget=GovRadioInput())}
    if entry.kind == "month_year":
        return {entry.name: StringField(), entry.year_input: StringField()}
    if entry.kind == "character_count":
        return {entry.name: TextAreaField(widget=GovCharacterCount())}
    if entry.kind == "textarea":
        return {entry.name: TextAreaField(widget=GovTextArea())}
    return {entry.name: StringField(widget=GovTextInput())}


def form_class(page: Page) -> type[DetailsForm]:
    """The form class for a page: one field per table entry on it."""
    attributes: dict[str, Any] = {"page": page, "__doc__": f"The {page.slug} page's form (from the fields table)."}
    for entry in page.entries:
        attributes.update(form_fields(entry))
    name = "".join(part.title() for part in page.slug.split("-")) + "Form"
    return type(name, (DetailsForm,), attributes)


FORMS: dict[str, type[DetailsForm]] = {page.slug: form_class(page) for page in PAGES}


def field_params(entry: Field, page: Page, mode: str) -> dict[str, Any]:
    """GOV.UK macro params for an entry in ``mode``: its label (or legend), hint and extras.
    A page's heading field is the page's heading (a large label or legend)."""
    is_heading = page.heading == entry.name
    size = "l" if is_heading else entry.label_size
    text = entry.label.for_mode(mode)
    params: dict[str, Any] = {}
    if entry.kind in ("radios", "month_year"):
        legend: dict[str, Any] = {"text": text}
        if is_heading:
            legend["isPageHeading"] = True
        if size:
            legend["classes"] = f"govuk-fieldset__legend--{size}"
        params["fieldset"] = {"legend": legend}
    else:
        label: dict[str, Any] = {"text": text}
        if is_heading:
            label["isPageHeading"] = True
        if size:
            label["classes"] = f"govuk-label--{size}"
        params["label"] = label
    hint = entry.hint.for_mode(mode) if entry.hint is not None else None
    if entry.example_hint is not None:
        hint = current_partnership().examples.get(entry.example_hint)
    # No hint: an explicit None, or the radios widget would draw an empty hint element.
    params["hint"] = {"text": hint} if hint else None
    if entry.kind == "radios" and entry.choice_hints(mode):
        hints = entry.choice_hints(mode)
        params["items"] = [{"hint": {"text": hints[value]}} if value in hints else {} for value in entry.choices(mode)]
    if entry.autocomplete is not None:
        params["autocomplete"] = entry.autocomplete if mode != "supervision" else "off"
    if entry.kind in ("text", *LONG_TEXT_KINDS):
        # Text in any script, shown in its own direction as it is typed (Arabic or Urdu, say, right
        # to left, with its punctuation where the writer put it): found (user review), it was laid
        # out left to right. Not addresses and numbers, which are left to right in any language.
        params["attributes"] = {"dir": "auto", **entry.params.get("attributes", {})}
    if entry.kind in LONG_TEXT_KINDS:
        params["rows"] = TEXTAREA_ROWS  # a field's own params (the reflection's) can ask for more
    if entry.kind == "character_count":
        params["maxlength"] = entry.limit  # the GOV.UK character count says "You can enter up to …"
    params.update(entry.params)
    return params


def page_inputs(form: DetailsForm, page: Page, mode: str) -> list[tuple[Field, dict[str, Any]]]:
    """The fields ``page`` draws, in order, each with its GOV.UK macro params (``field_params``).
    A field ``revealed`` under an answer is drawn inside that answer's radio item, as its
    conditional content (GOV.UK Frontend shows it, with JavaScript, only while that answer is
    chosen, and when the page comes back with it chosen), not on its own."""
    params = {entry.name: field_params(entry, page, mode) for entry in page.entries}
    drawn_inside: set[str] = set()
    for entry in page.entries:
        if not entry.revealed or entry.only_if is None:
            continue
        under, value = entry.only_if
        choices = list(FIELDS_BY_NAME[under].choices(mode))
        if value not in choices:  # (a partnership's answers that no longer offer it: drawn on its own)
            continue
        items = params[under].setdefault("items", [{} for _ in choices])
        item = items[choices.index(value)]
        drawn = form[entry.name](params=params[entry.name])  # the widget's HTML (Markup)
        earlier = item.get("conditional", {}).get("html")  # another field revealed under the same answer
        item["conditional"] = {"html": earlier + drawn if earlier else drawn}
        drawn_inside.add(entry.name)
    return [(entry, params[entry.name]) for entry in page.entries if entry.name not in drawn_inside]


class ConfirmForm(FlaskForm):
    """The identifying-data warning's "Continue: it does not identify anyone" button, with what
    the warning listed (``listed``: a keyed digest, ``app.requests.views.listed_digest``), so that
    only what the page showed is confirmed."""

    listed = HiddenField()


class SubmitForm(FlaskForm):
    """The check-your-answers page's submit button, with what the page showed (``checked``: a
    keyed digest, ``app.requests.views.shown_digest``), so that only what it showed is sent."""

    checked = HiddenField()
