"""What parties and neutrals do with exhibits: deposit, share or keep confidential, respond, verify."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from odr.audit import checkpoints
from odr.audit.models import AuditEntry, entry_hash
from odr.audit.operations import record
from odr.cases.models import Case
from odr.cases.workflow import OPEN_STATES
from odr.core import storage
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.labels import zh
from odr.core.timeutil import local
from odr.evidence import notices
from odr.evidence.access import of_side, side_of
from odr.evidence.models import Exhibit, ExhibitAccess, ExhibitResponse, Source, Stance, Visibility
from odr.extensions import db

PDF_AND_IMAGES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff", "image/webp")
OFFICE = (
    "application/x-ole-storage",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    *storage.ODF_TYPES,
)
AUDIO_VIDEO = (
    "audio/mpeg",
    "audio/ogg",
    "audio/flac",
    "audio/amr",
    "audio/wav",
    "audio/mp4",
    "video/mp4",
    "video/quicktime",
    "video/3gpp",
    "video/webm",
    "video/x-msvideo",
)
EVIDENCE_TYPES = (*PDF_AND_IMAGES, *OFFICE, *AUDIO_VIDEO)
REFUSAL = _l(
    "The docket does not accept this kind of file (its content is checked, not its name). Upload a PDF, "
    "an image (PNG, JPEG, GIF, TIFF, WebP), an office document (Word, Excel, PowerPoint, OpenDocument) "
    "or a recording (MP3, WAV, M4A, AMR, OGG, MP4, MOV, 3GP, WebM, AVI)."
)

# Who may move an exhibit's visibility where: (from, move) -> to. Sharing cannot be taken back.
VISIBILITY_MOVES = {
    (Visibility.PRIVATE, "share"): Visibility.SHARED,
    (Visibility.PRIVATE, "confidential"): Visibility.CONFIDENTIAL,
    (Visibility.CONFIDENTIAL, "unmark"): Visibility.PRIVATE,
}


class EvidenceError(UserError):
    """Something the docket does not allow; the message is shown to the user."""


def docket_open(case: Case) -> bool:
    """Whether exhibits can still be added, shared and answered: while the case is open."""
    return case.state in OPEN_STATES


def _require_open(case):
    if not docket_open(case):
        raise EvidenceError(
            _l("This case is %(state)s: its evidence docket is closed.", state=case.state.label)
        )


def deposit(
    case: Case,
    user,
    *,
    filename: str,
    data: bytes,
    title: str,
    proves: str,
    source: str,
    obtained_on: date,
    captured_url: str | None = None,
    captured_at=None,
) -> Exhibit:
    """Keep an exhibit a party uploads, record its hash on the audit chain and issue its receipt."""
    side = side_of(case, user)
    if side is None:
        raise EvidenceError(_l("Only the parties of the case deposit evidence."))
    _require_open(case)
    source = Source(source)
    if not (title or "").strip() or not (proves or "").strip():
        raise EvidenceError(_l("Give the exhibit a title and say what it proves."))
    if obtained_on > local(utcnow()).date():
        raise EvidenceError(_l("The date the evidence was obtained cannot be in the future."))
    if source == Source.WEB_CAPTURE and not (captured_url and captured_at):
        raise EvidenceError(_l("A web page capture needs the page's address and the time it was captured."))
    stored = storage.store(
        data,
        allowed=EVIDENCE_TYPES,
        max_size=current_app.config["EVIDENCE_MAX_BYTES"],
        refusal=REFUSAL,
    )
    if db.session.get_bind().dialect.name == "postgresql":  # numbers per side are taken one at a time
        db.session.execute(sa.select(Case.id).where(Case.id == case.id).with_for_update())
    seq = (
        db.session.scalar(
            sa.select(sa.func.max(Exhibit.seq)).where(Exhibit.case_id == case.id, Exhibit.side == side)
        )
        or 0
    ) + 1
    exhibit = Exhibit(
        case=case,
        side=side,
        seq=seq,
        submitted_by=user,
        title=title.strip()[:200],
        proves=proves.strip(),
        source=source,
        obtained_on=obtained_on,
        captured_url=((captured_url or "").strip() or None) if source == Source.WEB_CAPTURE else None,
        captured_at=captured_at if source == Source.WEB_CAPTURE else None,
        file_name=storage.safe_filename(
            filename, fallback=f"exhibit{storage.EXTENSIONS.get(stored.content_type, '')}"
        ),
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        visibility=Visibility.PRIVATE,
    )
    db.session.add(exhibit)
    db.session.flush()
    entry = record(
        "evidence.deposited",
        exhibit,
        case=case,
        actor=user,
        details={
            "exhibit": exhibit.number,
            "title": exhibit.title,
            "file_name": exhibit.file_name,
            "size": exhibit.size,
            "sha256": exhibit.sha256,
            "content_type": exhibit.content_type,
        },
    )
    exhibit.deposit_entry_id = entry.id
    exhibit.deposit_entry = entry
    from odr.evidence.pdf import render_receipt

    receipt = render_receipt(receipt_data(exhibit))
    exhibit.receipt_sha256 = storage.store(receipt, allowed=("application/pdf",)).sha256
    return exhibit


def receipt_data(exhibit: Exhibit) -> dict:
    """The plain data of an exhibit's deposit receipt."""
    entry = exhibit.deposit_entry
    case = exhibit.case
    return {
        "case_number": case.number or "（尚未编号）",
        "case_title": case.title,
        "exhibit_number": exhibit.number_zh,
        "exhibit_title": exhibit.title,
        "file_name": exhibit.file_name,
        "size": exhibit.size,
        "sha256": exhibit.sha256,
        "content_type": exhibit.content_type,
        "uploader_name": exhibit.submitted_by.name,
        "side_label": zh(exhibit.side),
        "deposited_at": entry.created_at,
        "chain_position": entry.position,
        "entry_hash": entry.hash,
        "prev_hash": entry.prev_hash,
        "verify_url": _verify_url(),
        "checkpoint": checkpoints.for_document(),
    }


