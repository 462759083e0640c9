"""Forms for undisputed facts and for recording a hand-over's filing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError


class FactForm(FlaskForm):
    text = TextAreaField(
        _l("Fact the parties do not dispute"),
        validators=[InputRequired(_l("Write the fact down.")), Length(max=2000)],
    )


class FactAnswerForm(FlaskForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice("confirm", _l("I confirm this fact")),
            SelectChoice("dispute", _l("I dispute it")),
        ],
        validators=[InputRequired(_l("Choose whether you confirm the fact."))],
    )
    comment = TextAreaField(_l("What you hold instead"), validators=[Optional(), Length(max=2000)])

    def validate_comment(self, field):
        if self.decision.data == "dispute" and not (field.data or "").strip():
            raise ValidationError(_l("Say what you hold instead, so the mediator can see where you differ."))


class FilingForm(FlaskForm):
    number = StringField(
        _l("Your case number"),
        validators=[InputRequired(_l("Give your organisation's case number.")), Length(max=64)],
    )
    filed_on = DateField(_l("Date of filing"), validators=[InputRequired(_l("Give the date of filing."))])
