"""Validators and fields shared by the forms of several domains."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import DecimalField, FileField, MultipleFileField, SelectField
from wtforms.validators import ValidationError

from odr.core.identifiers import id_number_problem, uscc_problem

USCC_MESSAGES = {
    "length": _l("A unified social credit code has exactly 18 characters."),
    "charset": _l(
        "A unified social credit code uses only digits and the capital letters A–Y (no I, O, S, V, Z)."
    ),
    "check_digit": _l(
        "This unified social credit code is not valid: its check digit does not match. "
        "Please check it against the business licence."
    ),
}
ID_MESSAGES = {
    "length": _l("A resident ID number has exactly 18 characters."),
    "charset": _l("A resident ID number has 17 digits followed by a digit or X."),
    "birth_date": _l("The birth date inside this ID number is not a real date."),
    "check_digit": _l("This ID number is not valid: its check digit does not match."),
}
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,19}$")


def halfwidth(value):
    """A number typed on a full-width (Chinese) keyboard as the digits and letters it means: １３８ is 138."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def credit_code(form, field):
    if field.data:
        problem = uscc_problem(field.data)
        if problem:
            raise ValidationError(USCC_MESSAGES[problem])


def id_number(form, field):
    if field.data:
        problem = id_number_problem(field.data)
        if problem:
            raise ValidationError(ID_MESSAGES[problem])


def phone(form, field):
    if field.data and not PHONE_RE.match(field.data.strip()):
        raise ValidationError(_l("Enter a phone number of digits, e.g. 13800000000 or 0774-1234567."))


def password_strength(form, field):
    value = field.data or ""
    if len(value) < 8 or not re.search(r"[A-Za-z]", value) or not re.search(r"[0-9]", value):
        raise ValidationError(_l("Use at least 8 characters, with letters and digits."))


class MoneyField(DecimalField):
    """An amount in CNY: a non-negative number with at most two decimals."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, places=2, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip().replace(",", "").replace("，", "").lstrip("¥￥")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Enter the amount as a number, e.g. 50000 or 50000.00.")) from None
        if not value.is_finite():
            self.data = None
            raise ValueError(_l("Enter the amount as a number, e.g. 50000 or 50000.00."))
        if value < 0:
            self.data = None
            raise ValueError(_l("The amount cannot be negative."))
        # the range first: rounding a huge number (1e308) to fen is itself an error
        if value >= Decimal("1000000000000"):
            self.data = None
            raise ValueError(_l("The amount is too large."))
        if value != value.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError(_l("Amounts have at most two decimals (fen)."))
        self.data = value


class FilterField(SelectField):
    """A list filter: blank (or only spaces) means any; a value the list does not offer is an error
    shown beside it, never a query for something that cannot exist."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0].strip()

    def pre_validate(self, form):
        if self.data and self.data not in {str(choice.value) for choice in self.iter_choices()}:
            raise ValidationError(_l("This is not one of the values offered."))


def _posted_values(meta, form, formdata):
    """What a form reads from the request: the posted fields as text, and uploads only for its file
    fields. A file posted under a text field's name, or a JSON body, is not taken for the form's
    values (Flask-WTF would hand a text field the upload object, or JSON numbers and lists)."""
    if formdata is not _Auto:
        return formdata
    if not _is_submitted():
        return None
    names = {field.name for field in form if isinstance(field, FileField | MultipleFileField)}
    uploads = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in names])
    if uploads:
        return CombinedMultiDict((uploads, request.form))
    return request.form or None


def init_app(app):
    """Every Flask-WTF form of the platform reads posted values through ``_posted_values``."""
    FlaskForm.Meta.wrap_formdata = _posted_values
