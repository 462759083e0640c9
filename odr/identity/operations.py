"""What changes an identity: documents submitted, the clerk's decision, a verification revoked."""

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import lazy_gettext as _l

from odr.accounts.models import PartyKind, Role, User
from odr.audit.operations import record
from odr.core import storage
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.i18n import join_items
from odr.extensions import db
from odr.identity import methods
from odr.identity.models import DocumentKind, IdentityDocument, IdentityVerification, VerificationState

_signals = Namespace()
# identity_verified.send(user, number=..., actor=...): USER now provably holds NUMBER.
identity_verified = _signals.signal("identity-verified")
# identity_revoked.send(user, number=..., actor=...): USER no longer counts as holding NUMBER.
identity_revoked = _signals.signal("identity-revoked")

DOCUMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")
DOCUMENT_REFUSAL = _l("Upload the document as a PDF, PNG or JPEG file.")


class IdentityError(UserError):
    """An identity step that cannot be taken; the message is shown to the user."""


def required_documents(user: User):
    """What USER must upload: a list of groups, each satisfied by any one kind in it."""
    if user.party_kind == PartyKind.COMPANY:
        return [
            (DocumentKind.BUSINESS_LICENCE,),
            (DocumentKind.REPRESENTATIVE_IDENTITY, DocumentKind.AUTHORISATION_LETTER),
        ]
    return [(DocumentKind.IDENTITY_DOCUMENT,)]


def pending_request(user: User) -> IdentityVerification | None:
    return db.session.scalar(
        sa.select(IdentityVerification).where(
            IdentityVerification.user_id == user.id, IdentityVerification.state == VerificationState.PENDING
        )
    )


def latest_request(user: User) -> IdentityVerification | None:
    return db.session.scalar(
        sa.select(IdentityVerification)
        .where(IdentityVerification.user_id == user.id)
        .order_by(IdentityVerification.id.desc())
        .limit(1)
    )


def holder_of(number: str | None) -> User | None:
    """The account verified to hold NUMBER, if any."""
    if not number:
        return None
    return db.session.scalar(sa.select(User).where(User.verified_number == number, User.active.is_(True)))


def conflicts(request: IdentityVerification) -> list[User]:
    """Other accounts that claim the same number: the verified holder, or others waiting to be."""
    others = sa.select(IdentityVerification.user_id).where(
        IdentityVerification.number == request.number,
        IdentityVerification.state == VerificationState.PENDING,
    )
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.id != request.user_id,
                sa.or_(User.verified_number == request.number, User.id.in_(others)),
            )
            .order_by(User.id)
        )
    )


def submit_documents(user: User, uploads) -> IdentityVerification:
    """USER asks to be verified, uploading documents: UPLOADS are (kind, filename, bytes) triples.

    Documents add to a request still waiting for the clerk; the request must then hold every kind
    required (``required_documents``).
    """
    number = user.identity_number
    if not user.has_role(Role.PARTY) or not number:
        raise IdentityError(_l("Only a party registered with a credit code or ID number is verified here."))
    if user.identity_verified:
        raise IdentityError(_l("Your identity has already been verified."))
    uploads = [(DocumentKind(kind), name, data) for kind, name, data in uploads if data]
    request = pending_request(user)
    if request is None and not uploads:
        raise IdentityError(_l("Choose the documents to upload."))
    new = request is None
    if new:
        request = IdentityVerification(user=user, method=methods.CLERK_DOCUMENTS.name, number=number)
        db.session.add(request)
    have = {d.kind for d in request.documents} | {kind for kind, _, _ in uploads}
    missing = [group for group in required_documents(user) if not have.intersection(group)]
    if missing:
        names = join_items(" / ".join(str(k.label) for k in group) for group in missing)
        raise IdentityError(_l("These documents are still missing: %(names)s.", names=names))
    db.session.flush()
    if new:
        record(
            "identity.requested", request, actor=user, details={"number": number, "method": request.method}
        )
    for kind, filename, data in uploads:
        try:
            stored = storage.store(data, allowed=DOCUMENT_TYPES, refusal=DOCUMENT_REFUSAL)
        except storage.StorageError as error:  # say which of the documents it is
            raise IdentityError(f"{kind.label}: {error}") from error
        document = IdentityDocument(
            verification=request,
            kind=kind,
            filename=storage.safe_filename(filename, "document"),
            sha256=stored.sha256,
            size=stored.size,
            content_type=stored.content_type,
        )
        db.session.add(document)
        db.session.flush()
        record(
            "identity.document_uploaded",
            document,
            actor=user,
            details={
                "verification_id": request.id,
                "kind": kind.value,
                "filename": document.filename,
                "sha256": document.sha256,
                "size": document.size,
            },
        )
    if new and conflicts(request):
        record(
            "identity.conflict",
            request,
            actor=user,
            details={"number": number, "other_accounts": [u.id for u in conflicts(request)]},
        )
    return request