def _verify_url() -> str:
    try:
        return url_for("evidence.verify", _external=True)
    except RuntimeError:  # outside a request (the seed command): the path alone
        return "/evidence/verify"


def change_visibility(exhibit: Exhibit, user, move: str) -> Visibility:
    """Share EXHIBIT with the other side, mark it confidential, or lift that mark (its own side only)."""
    if not of_side(exhibit.case, user, exhibit.side):
        raise EvidenceError(_l("Only the party who deposited an exhibit decides who sees it."))
    _require_open(exhibit.case)
    target = VISIBILITY_MOVES.get((exhibit.visibility, move))
    if target is None:
        raise EvidenceError(
            _l(
                "This exhibit is %(visibility)s; that change is not possible now.",
                visibility=exhibit.visibility.label,
            )
        )
    source = exhibit.visibility
    exhibit.visibility = target
    exhibit.shared_at = utcnow() if target == Visibility.SHARED else None
    record(
        {"share": "evidence.shared", "confidential": "evidence.confidential", "unmark": "evidence.unmarked"}[
            move
        ],
        exhibit,
        case=exhibit.case,
        actor=user,
        details={"exhibit": exhibit.number, "from": source.value, "to": target.value},
    )
    if target == Visibility.SHARED:
        notices.exhibit_shared(exhibit)
    return target


def respond(exhibit: Exhibit, user, stance: str, comment: str | None) -> ExhibitResponse:
    """The other side's answer to a shared exhibit (质证意见); answering again replaces the earlier one."""
    side = side_of(exhibit.case, user)
    if side is None or side == exhibit.side:
        raise EvidenceError(_l("Only a party of the other side responds to an exhibit."))
    if exhibit.visibility != Visibility.SHARED:
        raise EvidenceError(_l("This exhibit has not been shared with you."))
    _require_open(exhibit.case)
    stance = Stance(stance)
    comment = (comment or "").strip() or None
    if stance != Stance.ADMIT and comment is None:
        raise EvidenceError(_l("Say why you dispute the exhibit."))
    response = db.session.scalar(
        sa.select(ExhibitResponse).where(
            ExhibitResponse.exhibit_id == exhibit.id, ExhibitResponse.responded_by_id == user.id
        )
    )
    if response is None:
        response = ExhibitResponse(exhibit=exhibit, responded_by=user, side=side)
        db.session.add(response)
    response.stance = stance
    response.comment = comment
    response.responded_at = utcnow()
    db.session.flush()
    record(
        "evidence.responded",
        response,
        case=exhibit.case,
        actor=user,
        details={"exhibit": exhibit.number, "stance": stance.value, "comment": comment},
    )
    notices.exhibit_answered(exhibit, response)
    return response


def rooms_to_show_in(exhibit: Exhibit, user) -> list:
    """The case's rooms where USER may show EXHIBIT without widening who sees it: their own side's
    caucus room, and the joint room once the exhibit is shared."""
    from odr.rooms.operations import ACTIVE_STATES, rooms_for

    if not of_side(exhibit.case, user, exhibit.side) or exhibit.case.state not in ACTIVE_STATES:
        return []
    return [
        room
        for room in rooms_for(exhibit.case, user)
        if (room.kind.side == exhibit.side) or exhibit.visibility == Visibility.SHARED
    ]


