"""Forms for extending the mediation period."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError


class ExtensionProposalForm(FlaskForm):
    days = IntegerField(
        _l("Extend by (days)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=365, message=_l("Give a number of days from 1 to 365.")),
        ],
    )
    new_date = DateField(_l("Or: new end date"), validators=[Optional()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            InputRequired(_l("Give the reason for the extension; the parties will see it.")),
            Length(max=2000),
        ],
    )

    def validate_new_date(self, field):
        if (field.data is None) == (self.days.data is None) and not self.days.errors and not field.errors:
            raise ValidationError(_l("Give either a new end date or a number of days, not both."))


class ExtensionAnswerForm(FlaskForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice("consent", _l("I consent to the extension")),
            SelectChoice("refuse", _l("I refuse the extension")),
        ],
        validators=[InputRequired(_l("Choose whether you consent to the extension."))],
    )
    reason = TextAreaField(_l("Reason for refusing"), validators=[Optional(), Length(max=2000)])

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not (field.data or "").strip():
            raise ValidationError(
                _l("Say why you refuse the extension; the mediator and the other parties will see it.")
            )
