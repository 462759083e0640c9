"""Sign-in, registration and account forms."""

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from odr.accounts.models import STAFF_ROLES, Locale, Organisation, OrgKind, PartyKind, Role
from odr.accounts.operations import email_taken
from odr.accounts.passwords import policy
from odr.core import forms as v
from odr.extensions import db

REQUIRED = _l("This field is required.")


def organisation_choices(*kinds, blank=None):
    """Active organisations (of KINDS, or all) as select choices in the user's language."""
    query = (
        sa.select(Organisation)
        .where(Organisation.active.is_(True))
        .order_by(Organisation.kind, Organisation.name)
    )
    if kinds:
        query = query.where(Organisation.kind.in_(kinds))
    locale = "en" if getattr(get_locale(), "language", "zh") == "en" else "zh_CN"
    choices = [SelectChoice(o.id, o.display_name(locale)) for o in db.session.scalars(query)]
    return [SelectChoice(0, blank), *choices] if blank else choices


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class RegisterForm(FlaskForm):
    party_kind = RadioField(
        _l("I am registering as"),
        choices=PartyKind.choices(),
        default=PartyKind.COMPANY.value,
        validators=[InputRequired(REQUIRED)],
    )
    name = StringField(_l("Full name or company name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    id_number = StringField(_l("Resident ID number"), validators=[Length(max=18)], filters=[v.halfwidth])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[Length(max=18)], filters=[v.halfwidth]
    )
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    phone = StringField(
        _l("Phone"), validators=[DataRequired(REQUIRED), Length(max=30), v.phone], filters=[v.halfwidth]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(_l("Enter a valid e-mail address."))],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(REQUIRED), Length(max=200), policy("email", "name")]
    )
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
        if self.party_kind.data == PartyKind.PERSON:
            if not field.data:
                raise ValidationError(_l("A person registers with their resident ID number."))
            v.id_number(self, field)

    def validate_credit_code(self, field):
        if self.party_kind.data == PartyKind.COMPANY:
            if not field.data:
                raise ValidationError(_l("A company registers with its unified social credit code."))
            v.credit_code(self, field)

    def validate_email(self, field):
        if field.data and email_taken(field.data):
            raise ValidationError(_l("An account with this e-mail already exists. Sign in instead."))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED), Length(max=200), policy()]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords do not match."))],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(_l("Enter a valid e-mail address."))],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED), Length(max=200), policy()]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords do not match."))],
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("The 6-digit code from your authenticator app, or a recovery code"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class EnableTwoFactorForm(FlaskForm):
    code = StringField(
        _l("The 6-digit code your app shows now"),
        validators=[DataRequired(REQUIRED), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(REQUIRED), Length(max=200)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(_l("Enter a valid e-mail address."))],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), v.phone], filters=[v.halfwidth])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=Role.choices(STAFF_ROLES),
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(REQUIRED), Length(max=200), policy("email", "name")]
    )
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
