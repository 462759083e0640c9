"""Forms for sessions and minutes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from odr.accounts.forms import MultiCheckboxField

REQUIRED = _l("This field is required.")
SHANGHAI = ZoneInfo("Asia/Shanghai")


class SessionForm(FlaskForm):
    starts_at = DateTimeLocalField(
        _l("Starts (Beijing time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time of the session."))],
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), default=60, validators=[InputRequired(REQUIRED), NumberRange(15, 480)]
    )
    agenda = TextAreaField(_l("Agenda"), validators=[DataRequired(REQUIRED), Length(max=4000)])
    participants = MultiCheckboxField(
        _l("Participants"), coerce=int, validators=[DataRequired(_l("Choose who takes part."))]
    )

    def starts_at_utc(self):
        return self.starts_at.data.replace(tzinfo=SHANGHAI).astimezone(UTC)

    def validate_starts_at(self, field):
        if field.data and field.data.replace(tzinfo=SHANGHAI) <= datetime.now(UTC):
            raise ValidationError(_l("A session is scheduled in the future."))


class AttendanceForm(FlaskForm):
    present = MultiCheckboxField(_l("Present"), coerce=int, validators=[Optional()])


class MinutesForm(FlaskForm):
    text = TextAreaField(_l("Minutes"), validators=[DataRequired(REQUIRED), Length(max=100000)])


class MinutesAnswerForm(FlaskForm):
    answer = RadioField(
        _l("Your answer"),
        choices=[SelectChoice("agree", _l("I confirm the minutes")), SelectChoice("object", _l("I object"))],
        validators=[InputRequired(REQUIRED)],
    )
    objection = TextAreaField(_l("What you object to"), validators=[Optional(), Length(max=4000)])

    def validate_objection(self, field):
        if self.answer.data == "object" and not (field.data or "").strip():
            raise ValidationError(_l("Say what you object to."))