def show_in_room(exhibit: Exhibit, user, room):
    """Post EXHIBIT's file in one of the case's rooms, as the rooms share files (numbered and hashed)."""
    from odr.rooms.operations import share_file

    if room not in rooms_to_show_in(exhibit, user):
        raise EvidenceError(
            _l("Share the exhibit with the other side before showing it in the joint room.")
            if of_side(exhibit.case, user, exhibit.side) and room.case_id == exhibit.case_id
            else _l("You cannot show this exhibit in that room.")
        )
    return share_file(room, user, f"{exhibit.number} {exhibit.file_name}", storage.read(exhibit.sha256))


def log_access(exhibit: Exhibit, user, what: str, ip_address: str | None = None):
    """Note that USER opened EXHIBIT's file or receipt."""
    db.session.add(ExhibitAccess(exhibit_id=exhibit.id, user_id=user.id, what=what, ip_address=ip_address))
    db.session.flush()


def accesses(exhibit: Exhibit) -> list[ExhibitAccess]:
    return db.session.scalars(
        sa.select(ExhibitAccess)
        .where(ExhibitAccess.exhibit_id == exhibit.id)
        .order_by(ExhibitAccess.at.desc())
    ).all()


# The mediator's summary ---------------------------------------------------------------------------


@dataclass
class SummaryRow:
    exhibit: Exhibit
    status: str  # 'admitted', 'disputed', 'awaiting' (shared, no answer yet) or 'not_shared'
    responses: list = field(default_factory=list)


@dataclass
class Summary:
    rows: list

    def count(self, status):
        return sum(1 for r in self.rows if r.status == status)

    @property
    def admitted(self):
        """The exhibits the other side admitted: the basis of the undisputed facts in a hand-over."""
        return [r.exhibit for r in self.rows if r.status == "admitted"]

    @property
    def disputed(self):
        return [r.exhibit for r in self.rows if r.status == "disputed"]


def summary(case: Case) -> Summary:
    """Every exhibit of CASE with where the other side stands on it."""
    exhibits = db.session.scalars(
        sa.select(Exhibit)
        .where(Exhibit.case_id == case.id)
        .options(
            selectinload(Exhibit.submitted_by),
            selectinload(Exhibit.responses).selectinload(ExhibitResponse.responded_by),
        )
        .order_by(Exhibit.side, Exhibit.seq)
    ).all()
    rows = []
    for exhibit in exhibits:
        responses = list(exhibit.responses)
        if exhibit.visibility != Visibility.SHARED:
            status = "not_shared"
        elif not responses:
            status = "awaiting"
        elif any(r.stance != Stance.ADMIT for r in responses):
            status = "disputed"
        else:
            status = "admitted"
        rows.append(SummaryRow(exhibit, status, responses))
    return Summary(rows)


# Verification -------------------------------------------------------------------------------------


@dataclass
class Deposit:
    exhibit: Exhibit
    entry: AuditEntry | None
    entry_intact: bool
    receipt_matches: bool | None  # None when no receipt was given


@dataclass
class Verification:
    sha256: str
    deposits: list
    receipt_sha256: str | None = None
    receipt_of: Exhibit | None = None  # the exhibit whose receipt was given, whatever the file

    @property
    def matches(self) -> bool:
        """The file is a deposited exhibit, its chain entry is unaltered, and the receipt (if any) is its own."""
        return any(d.entry_intact and d.receipt_matches is not False for d in self.deposits)


def verify(data: bytes, receipt: bytes | None = None) -> Verification:
    """Whether DATA is the file of a deposited exhibit (and RECEIPT the receipt issued for it)."""
    digest = hashlib.sha256(data).hexdigest()
    receipt_digest = hashlib.sha256(receipt).hexdigest() if receipt else None
    exhibits = db.session.scalars(
        sa.select(Exhibit).where(Exhibit.sha256 == digest).order_by(Exhibit.id)
    ).all()
    deposits = []
    for exhibit in exhibits:
        entry = exhibit.deposit_entry
        intact = (
            entry is not None
            and entry_hash(entry) == entry.hash
            and entry.data.get("sha256") == digest
            and entry.object_id == exhibit.id
        )
        matches = None if receipt_digest is None else receipt_digest == exhibit.receipt_sha256
        deposits.append(Deposit(exhibit, entry, intact, matches))
    receipt_of = None
    if receipt_digest is not None:
        receipt_of = db.session.scalar(
            sa.select(Exhibit).where(Exhibit.receipt_sha256 == receipt_digest).limit(1)
        )
    return Verification(digest, deposits, receipt_digest, receipt_of)
