"""Filing, intake and answer forms."""

import re

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from odr.accounts.models import PartyKind
from odr.cases import representatives as reps
from odr.cases.models import (
    CaseState,
    Channel,
    DisputeKind,
    Industry,
    InfringementPlace,
    IPType,
    RepresentativeTitle,
    Track,
)
from odr.core import forms as v

REQUIRED = _l("This field is required.")
MAX_RESPONDENTS = 10


def with_blank(choices, blank=_l("Any")):
    return [SelectChoice("", blank), *choices]


class RespondentForm(Form):
    kind = RadioField(
        _l("Respondent is"),
        choices=PartyKind.choices(),
        default=PartyKind.COMPANY.value,
        validators=[InputRequired(REQUIRED)],
    )
    name = StringField(_l("Name or company name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[Length(max=18)], filters=[v.halfwidth]
    )
    id_number = StringField(_l("ID or passport number"), validators=[Length(max=30)], filters=[v.halfwidth])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), v.phone], filters=[v.halfwidth])
    email = EmailField(
        _l("E-mail"), validators=[Optional(), Length(max=254), Email(_l("Enter a valid e-mail address."))]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    representative = StringField(
        _l("Its legal representative, if known"), validators=[Optional(), Length(max=50), reps.validate_name]
    )
    is_foreign = BooleanField(_l("Foreign party (outside mainland China)"))

    def validate_credit_code(self, field):
        if self.kind.data == PartyKind.COMPANY and not self.is_foreign.data:
            if not field.data:
                raise ValidationError(
                    _l(
                        "Give the company's unified social credit code "
                        "(it is on the business licence and in the public credit register)."
                    )
                )
            v.credit_code(self, field)

    def validate_id_number(self, field):
        if self.kind.data == PartyKind.PERSON and not self.is_foreign.data:
            v.id_number(self, field)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not (self.phone.data or self.email.data):
            self.phone.errors = [*self.phone.errors, _l("Give at least a phone number or an e-mail address.")]
            ok = False
        return ok


def representative_title_field():
    return RadioField(
        _l("Acting as"),
        choices=RepresentativeTitle.choices(),
        default=RepresentativeTitle.LEGAL_REPRESENTATIVE.value,
    )


class CaseForm(FlaskForm):
    # Set by the view when the filer is an organisation: it then names the person who represents it.
    filer_is_company = False
    filer_name = None

    title = StringField(
        _l("Short title of the dispute"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    organisation_id = SelectField(
        _l("Mediation organisation"),
        coerce=int,
        validators=[DataRequired(_l("Choose the organisation that should mediate."))],
    )
    ip_type = SelectField(
        _l("Type of IP right"), choices=IPType.choices(), validators=[DataRequired(REQUIRED)]
    )
    dispute_kind = SelectField(
        _l("Kind of dispute"), choices=DisputeKind.choices(), validators=[DataRequired(REQUIRED)]
    )
    industry = SelectField(_l("Industry"), choices=Industry.choices(), validators=[DataRequired(REQUIRED)])
    place = SelectField(
        _l("Where the infringement happened"),
        choices=InfringementPlace.choices(),
        validators=[DataRequired(REQUIRED)],
    )
    subject_matter_place = StringField(
        _l("Where the subject matter is (标的物所在地)"), validators=[Optional(), Length(max=200)]
    )
    right_number = StringField(
        _l("Registration or certificate number of the right"), validators=[Optional(), Length(max=100)]
    )
    claim_amount = v.MoneyField(_l("Claim amount (CNY)"), validators=[InputRequired(REQUIRED)])
    remedies = TextAreaField(_l("What you ask for"), validators=[DataRequired(REQUIRED), Length(max=4000)])
    facts = TextAreaField(_l("Facts and reasons"), validators=[DataRequired(REQUIRED), Length(max=20000)])
    channel = SelectField(
        _l("How the dispute came to us"),
        choices=Channel.choices([c for c in Channel if c != Channel.ARBITRATION]),
        default=Channel.SELF_FILED.value,
        validators=[DataRequired(REQUIRED)],
    )
    delegating_court_id = SelectField(_l("Delegating court"), coerce=int, validators=[Optional()])
    respondents = FieldList(FormField(RespondentForm), min_entries=1, max_entries=MAX_RESPONDENTS)
    agent_name = StringField(_l("Your agent (lawyer), if any"), validators=[Optional(), Length(max=100)])
    agent_firm = StringField(_l("Agent's law firm"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Your address"), validators=[Optional(), Length(max=300)])
    representative = StringField(
        _l("Your legal representative (or principal person in charge)"),
        validators=[Length(max=50), reps.validate_name],
    )
    representative_title = representative_title_field()
    online_consent = BooleanField(
        _l("I consent to resolving this dispute by online mediation on this platform"),
        validators=[DataRequired(_l("Online mediation needs your consent."))],
    )

    def validate_representative(self, field):
        if self.filer_is_company and (field.data or "").strip():
            problem = reps.name_problem(field.data, self.filer_name)
            if problem:
                raise ValidationError(problem)
        elif self.filer_is_company:
            raise ValidationError(
                _l(
                    "Give the name of your organisation's legal representative (or principal person in"
                    " charge), as on the business licence."
                )
            )

    def validate_delegating_court_id(self, field):
        if self.channel.data == Channel.COURT_DELEGATED and not field.data:
            raise ValidationError(_l("Choose the court that delegated the mediation."))


_RESPONDENT_KEY = re.compile(r"respondents-(\d+)-(.*)")


def without_respondent(formdata, index) -> MultiDict:
    """FORMDATA with the respondent block INDEX taken out and the blocks after it moved up."""
    try:
        index = int(index)
    except (TypeError, ValueError):
        index = -1
    kept = MultiDict()
    for key, value in formdata.items(multi=True):
        found = _RESPONDENT_KEY.fullmatch(key)
        if found is None:
            kept.add(key, value)
        elif int(found.group(1)) != index:
            n = int(found.group(1))
            kept.add(f"respondents-{n - 1 if n > index else n}-{found.group(2)}", value)
    return kept


def filing_form(form_class):
    """The filing form of this request, as typed; less the respondent block the filer removed."""
    if request.method == "POST" and "remove_respondent" in request.form:
        return form_class(formdata=without_respondent(request.form, request.form["remove_respondent"]))
    return form_class()


def change_respondents(form) -> bool:
    """Add the respondent block the filer asked for (the removed one is already gone, see
    filing_form), without validating or losing what was typed; whether the filer asked."""
    if request.method != "POST":
        return False
    if "add_respondent" in request.form:
        if len(form.respondents) < form.respondents.max_entries:
            form.respondents.append_entry()
        return True
    return "remove_respondent" in request.form


class AcceptForm(FlaskForm):
    track = RadioField(_l("Track"), choices=Track.choices(), validators=[InputRequired(REQUIRED)])
    override_reason = TextAreaField(
        _l("Reason for choosing a different track"), validators=[Optional(), Length(max=2000)]
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REQUIRED), Length(max=4000)])


class OptionalReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=4000)])


