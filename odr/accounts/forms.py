"""Sign-in, registration and account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from odr.accounts.models import Locale, OrgKind, PartyKind, STAFF_ROLES
from odr.accounts.operations import email_taken
from odr.core import forms as v

REQUIRED = _l("This field is required.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class RegisterForm(FlaskForm):
    party_kind = RadioField(
        _l("I am registering as"), choices=PartyKind.choices(), default=PartyKind.COMPANY.value,
        validators=[InputRequired(REQUIRED)],
    )
    name = StringField(_l("Full name or company name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    id_number = StringField(_l("Resident ID number"), validators=[Optional(), Length(max=18), v.id_number])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[Optional(), Length(max=18), v.credit_code]
    )
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[DataRequired(REQUIRED), Length(max=30), v.phone])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(_l("Enter a valid e-mail address."))],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=200),
                                                         v.password_strength])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords do not match."))],
    )
    locale = SelectField(_l("Preferred language"), choices=Locale.choices(), default=Locale.ZH_CN.value)
    accept_terms = BooleanField(
        _l("I agree to the platform's terms of use and to the processing of my data for dispute resolution"),
        validators=[DataRequired(_l("You must agree to the terms to register."))],
    )

    def validate_id_number(self, field):
        if self.party_kind.data == PartyKind.PERSON and not field.data:
            raise ValidationError(_l("A person registers with their resident ID number."))

    def validate_credit_code(self, field):
        if self.party_kind.data == PartyKind.COMPANY and not field.data:
            raise ValidationError(_l("A company registers with its unified social credit code."))

    def validate_email(self, field):
        if field.data and email_taken(field.data):
            raise ValidationError(_l("An account with this e-mail already exists. Sign in instead."))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), Length(max=200),
                                                             v.password_strength])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords do not match."))],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(_l("Enter a valid e-mail address."))],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), v.phone])
    roles = MultiCheckboxField(
        _l("Roles"), choices=[(r.value, r.label) for r in STAFF_ROLES],
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(REQUIRED), Length(max=200),
                                                                 v.password_strength])
    locale = SelectField(_l("Preferred language"), choices=Locale.choices(), default=Locale.ZH_CN.value)

    def validate_email(self, field):
        if field.data and email_taken(field.data):
            raise ValidationError(_l("An account with this e-mail already exists."))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name (Chinese)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=OrgKind.choices(), validators=[DataRequired(REQUIRED)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
