"""Forms of the agreement pages; the clause editor's fields are built from the clause templates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from odr.agreements.models import RejectionGround, SignerCapacity


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SignForm(FlaskForm):
    version_id = HiddenField()
    capacity = SelectField(
        _l("I sign as"),
        choices=SignerCapacity.choices([SignerCapacity.PARTY, SignerCapacity.AGENT]),
        default=SignerCapacity.PARTY.value,
    )
    confirm = BooleanField(
        _l("I have read this version in full and agree to be bound by it."),
        validators=[DataRequired(_l("Confirm that you have read the agreement and agree to it."))],
    )
    password = PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password to sign."))]
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_l("Give a reason.")), Length(max=2000)])


class ApplyForm(FlaskForm):
    court_id = RadioField(
        _l("Competent court"), coerce=int, validators=[InputRequired(_l("Choose the court."))]
    )
    facts_and_reasons = TextAreaField(
        _l("Facts and reasons of the application"),
        validators=[InputRequired(_l("State the facts and reasons of the application.")), Length(max=10000)],
    )


class NameCourtForm(FlaskForm):
    court_id = SelectField(
        _l("Competent court"), coerce=int, validators=[InputRequired(_l("Choose a court."))]
    )
    reason = TextAreaField(
        _l("Why this court is competent"),
        validators=[
            InputRequired(_l("Say why this court is competent; the parties and the court will see it.")),
            Length(max=2000),
        ],
    )


class MaterialsForm(FlaskForm):
    reply = TextAreaField(_l("What you supply"), validators=[Optional(), Length(max=5000)])
    file = FileField(_l("File (PDF, PNG or JPEG)"))


class ReportForm(FlaskForm):
    text = TextAreaField(
        _l("How the obligation was performed"),
        validators=[InputRequired(_l("Describe how the obligation was performed.")), Length(max=5000)],
    )
    file = FileField(_l("Proof (PDF, PNG or JPEG)"))


class AnswerReportForm(FlaskForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice("confirm", _l("Performed as agreed")),
            SelectChoice("dispute", _l("Not performed as agreed")),
        ],
        validators=[InputRequired(_l("Choose an answer."))],
    )
    reason = TextAreaField(_l("Why you dispute it"), validators=[Optional(), Length(max=5000)])


class BreachForm(FlaskForm):
    observed_on = DateField(
        _l("Day the breach was found"), validators=[InputRequired(_l("Enter the day the breach was found."))]
    )
    text = TextAreaField(
        _l("What was done, where and when"),
        validators=[
            InputRequired(_l("Describe the breach: what was done, where and when.")),
            Length(max=5000),
        ],
    )
    file = FileField(_l("Evidence (PDF, PNG or JPEG)"))


class BreachAnswerForm(FlaskForm):
    text = TextAreaField(
        _l("Your answer"),
        validators=[
            InputRequired(_l("Write your answer; the other side and the mediator will read it.")),
            Length(max=5000),
        ],
    )


class EnforcementForm(FlaskForm):
    facts = TextAreaField(
        _l("What was not performed"),
        validators=[InputRequired(_l("Describe what was not performed.")), Length(max=10000)],
    )


# The court's forms --------------------------------------------------------------------------------


class AcceptForm(FlaskForm):
    court_case_number = StringField(
        _l("Court case number"),
        validators=[InputRequired(_l("Enter the court's case number for this application.")), Length(max=60)],
    )


class ExtendForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for extending by 10 days"),
        validators=[
            InputRequired(_l("Give the reason for the extension; the parties will see it.")),
            Length(max=2000),
        ],
    )


class RequestMaterialsForm(FlaskForm):
    what = TextAreaField(
        _l("Materials the parties must supply"),
        validators=[InputRequired(_l("Say which materials the parties must supply.")), Length(max=5000)],
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("confirm", _l("Confirm: the agreement is valid")),
            SelectChoice("reject", _l("Reject the application")),
        ],
        validators=[InputRequired(_l("Choose the decision."))],
    )
    ruling_number = StringField(
        _l("Ruling number"), validators=[InputRequired(_l("Enter the number of the ruling.")), Length(max=60)]
    )
    judge_name = StringField(
        _l("Judge who made the ruling"),
        validators=[InputRequired(_l("Enter the name of the judge who made the ruling.")), Length(max=100)],
    )
    clerk_name = StringField(_l("Court clerk (书记员)"), validators=[Optional(), Length(max=100)])
    grounds = MultiCheckboxField(
        _l("Statutory grounds for rejecting"),
        choices=[
            SelectChoice(g.value, _l("%(ground)s (%(basis)s)", ground=g.label, basis=g.basis))
            for g in RejectionGround
        ],
    )
    explanation = TextAreaField(_l("Explanation of the grounds"), validators=[Optional(), Length(max=10000)])


class EnforcementAcceptForm(FlaskForm):
    court_case_number = StringField(
        _l("Enforcement case number"),
        validators=[InputRequired(_l("Enter the court's enforcement case number.")), Length(max=60)],
    )


class ClauseTemplateForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=[InputRequired(), Length(max=100)])
    title_en = StringField(_l("Title (English)"), validators=[InputRequired(), Length(max=100)])
    body_zh = TextAreaField(_l("Text (Chinese)"), validators=[InputRequired(), Length(max=4000)])
    body_en = TextAreaField(_l("Text (English)"), validators=[InputRequired(), Length(max=4000)])
    position = IntegerField(
        _l("Position in the library"), validators=[InputRequired(), NumberRange(0, 10000)]
    )
    active = BooleanField(_l("Offered to mediators"))


class QueueFilterForm(Form):
    """The court queue's filters, read from the query string."""

    stage = SelectField(_l("Stage"), validators=[Optional()])
    due_by = DateField(_l("Due on or before"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        from odr.agreements.court_queue import Stage

        super().__init__(*args, **kwargs)
        self.stage.choices = Stage.choices()
