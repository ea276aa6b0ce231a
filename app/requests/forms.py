"""One form per request page. Validation is ``app.requests.fields`` (shared with the service).

Radio fields do not check their own choices (``validate_choice=False``): ``fields`` does,
so a tampered value gets the same GOV.UK message as a missing one, never a 500.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField

from ..models import utcnow
from . import fields
from .fields import Page


class DetailsForm(FlaskForm):
    """A request page's form: validates through its page's check in ``fields``."""

    page: Page

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
        problems = self.page.check(self.values(), utcnow().date())
        for name, message in problems.items():
            field = getattr(self, name, None)
            if field is not None:
                field.errors = [message]
        return valid and not problems


def _radio(options: dict[str, str]) -> RadioField:
    return RadioField(choices=options, validate_choice=False, widget=GovRadioInput())


def _text(**kwargs: Any) -> StringField:
    return StringField(widget=GovTextInput(), **kwargs)


class AboutYouForm(DetailsForm):
    """The professional's own name, role, agency and work contact details."""

    page = fields.PAGES_BY_SLUG["about-you"]
    name = _text()
    job_role = _text()
    agency = _text()
    email = _text()
    phone = _text()


class ManagerForm(DetailsForm):
    """Whether their manager or safeguarding lead knows."""

    page = fields.PAGES_BY_SLUG["manager"]
    manager_knows = _radio(fields.YES_NO)


class ReflectionForm(DetailsForm):
    """What they would like to reflect on."""

    page = fields.PAGES_BY_SLUG["reflection"]
    reflection = TextAreaField(widget=GovCharacterCount())


class ChildFamilyForm(DetailsForm):
    """The child and family, in bands."""

    page = fields.PAGES_BY_SLUG["child-and-family"]
    age_band = _radio(fields.AGE_BANDS)
    support_level = _radio(fields.SUPPORT_LEVELS)
    lead_professional = _text()
    other_agencies = TextAreaField(widget=GovTextArea())


class FamilyForm(DetailsForm):
    """Whether the family knows, with a reason when "not yet"."""

    page = fields.PAGES_BY_SLUG["family"]
    family_knows = _radio(fields.FAMILY_KNOWS)
    family_knows_reason = TextAreaField(widget=GovTextArea())


class EventForm(DetailsForm):
    """Roughly when the significant event was (month and year; the template draws the inputs)."""

    page = fields.PAGES_BY_SLUG["significant-event"]
    event_month = StringField()
    event_year = StringField()


class HowSoonForm(DetailsForm):
    """How soon a session is needed."""

    page = fields.PAGES_BY_SLUG["how-soon"]
    how_soon = _radio(fields.HOW_SOON)


class PreferencesForm(DetailsForm):
    """Preferred format, availability and access needs."""

    page = fields.PAGES_BY_SLUG["preferences"]
    format = _radio(fields.FORMATS)
    availability = TextAreaField(widget=GovTextArea())
    access_needs = TextAreaField(widget=GovTextArea())


FORMS: dict[str, type[DetailsForm]] = {
    form.page.slug: form
    for form in (AboutYouForm, ManagerForm, ReflectionForm, ChildFamilyForm, FamilyForm, EventForm,
                 HowSoonForm, PreferencesForm)
}


class ConfirmForm(FlaskForm):
    """The identifying-data warning's "Continue: it does not identify anyone" button (CSRF only)."""


class SubmitForm(FlaskForm):
    """The check-your-answers page's submit button (CSRF only)."""