def decide(request: IdentityVerification, clerk: User, *, approve: bool, reason: str):
    """A clerk verifies or rejects REQUEST after checking its documents, giving the reason."""
    if not clerk.has_role(Role.CLERK):
        raise IdentityError(_l("Only a clerk decides on identity documents."))
    if request.state != VerificationState.PENDING:
        raise IdentityError(_l("This request has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise IdentityError(_l("Give the reason for your decision; it is kept with it."))
    user = request.user
    if approve:
        holder = holder_of(request.number)
        if holder is not None and holder.id != user.id:
            raise IdentityError(
                _l(
                    "%(number)s is already verified for the account %(email)s. Revoke that verification"
                    " first if the documents show it was wrong.",
                    number=request.number,
                    email=holder.email,
                )
            )
        if user.identity_number != request.number:
            raise IdentityError(
                _l("The account's number has changed since the request; it cannot be verified.")
            )
    request.state = VerificationState.VERIFIED if approve else VerificationState.REJECTED
    request.decided_at = utcnow()
    request.decided_by = clerk
    request.reason = reason
    record(
        "identity.decided",
        request,
        actor=clerk,
        details={"user_id": user.id, "number": request.number, "verified": approve, "reason": reason},
    )
    if approve:
        grant(user, request.number, method=request.method, actor=clerk)


def grant(user: User, number: str, *, method: str, actor: User | None):
    """Every method ends here: USER is verified to hold NUMBER; the cases link it where it is a party."""
    if not methods.get(method):
        raise IdentityError(_l("Unknown way of verifying an identity."))
    user.verified_number = number
    user.verified_at = utcnow()
    db.session.flush()
    record("identity.verified", user, actor=actor, details={"number": number, "method": method})
    identity_verified.send(user, number=number, actor=actor)


def revoke(user: User, clerk: User, reason: str):
    """A clerk withdraws USER's verification (the documents were wrong); the links it made end."""
    if not clerk.has_role(Role.CLERK):
        raise IdentityError(_l("Only a clerk decides on identity documents."))
    reason = (reason or "").strip()
    if not reason:
        raise IdentityError(_l("Give the reason for your decision; it is kept with it."))
    number = user.verified_number
    if number is None:
        raise IdentityError(_l("This account is not verified."))
    user.verified_number = None
    user.verified_at = None
    now = utcnow()
    for request in db.session.scalars(
        sa.select(IdentityVerification).where(
            IdentityVerification.user_id == user.id, IdentityVerification.state == VerificationState.VERIFIED
        )
    ):
        request.state = VerificationState.REVOKED
        request.decided_at = now
        request.decided_by = clerk
        request.reason = reason
    db.session.flush()
    record("identity.revoked", user, actor=clerk, details={"number": number, "reason": reason})
    identity_revoked.send(user, number=number, actor=clerk)


def queue():
    """Requests waiting for a clerk, oldest first."""
    return list(
        db.session.scalars(
            sa.select(IdentityVerification)
            .where(IdentityVerification.state == VerificationState.PENDING)
            .order_by(IdentityVerification.submitted_at, IdentityVerification.id)
        )
    )
