"""Forms of the arbitration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from odr.cases.forms import CaseForm

REQUIRED = _l("This field is required.")


class FromMediationForm(FlaskForm):
    commission_id = SelectField(
        _l("Arbitration commission"),
        coerce=int,
        validators=[InputRequired(_l("Choose an arbitration commission."))],
    )
    basis = TextAreaField(
        _l("Arbitration agreement"),
        validators=[
            InputRequired(_l("Quote the arbitration agreement the application rests on.")),
            Length(max=5000),
        ],
    )
    claims = TextAreaField(
        _l("Claims (one per line)"), validators=[InputRequired(REQUIRED), Length(max=10000)]
    )


class DirectApplicationForm(CaseForm):
    """A dispute filed directly for arbitration: the filing form, sent to a commission."""

    organisation_id = SelectField(
        _l("Arbitration commission"),
        coerce=int,
        validators=[DataRequired(_l("Choose an arbitration commission."))],
    )
    channel = None
    delegating_court_id = None
    online_consent = BooleanField(
        _l("I agree that the arbitration is conducted online on this platform."),
        validators=[DataRequired(_l("Online arbitration needs your consent."))],
    )
    arbitration_basis = TextAreaField(
        _l("Arbitration agreement"),
        validators=[
            InputRequired(_l("Quote the arbitration agreement the application rests on.")),
            Length(max=5000),
        ],
    )

    def case_fields(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "ip_type": self.ip_type.data,
            "dispute_kind": self.dispute_kind.data,
            "industry": self.industry.data,
            "place": self.place.data,
            "right_number": (self.right_number.data or "").strip() or None,
            "claim_amount": self.claim_amount.data,
            "remedies": self.remedies.data.strip(),
            "facts": self.facts.data.strip(),
            "online_consent": True,
            "respondents": [entry.data for entry in self.respondents],
            "agent_name": self.agent_name.data,
            "agent_firm": self.agent_firm.data,
            "representative": self.representative.data,
            "representative_title": self.representative_title.data,
            "address": self.address.data,
        }


class ServiceForm(FlaskForm):
    served_on = DateField(
        _l("Day the respondent was served"), validators=[InputRequired(_l("Enter the day of service."))]
    )
    method = RadioField(_l("How"), validators=[InputRequired(_l("Choose how the respondent was served."))])


class AcceptForm(FlaskForm):
    expedited = RadioField(
        _l("Procedure"),
        choices=[
            SelectChoice("1", _l("Expedited: a sole arbitrator")),
            SelectChoice("0", _l("Ordinary: three arbitrators")),
        ],
        validators=[InputRequired(REQUIRED)],
    )


class AnswerForm(FlaskForm):
    defence = TextAreaField(
        _l("Defence"), validators=[InputRequired(_l("Write your defence.")), Length(max=20000)]
    )
    counterclaims = TextAreaField(_l("Counterclaims, if any"), validators=[Optional(), Length(max=10000)])


class SeatAnswerForm(FlaskForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[SelectChoice("accept", _l("I accept")), SelectChoice("decline", _l("I decline"))],
        validators=[InputRequired(REQUIRED)],
    )
    disclosure = TextAreaField(
        _l("Disclosure: anything that might raise doubts about your independence"),
        validators=[Optional(), Length(max=4000)],
    )
    declaration = BooleanField(_l("I sign the declaration of independence and impartiality above."))
    password = PasswordField(_l("Your password"), validators=[Optional()])
    reason = TextAreaField(_l("Reason for declining"), validators=[Optional(), Length(max=2000)])


class ChallengeForm(FlaskForm):
    grounds = TextAreaField(_l("Grounds"), validators=[InputRequired(REQUIRED), Length(max=4000)])


class DecideChallengeForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("uphold", _l("Uphold: replace the arbitrator")),
            SelectChoice("dismiss", _l("Dismiss")),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    reason = TextAreaField(_l("Reasons"), validators=[InputRequired(REQUIRED), Length(max=4000)])


class AwardForm(FlaskForm):
    facts_found = TextAreaField(_l("Facts the tribunal found"), validators=[Optional(), Length(max=20000)])
    reasons = TextAreaField(_l("The tribunal's reasons"), validators=[Optional(), Length(max=20000)])
    decisions = TextAreaField(
        _l("Decision on each claim (one per line)"), validators=[Optional(), Length(max=10000)]
    )
    costs = TextAreaField(_l("Costs"), validators=[Optional(), Length(max=2000)])


class SettlementForm(FlaskForm):
    terms = TextAreaField(
        _l("Terms the parties agreed on (one per line)"), validators=[Optional(), Length(max=10000)]
    )
    costs = TextAreaField(_l("Costs"), validators=[Optional(), Length(max=2000)])


class ReviewAwardForm(FlaskForm):
    remarks = TextAreaField(
        _l("Points for the tribunal's attention (optional; the tribunal decides)"),
        validators=[Optional(), Length(max=10000)],
    )


class SignAwardForm(FlaskForm):
    dissent = TextAreaField(
        _l("Dissenting opinion, if you disagree"), validators=[Optional(), Length(max=10000)]
    )
    password = PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password to sign."))]
    )


class PerformanceForm(FlaskForm):
    text = TextAreaField(
        _l("How the award was performed"),
        validators=[InputRequired(_l("Describe how the award was performed.")), Length(max=5000)],
    )


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[InputRequired(_l("Write the note.")), Length(max=10000)])
