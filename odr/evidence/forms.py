"""Forms of the evidence docket."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from odr.accounts.forms import MultiCheckboxField
from odr.core.timeutil import SHANGHAI, local, utcnow
from odr.evidence.models import RowPosition, Source, Stance

REQUIRED = _l("This field is required.")


class ExhibitForm(FlaskForm):
    file = FileField(_l("File"))
    title = StringField(_l("Exhibit title"), validators=[DataRequired(REQUIRED), Length(max=200)])
    proves = TextAreaField(_l("What it proves"), validators=[DataRequired(REQUIRED), Length(max=4000)])
    source = SelectField(_l("Source"), choices=Source.choices(), validators=[InputRequired(REQUIRED)])
    obtained_on = DateField(
        _l("Date obtained"),
        validators=[InputRequired(_l("Enter the date the evidence was obtained, e.g. 2026-11-20."))],
    )
    captured_url = StringField(
        _l("Address of the captured page"),
        validators=[
            Optional(),
            Length(max=2000),
            URL(message=_l("Enter the page's full address, starting http:// or https://.")),
        ],
    )
    captured_at = DateTimeLocalField(
        _l("Time of capture (Beijing time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose the file to upload."))

    def validate_obtained_on(self, field):
        if field.data and field.data > local(utcnow()).date():
            raise ValidationError(_l("The date the evidence was obtained cannot be in the future."))

    def validate(self, extra_validators=None):
        # The capture's address and time are optional fields that only a web capture requires.
        valid = super().validate(extra_validators)
        if self.source.data == Source.WEB_CAPTURE:
            if not (self.captured_url.data or "").strip() and not self.captured_url.errors:
                self.captured_url.errors = [_l("A web page capture needs the page's address.")]
                valid = False
            if self.captured_at.data is None and not self.captured_at.errors:
                self.captured_at.errors = [_l("A web page capture needs the time it was captured.")]
                valid = False
        if self.captured_at.data and not self.captured_at.errors and self.captured_at_utc() > utcnow():
            self.captured_at.errors = [_l("The time of capture cannot be in the future.")]
            valid = False
        return valid

    def captured_at_utc(self) -> datetime | None:
        value = self.captured_at.data
        return value.replace(tzinfo=SHANGHAI).astimezone(UTC) if value else None


class ResponseForm(FlaskForm):
    stance = RadioField(_l("Your position"), choices=Stance.choices(), validators=[InputRequired(REQUIRED)])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=4000)])

    def validate_comment(self, field):
        if self.stance.data and self.stance.data != Stance.ADMIT and not (field.data or "").strip():
            raise ValidationError(_l("Say why you dispute the exhibit."))


class ChartForm(FlaskForm):
    claim = StringField(
        _l("Asserted claim"), validators=[DataRequired(REQUIRED), Length(max=100)], default="权利要求1"
    )
    accused_product = StringField(_l("Accused product"), validators=[DataRequired(REQUIRED), Length(max=200)])


class ChartRowForm(FlaskForm):
    claim_feature = TextAreaField(
        _l("Feature of the claim"), validators=[DataRequired(REQUIRED), Length(max=4000)]
    )
    accused_feature = TextAreaField(
        _l("Corresponding feature of the accused product"),
        validators=[DataRequired(REQUIRED), Length(max=4000)],
    )
    exhibit_id = SelectField(_l("Exhibit that shows it"), coerce=int, validators=[Optional()])


class RowAnswerForm(FlaskForm):
    position = RadioField(
        _l("Your position"), choices=RowPosition.choices(), validators=[InputRequired(REQUIRED)]
    )
    reason = TextAreaField(_l("Reasons"), validators=[Length(max=4000)])

    def validate_reason(self, field):
        if self.position.data == RowPosition.DISPUTED and not (field.data or "").strip():
            raise ValidationError(_l("Give your reasons for disputing this feature."))


class RowCommentForm(FlaskForm):
    comment = TextAreaField(
        _l("Technical investigator's comment"), validators=[DataRequired(REQUIRED), Length(max=4000)]
    )


class PreservationForm(FlaskForm):
    court_id = SelectField(_l("Court"), coerce=int, validators=[InputRequired(REQUIRED)])
    target = TextAreaField(
        _l("What is to be preserved"), validators=[DataRequired(REQUIRED), Length(max=4000)]
    )
    reason = TextAreaField(
        _l("Why it may be lost or hard to obtain later"),
        validators=[DataRequired(REQUIRED), Length(max=4000)],
    )
    exhibit_ids = MultiCheckboxField(
        _l("Exhibits sent with the request"),
        coerce=int,
        validators=[DataRequired(_l("Attach at least one of your exhibits to the request."))],
    )

    def validate_court_id(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the court that is to preserve the evidence."))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("grant", _l("Order preservation")),
            SelectChoice("refuse", _l("Refuse the request")),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    ruling_number = StringField(_l("Ruling number"), validators=[Optional(), Length(max=100)])
    note = TextAreaField(_l("Reasons or notes"), validators=[Length(max=4000)])

    def validate_note(self, field):
        if self.decision.data == "refuse" and not (field.data or "").strip():
            raise ValidationError(_l("Give the reasons for refusing the request."))


class VerifyForm(FlaskForm):
    file = FileField(_l("The file"))
    receipt = FileField(_l("Its deposit receipt (PDF, optional)"))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose the file to check."))
