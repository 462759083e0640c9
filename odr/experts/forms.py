"""Forms of the expert pool: profiles, availability, ties, training, answers, recusal, opinions."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from odr.accounts.forms import MultiCheckboxField
from odr.accounts.models import Role
from odr.cases.models import Industry, IPType
from odr.core import forms as v
from odr.experts.models import AffiliationKind, Language, OpinionVisibility, TechnicalField

REQUIRED = _l("This field is required.")
EXPERT_ROLES = [Role.MEDIATOR, Role.ARBITRATOR, Role.TECHNICAL_INVESTIGATOR]


class ExpertForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(_l("Enter a valid e-mail address."))],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), v.phone], filters=[v.halfwidth])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    roles = MultiCheckboxField(
        _l("Serves as"),
        choices=Role.choices(EXPERT_ROLES),
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    title = StringField(_l("Professional title"), validators=[Optional(), Length(max=100)])
    specialties = MultiCheckboxField(_l("IP specialties"), choices=IPType.choices())
    industries = MultiCheckboxField(_l("Industries"), choices=Industry.choices())
    technical_fields = MultiCheckboxField(
        _l("Technical fields (investigators)"), choices=TechnicalField.choices()
    )
    languages = MultiCheckboxField(
        _l("Languages"),
        choices=Language.choices(),
        default=["zh"],
        validators=[DataRequired(_l("Choose at least one language."))],
    )
    station_id = SelectField(_l("Service station"), coerce=int, validators=[Optional()])
    max_open_cases = IntegerField(
        _l("Maximum open cases"), default=8, validators=[InputRequired(REQUIRED), NumberRange(1, 100)]
    )
    bio = TextAreaField(_l("Experience"), validators=[Optional(), Length(max=4000)])
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=200)])


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Reason for suspension"), validators=[DataRequired(REQUIRED), Length(max=2000)])


class UnavailabilityForm(FlaskForm):
    starts_on = DateField(_l("From"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Until"), validators=[InputRequired(REQUIRED)])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=200)])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class AffiliationForm(FlaskForm):
    kind = SelectField(_l("Tie"), choices=AffiliationKind.choices(), validators=[DataRequired(REQUIRED)])
    entity_name = StringField(
        _l("Company, firm or organisation"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    credit_code = StringField(
        _l("Unified social credit code (if known)"), validators=[Optional(), Length(max=18), v.credit_code]
    )
    starts_on = DateField(_l("Since"), validators=[Optional()])
    ends_on = DateField(_l("Until"), validators=[Optional()])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class TrainingForm(FlaskForm):
    course = StringField(_l("Course"), validators=[DataRequired(REQUIRED), Length(max=200)])
    completed_on = DateField(_l("Completed on"), validators=[InputRequired(REQUIRED)])
    hours = DecimalField(_l("Hours"), places=1, validators=[InputRequired(REQUIRED), NumberRange(0.5, 500)])

    def validate_completed_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("Record training once it is completed."))


class AnswerForm(FlaskForm):
    declaration = BooleanField(_l("I have read the declaration above and sign it"))
    password = PasswordField(_l("Your password, to sign"))
    decision = RadioField(
        _l("Your answer"),
        choices=[SelectChoice("accept", _l("I accept")), SelectChoice("decline", _l("I decline"))],
        validators=[InputRequired(_l("Choose whether you accept."))],
    )
    reason = TextAreaField(_l("Why you decline to serve"), validators=[Optional(), Length(max=2000)])

    def validate_reason(self, field):
        if self.decision.data == "decline" and not (field.data or "").strip():
            raise ValidationError(_l("Please say why you decline."))

    def validate_declaration(self, field):
        if self.decision.data == "accept" and not field.data:
            raise ValidationError(_l("To accept, sign the declaration."))

    def validate_password(self, field):
        if self.decision.data == "accept" and not field.data:
            raise ValidationError(_l("Enter your password to sign."))


class RecusalForm(FlaskForm):
    grounds = TextAreaField(_l("Grounds for recusal"), validators=[DataRequired(REQUIRED), Length(max=4000)])


class RecusalDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("grant", _l("Grant: the expert steps aside")),
            SelectChoice("refuse", _l("Refuse the request")),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    reason = TextAreaField(_l("Reasons"), validators=[DataRequired(REQUIRED), Length(max=4000)])


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Technical question"), validators=[DataRequired(REQUIRED), Length(max=4000)])


class OpinionForm(FlaskForm):
    question_ids = MultiCheckboxField(
        _l("Questions answered"),
        coerce=int,
        validators=[DataRequired(_l("Choose the questions the opinion answers."))],
    )
    analysis = TextAreaField(_l("Analysis"), validators=[DataRequired(REQUIRED), Length(max=50000)])
    conclusion = TextAreaField(_l("Conclusion"), validators=[DataRequired(REQUIRED), Length(max=10000)])
    attachments = MultipleFileField(_l("Attachments (PDF, PNG or JPEG)"))


class VisibilityForm(FlaskForm):
    visibility = RadioField(
        _l("Who may read technical opinions"),
        choices=OpinionVisibility.choices(),
        validators=[InputRequired(REQUIRED)],
    )


class ExpertSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    role = v.FilterField(
        _l("Role"),
        choices=[SelectChoice("", _l("Any")), *Role.choices(EXPERT_ROLES)],
    )
    specialty = v.FilterField(_l("IP specialty"), choices=[SelectChoice("", _l("Any")), *IPType.choices()])
    industry = v.FilterField(_l("Industry"), choices=[SelectChoice("", _l("Any")), *Industry.choices()])
    status = v.FilterField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Any")),
            SelectChoice("active", _l("Active")),
            SelectChoice("suspended", _l("Suspended")),
        ],
    )
