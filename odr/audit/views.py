"""The public page where anyone holding a document checks its audit-chain checkpoint."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, ValidationError

from odr.audit.models import AuditEntry
from odr.audit.signing import (
    HASH_RE,
    SIGNATURE_RE,
    TIME_RE,
    KeyMissing,
    checkpoint_message,
    parse_time,
    platform_key,
    public_pem,
    public_raw,
    signature_valid,
)
from odr.extensions import db, limiter

bp = Blueprint("audit", __name__)

# Positions are stored as 32-bit integers; none beyond exists.
MAX_POSITION = 2**31 - 1


def _matches(pattern, message):
    def check(form, field):
        field.data = (field.data or "").strip()
        if not pattern.fullmatch(field.data):
            raise ValidationError(message)

    return check


def _position(form, field):
    text = (field.data or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= MAX_POSITION:
        raise ValidationError(_l("The position is a whole number from 1, as printed on the document."))
    field.data = text


class CheckpointForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing; its link is printed on documents

    position = StringField(
        _l("Chain position"), validators=[InputRequired(_l("Enter the chain position.")), _position]
    )
    hash = StringField(
        _l("Head hash"),
        validators=[
            InputRequired(_l("Enter the head hash.")),
            _matches(HASH_RE, _l("The hash has 64 characters, each 0–9 or a–f.")),
        ],
        filters=[lambda v: v.lower() if isinstance(v, str) else v],
    )
    time = StringField(
        _l("Time (UTC)"),
        validators=[
            InputRequired(_l("Enter the time of the checkpoint.")),
            _matches(TIME_RE, _l("Write the time as on the document, e.g. 2026-12-01T19:20:03Z.")),
        ],
    )
    signature = StringField(
        _l("Signature"),
        validators=[
            InputRequired(_l("Enter the signature.")),
            _matches(SIGNATURE_RE, _l("The signature has 86 characters: letters, digits, - and _.")),
        ],
    )

    def validate_time(self, field):
        if field.errors:
            return
        try:
            parse_time(field.data)
        except ValueError:
            raise ValidationError(_l("This time is not a real date and time.")) from None


@dataclass
class Answer:
    signed: bool  # signed by the platform's key
    chain: str  # "same": the entry at the position has this hash; "different"; "absent"


def check(position: int, head_hash: str, time_text: str, signature: str) -> Answer:
    """Whether the platform signed this checkpoint, and whether the chain still agrees with it."""
    key = platform_key(current_app)
    signed = signature_valid(key.public, position, head_hash, parse_time(time_text), signature)
    stored = db.session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.position == position))
    chain = "absent" if stored is None else ("same" if stored == head_hash else "different")
    return Answer(signed, chain)


@bp.errorhandler(KeyMissing)
def key_missing(error):
    """Without the platform's key nothing can be checked: say so (and log why) rather than fail."""
    from odr.core.errors import render_error

    current_app.logger.error("Checkpoint page without a key: %s", error)
    return render_error(
        503,
        _l("Checking is unavailable"),
        _l(
            "The platform's checkpoint key cannot be read just now, so no document can be checked. Please try again later."
        ),
    )


@bp.route("/audit/checkpoint")
@limiter.limit("60 per minute")
def checkpoint():
    form = CheckpointForm(formdata=request.args if request.args else None)
    answer = None
    if request.args and form.validate():
        answer = check(int(form.position.data), form.hash.data, form.time.data, form.signature.data)
    key = platform_key(current_app)
    example = None
    if answer is not None:
        example = checkpoint_message(
            int(form.position.data), form.hash.data, parse_time(form.time.data)
        ).decode()
    return render_template(
        "audit/checkpoint.html",
        form=form,
        answer=answer,
        submitted=bool(request.args),
        key_id=key.id,
        key_pem=public_pem(key.public),
        key_hex=public_raw(key.public).hex(),
        message=example,
    )


@bp.route("/audit/public-key.pem")
def public_key():
    """The platform's checkpoint public key, to check signatures with one's own tools."""
    key = platform_key(current_app)
    return Response(
        public_pem(key.public),
        mimetype="application/x-pem-file",
        headers={"Content-Disposition": f"attachment; filename=odr-audit-{key.id}.pem"},
    )
