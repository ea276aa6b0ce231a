"""The inbox's forms. Every one carries the CSRF token (Flask-WTF); messages follow GOV.UK wording.

Choice fields do not check their own choices (``validate_choice=False``): the views check
them, so a tampered value gets a GOV.UK message, never a 500.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovFileInput,
    GovPasswordInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; stubs are 3.2

from ..email_address import EMAIL_MAX, has_address_shape
from ..input_guard import is_blank, text_length
from .models import NOTE_MAX
from .service import STATUS_LABELS, address_as_searched


def _required(field: Any, message: str) -> bool:
    """Put ``message`` on the field if it is empty (or holds only spaces and invisible
    characters, such as zero-width spaces); True if it has a value."""
    if isinstance(field.data, str) and not is_blank(field.data):
        return True
    field.errors = [message]
    return False


class SignInForm(FlaskForm):
    """Email address and password."""

    email = StringField(widget=GovTextInput())
    password = PasswordField(widget=GovPasswordInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and both fields filled in."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        email_given = _required(self.email, "Enter your email address")
        password_given = _required(self.password, "Enter your password")
        return valid and email_given and password_given


class ConfirmSignInForm(FlaskForm):
    """The password of the account signed in, to stay signed in (app.inbox.views.confirm_sign_in)."""

    password = PasswordField(widget=GovPasswordInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and the password filled in."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        return _required(self.password, "Enter your password") and valid


class ChangePasswordForm(FlaskForm):
    """The signed-in account's current password, and the new one twice (app.inbox.views.change_password)."""

    current_password = PasswordField(widget=GovPasswordInput())
    new_password = PasswordField(widget=GovPasswordInput())
    confirm_password = PasswordField(widget=GovPasswordInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and all three filled in."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        given = [
            _required(self.current_password, "Enter your current password"),
            _required(self.new_password, "Enter a new password"),
            _required(self.confirm_password, "Enter the new password again"),
        ]
        return valid and all(given)


class StatusForm(FlaskForm):
    """Move the request on: the new status, and what "redirected" or "duplicate" need.

    Every status is accepted here; the service (``move_request``) refuses the moves the
    workflow does not allow, with a message. The radios are drawn by the template (with the
    extra fields revealed under their status), so this form only reads and checks the post.
    """

    status = RadioField(
        choices=[SelectChoice(value, label) for value, label in STATUS_LABELS.items()], validate_choice=False
    )
    redirected_to = SelectField(choices=[], validate_choice=False)
    reason = TextAreaField()
    duplicate_of = StringField()
    # The fingerprint of a reason whose identifying-data warning was confirmed.
    confirmed = HiddenField()
    # The status the page showed: a move chosen from another status (the page was open while
    # another tab or facilitator moved the request on) is refused, never applied to the new one.
    from_status = HiddenField()
    # Which move of the request was its newest when the page was shown (``service.moves_seen``): a
    # page left open while the request was moved on and back is refused as well.
    moves_seen = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and one of the statuses (the rest is the service's to check)."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        if self.status.data not in STATUS_LABELS:
            self.status.errors = ["Select a status"]
            return False
        return valid


# ``AssignForm.from_assignee`` for a request the page showed assigned to no one.
NOT_ASSIGNED = "none"


class AssignForm(FlaskForm):
    """Who the request is assigned to. Choices are set by the view (the active facilitators)."""

    facilitator = SelectField(choices=[], validate_choice=False, widget=GovSelect())
    # Who the page showed the request assigned to (an account's number, or ``NOT_ASSIGNED``): a
    # choice made while another tab or facilitator changed the assignment is refused, never
    # applied over theirs.
    from_assignee = HiddenField()

    def set_facilitators(self, choices: list[tuple[str, str]]) -> None:
        """Offer these (value, label) pairs."""
        self.facilitator.choices = [SelectChoice(value, label) for value, label in choices]

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and one of the offered choices."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        # set_facilitators gives SelectChoice objects; types-WTForms 3.2 only knows (value, label) tuples.
        offered = {choice.value for choice in self.facilitator.choices or []}  # type: ignore[union-attr]  # see above
        if self.facilitator.data not in offered:
            self.facilitator.errors = ["Select a facilitator, or Not assigned"]
            return False
        return valid


class NoteForm(FlaskForm):
    """A short triage note (checked for identifying data: see the view)."""

    text = TextAreaField(widget=GovCharacterCount())
    # The fingerprint of a note whose identifying-data warning was confirmed.
    confirmed = HiddenField()
    # The newest note the page showed (its id; 0 for none): the same words added since are this
    # form sent again (``app.inbox.service.is_note_resent``).
    notes_seen = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and a note of at most ``NOTE_MAX`` characters."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        if not _required(self.text, "Enter a note"):
            return False
        if text_length((self.text.data or "").strip()) > NOTE_MAX:
            self.text.errors = [f"The note must be {NOTE_MAX:,} characters or less"]
            return False
        return valid


class ConfirmEmailForm(FlaskForm):
    """A second facilitator's confirmation that a request imported unchecked gives the practitioner's
    own work email (``app.inbox.service.confirm_work_email``): CSRF and the box ticked."""

    checked = BooleanField()


class ImportForm(FlaskForm):
    """A request PDF to import, and (asked once the PDF is not one this service can tell it made)
    whether the facilitator has checked where it came from (drawn by the page as a GOV.UK checkbox)."""

    pdf = FileField(widget=GovFileInput())
    origin_checked = BooleanField()

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and a file chosen."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        upload = self.pdf.data
        if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
            self.pdf.errors = ["Select a request PDF (portable document format) file"]
            return False
        return valid


class FindByEmailForm(FlaskForm):
    """A work email to find every request sent with (a practitioner's subject access or erasure
    request): the address as typed is kept in the form, shown back with any error."""

    email = StringField(widget=GovTextInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """CSRF, and one email address (the spaces around it aside)."""
        valid: bool = super().validate(extra_validators)  # FlaskForm has no type hints
        if not _required(self.email, "Enter the work email address to search for"):
            return False
        address = address_as_searched(self.email.data or "")
        # (Shaped like one: an address taken before the check of its parts still finds its requests.)
        if len(address) > EMAIL_MAX or not has_address_shape(address):
            self.email.errors = ["Enter an email address in the correct format, like name@example.org"]
            return False
        return valid