class AnswerForm(FlaskForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice("consent", _l("I agree to mediation")),
            SelectChoice("decline", _l("I decline mediation")),
        ],
        validators=[InputRequired(_l("Choose whether you agree to mediation."))],
    )
    reason = TextAreaField(_l("Reason for declining"), validators=[Optional(), Length(max=4000)])
    agent_name = StringField(_l("Your agent (lawyer), if any"), validators=[Optional(), Length(max=100)])
    agent_firm = StringField(_l("Agent's law firm"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Your address"), validators=[Optional(), Length(max=300)])
    representative = StringField(
        _l("Your legal representative (or principal person in charge)"),
        validators=[Optional(), Length(max=50), reps.validate_name],
    )
    representative_title = representative_title_field()

    def validate_reason(self, field):
        if self.decision.data == "decline" and not (field.data or "").strip():
            raise ValidationError(_l("Please give a reason for declining mediation."))


class RepresentativeForm(FlaskForm):
    """An organisation's legal representative, recorded or corrected on the case page."""

    name = StringField(
        _l("Full name"), validators=[InputRequired(REQUIRED), Length(max=50), reps.validate_name]
    )
    title = representative_title_field()


class ReferForm(FlaskForm):
    organisation_id = SelectField(_l("Refer to"), coerce=int, validators=[DataRequired(REQUIRED)])
    note = TextAreaField(_l("Note for the receiving body"), validators=[Optional(), Length(max=4000)])


class CaseFilterForm(Form):
    state = v.FilterField(_l("State"), choices=with_blank(CaseState.choices()))
    ip_type = v.FilterField(_l("IP type"), choices=with_blank(IPType.choices()))
    track = v.FilterField(_l("Track"), choices=with_blank(Track.choices()))
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
