"""Forms of identity verification: the user's documents, the clerk's decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from odr.identity.models import DocumentKind

REQUIRED = _l("This field is required.")


class DocumentsForm(FlaskForm):
    business_licence = FileField(DocumentKind.BUSINESS_LICENCE.label)
    representative_identity = FileField(DocumentKind.REPRESENTATIVE_IDENTITY.label)
    authorisation_letter = FileField(DocumentKind.AUTHORISATION_LETTER.label)
    identity_document = FileField(DocumentKind.IDENTITY_DOCUMENT.label)

    def uploads(self):
        """The files chosen, as (kind, filename, bytes)."""
        chosen = []
        for kind in DocumentKind:
            storage = getattr(self, kind.value).data
            if storage and getattr(storage, "filename", None):
                chosen.append((kind, storage.filename, storage.read()))
        return chosen


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("verify", _l("Verify: the documents show this account holds the number")),
            SelectChoice("reject", _l("Reject")),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    reason = TextAreaField(
        _l("Reason (kept with the decision)"), validators=[DataRequired(REQUIRED), Length(max=2000)]
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the verification is revoked"), validators=[DataRequired(REQUIRED), Length(max=2000)]
    )
