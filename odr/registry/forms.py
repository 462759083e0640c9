"""Forms of the list's pages: the public search, the credit officer's decisions, the entity's objection
and credit-repair application."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from odr.core.forms import credit_code, id_number
from odr.registry.models import DecisionKind, EntityKind

EXTERNAL_KINDS = (DecisionKind.COURT_JUDGMENT, DecisionKind.ADMINISTRATIVE_PENALTY)


def _no_control_characters(form, field):
    # (PostgreSQL cannot even compare text holding a NUL character: refused here, never searched for)
    if field.data and any(ord(c) < 32 or ord(c) == 127 for c in field.data):
        raise ValidationError(_l("A name or code has no control characters; type it again."))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search anyone may bookmark

    q = StringField(
        _l("Name or unified social credit code"),
        validators=[Optional(), Length(max=100), _no_control_characters],
    )


class FindingForm(FlaskForm):
    entity_kind = SelectField(_l("Kind of entity"), choices=EntityKind.choices(), default="company")
    entity_name = StringField(
        _l("Name of the entity"), validators=[InputRequired(_l("Give the entity's name.")), Length(max=200)]
    )
    credit_code = StringField(
        _l("Unified social credit code"), validators=[Optional(), Length(max=18), credit_code]
    )
    id_number = StringField(
        _l("Resident ID number (natural persons; kept only as a hash, never shown)"),
        validators=[Optional(), Length(max=18), id_number],
    )
    legal_representative = StringField(_l("Legal representative"), validators=[Optional(), Length(max=100)])
    decision_kind = SelectField(_l("Kind of decision"), choices=DecisionKind.choices(EXTERNAL_KINDS))
    number = StringField(
        _l("Document number"),
        validators=[InputRequired(_l("Give the decision's document number.")), Length(max=100)],
    )
    decided_on = DateField(
        _l("Date of the decision"), validators=[InputRequired(_l("Give the date of the decision."))]
    )
    authority = StringField(
        _l("Deciding authority"),
        validators=[InputRequired(_l("Name the court or authority that decided.")), Length(max=200)],
    )
    infringement = BooleanField(_l("Finds infringement"))
    willful = BooleanField(_l("Finds willful (intentional) infringement"))
    punitive = BooleanField(_l("Awards punitive damages"))
    summary = TextAreaField(_l("What the decision says (summary)"), validators=[Optional(), Length(max=4000)])
    document = FileField(_l("The decision (PDF, PNG or JPEG)"))

    def validate_credit_code(self, field):
        if self.entity_kind.data == "company" and not (field.data or "").strip():
            raise ValidationError(_l("A company is identified by its unified social credit code."))

    def validate_id_number(self, field):
        if self.entity_kind.data != "company" and not (field.data or self.credit_code.data or "").strip():
            raise ValidationError(_l("Give the credit code of the business or the person's ID number."))


class ReasonsForm(FlaskForm):
    reasons = TextAreaField(
        _l("Reasons"), validators=[InputRequired(_l("Give the reasons.")), Length(max=4000)]
    )


class NoticeForm(FlaskForm):
    service_record = TextAreaField(
        _l("How the notice was served (when the entity has no account on the platform)"),
        validators=[Optional(), Length(max=2000)],
    )


class ObjectionForm(FlaskForm):
    text = TextAreaField(
        _l("Grounds of the objection"),
        validators=[InputRequired(_l("Write the grounds of the objection.")), Length(max=8000)],
    )


class CorrectionFields:
    entity_name = StringField(_l("Corrected name"), validators=[Optional(), Length(max=200)])
    legal_representative = StringField(
        _l("Corrected legal representative"), validators=[Optional(), Length(max=100)]
    )
    basis = TextAreaField(_l("Corrected basis"), validators=[Optional(), Length(max=4000)])


OBJECTION_DECISIONS = {
    "dismissed": _l("Dismissed: publish as notified"),
    "upheld_corrected": _l("Upheld in part: correct and publish"),
    "upheld_withdrawn": _l("Upheld: do not list"),
}


class ObjectionDecisionForm(CorrectionFields, FlaskForm):
    decision = RadioField(
        _l("Decision on the objection"),
        choices=[SelectChoice(value, label) for value, label in OBJECTION_DECISIONS.items()],
        validators=[InputRequired(_l("Choose how the objection is decided."))],
    )
    reasons = TextAreaField(
        _l("Reasons"), validators=[InputRequired(_l("Give the reasons.")), Length(max=4000)]
    )


class CorrectionForm(CorrectionFields, FlaskForm):
    reasons = TextAreaField(
        _l("Reasons for the correction (published)"),
        validators=[InputRequired(_l("Give the reasons.")), Length(max=4000)],
    )


class RepairForm(FlaskForm):
    performance = TextAreaField(
        _l("How the decision was performed"),
        validators=[InputRequired(_l("Describe how the decision was performed.")), Length(max=8000)],
    )
    commitment = TextAreaField(
        _l("Commitment (信用承诺)"),
        validators=[InputRequired(_l("Write the commitment (信用承诺).")), Length(max=4000)],
    )
    proof = FileField(_l("Proof of performance (PDF, PNG or JPEG)"))


class RepairDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision on credit repair"),
        choices=[
            SelectChoice("grant", _l("Grant: remove from the list")),
            SelectChoice("refuse", _l("Refuse credit repair")),
        ],
        validators=[InputRequired(_l("Choose whether credit repair is granted."))],
    )
    reasons = TextAreaField(
        _l("Reasons"), validators=[InputRequired(_l("Give the reasons.")), Length(max=4000)]
    )


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    what = SelectField(
        _l("What"),
        choices=[
            SelectChoice("entries", _l("Published entries")),
            SelectChoice("changes", _l("Changes since a date")),
        ],
    )
    format = SelectField(_l("Format"), choices=[SelectChoice("csv", "CSV"), SelectChoice("json", "JSON")])
    since = DateField(_l("Since (changes)"), validators=[Optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.what.data == "changes" and self.since.data is None:
            self.since.errors = [*self.since.errors, _l("Give the date from which the changes are wanted.")]
            return False
        return ok


class JudgmentForm(FlaskForm):
    """The court's liaison records the court's judgment on a dispute handed over to it."""

    party = SelectField(_l("Against"), coerce=int, validate_choice=False)
    number = StringField(
        _l("Judgment number"), validators=[InputRequired(_l("Give the judgment's number.")), Length(max=100)]
    )
    decided_on = DateField(
        _l("Date of the judgment"), validators=[InputRequired(_l("Give the date of the judgment."))]
    )
    infringement = BooleanField(_l("Finds infringement"), default=True)
    willful = BooleanField(_l("Finds willful (intentional) infringement"))
    punitive = BooleanField(_l("Awards punitive damages"))
    summary = TextAreaField(_l("What the decision says (summary)"), validators=[Optional(), Length(max=4000)])
    document = FileField(_l("The decision (PDF, PNG or JPEG)"))
