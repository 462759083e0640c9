"""What changes a case: filing, intake and triage, the respondent's answer, withdrawal, referral."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import PartyKind, User
from odr.audit.operations import record
from odr.cases import numbering, representatives, triage, workflow
from odr.cases.models import (
    Answer,
    Case,
    CaseParty,
    CaseState,
    Channel,
    DisputeKind,
    Industry,
    InfringementPlace,
    Invitation,
    IPType,
    Side,
    Track,
)
from odr.cases.workflow import Action, Capacity, TransitionError
from odr.core.db import utcnow
from odr.core.failures import UserError
from odr.core.identifiers import normalise
from odr.core.timeutil import year_in_shanghai
from odr.deadlines import limits
from odr.deadlines import operations as deadlines
from odr.deadlines.models import DeadlineKind
from odr.extensions import db
from odr.identity.operations import identity_revoked, identity_verified

__all__ = ["InvitationError", "TransitionError"]


ENUM_FIELDS = {
    "ip_type": IPType,
    "dispute_kind": DisputeKind,
    "industry": Industry,
    "place": InfringementPlace,
    "channel": Channel,
}


class InvitationError(UserError):
    """An invitation link that cannot be used; the message is shown to the user."""


def file_case(
    filer: User,
    *,
    organisation,
    respondents,
    agent_name=None,
    agent_firm=None,
    representative=None,
    representative_title=None,
    address=None,
    **fields,
) -> Case:
    """A party files a dispute; the filer is the claimant (with its agent, if any, and, for an
    organisation, the legal representative it acts through); RESPONDENTS are dicts of party data."""
    for name, enum_cls in ENUM_FIELDS.items():
        if name in fields:
            fields[name] = enum_cls(fields[name])
    company = filer.party_kind == PartyKind.COMPANY
    if company:
        representative, representative_title = representatives.clean(
            representative or filer.legal_representative, representative_title, company_name=filer.name
        )
        if representative:
            filer.legal_representative = representative
    else:
        representative = representative_title = None
    case = Case(filed_by=filer, organisation=organisation, state=CaseState.SUBMITTED, **fields)
    case.parties.append(
        CaseParty(
            side=Side.CLAIMANT,
            kind=filer.party_kind or PartyKind.PERSON,
            name=filer.name,
            id_number=filer.id_number,
            credit_code=filer.credit_code,
            phone=filer.phone,
            email=filer.email,
            user=filer,
            answer=Answer.CONSENTED,
            answered_at=utcnow(),
            agent_name=(agent_name or "").strip() or None,
            agent_firm=(agent_firm or "").strip() or None,
            representative=representative,
            representative_title=representative_title,
            address=(address or "").strip() or None,
        )
    )
    for data in respondents:
        kind = PartyKind(data["kind"])
        named, title = (None, None)
        if kind == PartyKind.COMPANY:
            named, title = representatives.clean(
                data.get("representative"), company_name=data["name"].strip()
            )
        case.parties.append(
            CaseParty(
                representative=named,
                representative_title=title,
                side=Side.RESPONDENT,
                kind=kind,
                name=data["name"].strip(),
                id_number=normalise(data.get("id_number")) or None,
                credit_code=normalise(data.get("credit_code")) or None,
                phone=data.get("phone") or None,
                email=(data.get("email") or "").strip().lower() or None,
                address=data.get("address") or None,
                is_foreign=bool(data.get("is_foreign")),
            )
        )
    db.session.add(case)
    db.session.flush()
    record(
        "case.filed",
        case,
        actor=filer,
        details={
            "ip_type": case.ip_type.value,
            "claim_amount": str(case.claim_amount),
            "respondents": len(respondents),
        },
    )
    return case


def accept_case(case: Case, clerk: User, *, track: Track | None = None, override_reason: str | None = None):
    """Accept CASE: give it its number, put it on a track, and invite the respondents.

    Returns the new invitation tokens as (party, token) pairs, for respondents without an account.
    """
    proposed, reasons = triage.propose_track(case)
    track = Track(track) if track else proposed
    if track != proposed and not (override_reason or "").strip():
        raise TransitionError(_l("Give a reason for putting the case on a different track than proposed."))
    workflow.check(case, Action.ACCEPT, actor=clerk, capacity=Capacity.CLERK)
    check_claimants_verified(case)
    now = utcnow()
    year = year_in_shanghai(now)
    prefix = current_app.config["CASE_NUMBER_PREFIX"]
    overridden = track != proposed
    workflow.apply(
        case,
        Action.ACCEPT,
        actor=clerk,
        capacity=Capacity.CLERK,
        details={
            "track": track.value,
            "proposed_track": proposed.value,
            "reasons": [r.value for r in reasons],
            "override_reason": override_reason if overridden else None,
        },
        updates={
            "number": numbering.format_number(prefix, year, numbering.next_sequence(prefix, year)),
            "track": track,
            "triage_reasons": [r.value for r in reasons],
            "track_overridden": overridden,
            "track_override_reason": override_reason.strip() if overridden else None,
            "accepted_at": now,
            "respondent_due_at": limits.due(DeadlineKind.RESPONDENT_ANSWER, now),
        },
    )
    record("case.numbered", case, actor=clerk, details={"number": case.number})
    invitations = []
    for party in case.respondents:
        account = matching_account(party)
        if account is not None and case.party_of(account) is None:
            party.user = account
            representatives.adopt_from_account(party, account)
            record(
                "case.respondent_linked",
                party,
                case=case,
                actor=clerk,
                details={"user_id": account.id, "by": "verified_identity"},
            )
        else:
            invitations.append((party, issue_invitation(party, clerk)))
    return invitations


def check_claimants_verified(case: Case):
    """Refuse to take a case in while a claimant's account is not verified to be that claimant."""
    for party in case.claimants:
        user = party.user
        if user is None or not user.identity_verified or user.verified_number != party.identity_number:
            raise TransitionError(
                _l(
                    "Verify the identity of %(name)s first: check the documents it uploaded"
                    " (Identity checks), then accept the case.",
                    name=party.name,
                )
            )


def matching_account(party: CaseParty) -> User | None:
    """The account verified to hold the party's credit code or ID number.

    An account that merely registered with the number is never linked: anyone can type a valid
    code. It is linked once a clerk has verified it, or through the invitation sent to the contact
    the claimant gave."""
    number = party.identity_number
    if not number:
        return None
    column = User.credit_code if party.kind == PartyKind.COMPANY else User.id_number
    return db.session.scalar(
        sa.select(User).where(User.verified_number == number, column == number, User.active.is_(True))
    )


# States in which a respondent's account joins the case when its identity is verified.
LINKABLE_STATES = (
    CaseState.AWAITING_RESPONDENT,
    CaseState.AWAITING_MEDIATOR,
    CaseState.MEDIATING,
    CaseState.SETTLED,
    CaseState.NOT_MEDIATED,
    CaseState.FAILED,
    CaseState.REFERRED,
)


def link_verified_account(user: User, number: str, actor=None) -> list[CaseParty]:
    """USER was verified to hold NUMBER: it becomes the party of accepted cases naming that number
    that have no account yet (their invitation links stop working)."""
    column = CaseParty.credit_code if user.party_kind == PartyKind.COMPANY else CaseParty.id_number
    parties = db.session.scalars(
        sa.select(CaseParty)
        .join(Case, Case.id == CaseParty.case_id)
        .where(
            column == number,
            CaseParty.kind == user.party_kind,
            CaseParty.user_id.is_(None),
            Case.state.in_(LINKABLE_STATES),
        )
        .order_by(CaseParty.id)
    ).all()
    linked = []
    for party in parties:
        if party.case.party_of(user) is not None:
            continue
        party.user = user
        representatives.adopt_from_account(party, user)
        revoke_invitations([party.id])
        record(
            "case.respondent_linked",
            party,
            case=party.case,
            actor=actor,
            details={"user_id": user.id, "by": "verified_identity"},
        )
        linked.append(party)
    return linked


def unlink_revoked_account(user: User, number: str, actor=None):
    """USER's verification for NUMBER was revoked: it leaves the open cases it joined by that number."""
    column = CaseParty.credit_code if user.party_kind == PartyKind.COMPANY else CaseParty.id_number
    for party in db.session.scalars(
        sa.select(CaseParty)
        .join(Case, Case.id == CaseParty.case_id)
        .where(CaseParty.user_id == user.id, column == number, CaseParty.side == Side.RESPONDENT)
        .where(Case.state.in_(LINKABLE_STATES))
    ):
        party.user = None
        record("case.respondent_unlinked", party, case=party.case, actor=actor, details={"user_id": user.id})


def _on_identity_verified(user, number=None, actor=None, **_):
    link_verified_account(user, number, actor)


def _on_identity_revoked(user, number=None, actor=None, **_):
    unlink_revoked_account(user, number, actor)


identity_verified.connect(_on_identity_verified)
identity_revoked.connect(_on_identity_revoked)


def refuse_case(case: Case, clerk: User, reason: str):
    if not (reason or "").strip():
        raise TransitionError(_l("Give the reason for refusing the case; the claimant will see it."))
    workflow.apply(
        case,
        Action.REFUSE,
        actor=clerk,
        capacity=Capacity.CLERK,
        details={"reason": reason.strip()},
        updates={"refusal_reason": reason.strip()},
    )


def awaiting_answer_from(case: Case, user: User) -> CaseParty | None:
    """USER's respondent record in CASE if the invitation to mediate still waits for their answer."""
    party = case.party_of(user)
    if (
        party is not None
        and party.side == Side.RESPONDENT
        and party.answer == Answer.PENDING
        and case.state == CaseState.AWAITING_RESPONDENT
    ):
        return party
    return None


def needs_invitation(party: CaseParty) -> bool:
    """A respondent without an account while the case waits for the respondents' answer."""
    return (
        party.side == Side.RESPONDENT
        and party.user_id is None
        and party.case.state == CaseState.AWAITING_RESPONDENT
    )


def reissue_invitation(party: CaseParty, clerk: User) -> str:
    """The clerk issues a fresh link (earlier ones stop working); returns its token."""
    if not party.case.is_clerk_of(clerk):
        raise InvitationError(_l("Only the clerk of the case issues invitation links."))
    if not needs_invitation(party):
        raise InvitationError(_l("No invitation is needed for this party now."))
    return issue_invitation(party, clerk)


def answer_invitation(
    case: Case,
    user: User,
    *,
    consent: bool,
    reason: str | None = None,
    agent_name=None,
    agent_firm=None,
    representative=None,
    representative_title=None,
    address=None,
):
    """A respondent consents to mediation (naming its agent, if any) or declines; the last consent
    moves the case on."""
    party = case.party_of(user)
    if party is None or party.side != Side.RESPONDENT:
        raise TransitionError(_l("Only a respondent of this case can answer the invitation."))
    deadlines.check_in_time(DeadlineKind.RESPONDENT_ANSWER, case, error=TransitionError)
    if case.state != CaseState.AWAITING_RESPONDENT:
        raise TransitionError(_l("The invitation to mediate is no longer open."))
    if party.answer != Answer.PENDING:
        raise TransitionError(_l("You have already answered the invitation."))
    if not consent and not (reason or "").strip():
        raise TransitionError(_l("Please give a reason for declining mediation."))
    party.answered_at = utcnow()
    if not consent:
        party.answer = Answer.DECLINED
        party.decline_reason = reason.strip()
        workflow.apply(
            case,
            Action.RESPONDENT_DECLINES,
            actor=user,
            capacity=Capacity.RESPONDENT,
            details={"party_id": party.id, "reason": party.decline_reason},
        )
        return
    party.answer = Answer.CONSENTED
    party.agent_name = (agent_name or "").strip() or None
    party.agent_firm = (agent_firm or "").strip() or None
    if (address or "").strip():
        party.address = address.strip()[:300]  # the respondent's own word on where it is served
    if party.kind == PartyKind.COMPANY and (representative or "").strip():
        named, title = representatives.clean(representative, representative_title, company_name=party.name)
        if (named, title) != (party.representative, party.representative_title):
            representatives.set_representative(party, user, name=named, title=title)
    record(
        "case.party_consented",
        party,
        case=case,
        actor=user,
        details={"agent_name": party.agent_name, "agent_firm": party.agent_firm},
    )
    if all(p.answer == Answer.CONSENTED for p in case.respondents):
        workflow.apply(case, Action.RESPONDENT_CONSENTS, actor=user, capacity=Capacity.RESPONDENT)


def withdraw_case(case: Case, user: User, reason: str | None = None):
    reason = (reason or "").strip() or None
    workflow.apply(
        case,
        Action.WITHDRAW,
        actor=user,
        capacity=Capacity.CLAIMANT,
        details={"reason": reason},
        updates={"closing_reason": reason},
    )
    revoke_invitations([p.id for p in case.parties])


def refer_case(case: Case, clerk: User, organisation, note: str | None = None):
    workflow.apply(
        case,
        Action.REFER,
        actor=clerk,
        capacity=Capacity.CLERK,
        details={"organisation_id": organisation.id, "note": note},
        updates={"referred_to": organisation},
    )


def terminate_mediation(case: Case, mediator: User, reason: str):
    """The mediator ends a mediation that cannot succeed (a party withdraws, positions too far apart)."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_l("Say why the mediation ends; the parties will see it."))
    workflow.apply(
        case,
        Action.TERMINATE,
        actor=mediator,
        capacity=Capacity.MEDIATOR,
        details={"reason": reason},
        updates={"closing_reason": reason},
    )


def close_case(case: Case, clerk: User, reason: str | None = None):
    reason = (reason or "").strip() or None
    workflow.apply(
        case,
        Action.CLOSE,
        actor=clerk,
        capacity=Capacity.CLERK,
        details={"reason": reason},
        updates={"closing_reason": reason},
    )


# Invitations -------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_invitation(party: CaseParty, actor: User | None) -> str:
    """Make a new single-use link for PARTY (revoking earlier ones) and return its secret token."""
    now = utcnow()
    revoke_invitations([party.id], now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        party=party,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    record(
        "case.invitation_issued",
        invitation,
        case=party.case,
        actor=actor,
        details={"party_id": party.id, "expires_at": invitation.expires_at.isoformat()},
    )
    _mail_invitation(party, token, invitation.expires_at)
    return token


def _mail_invitation(party: CaseParty, token: str, expires_at):
    """Send the link to the e-mail address the claimant gave: following it proves control of that
    contact, which is what lets the account that claims it act for the party."""
    if not party.email:
        return
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from odr.core.timeutil import local_text
    from odr.core.web import external_url
    from odr.notifications.mail import queue_mail

    url = external_url("cases.invitation", token=token)
    parts = []
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            parts.append(
                _(
                    "%(claimant)s has asked %(org)s to mediate an intellectual-property dispute with"
                    " %(name)s (case %(number)s). Open this link to register or sign in and answer;"
                    " it works once, until %(expires)s: %(url)s",
                    claimant=", ".join(p.name for p in party.case.claimants),
                    org=party.case.organisation.name,
                    name=party.name,
                    number=party.case.number or "",
                    expires=local_text(expires_at),
                    url=url,
                )
            )
    with force_locale("zh_CN"):
        subject = _("Invitation to mediation")
    queue_mail(party.email, subject, "\n\n".join(parts))


def revoke_invitations(party_ids, now=None):
    """Make the unused invitation links of PARTY_IDS stop working."""
    db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.party_id.in_(party_ids), Invitation.used_at.is_(None), Invitation.revoked_at.is_(None)
        )
        .values(revoked_at=now or utcnow())
    )


def find_invitation(token: str) -> Invitation:
    """The usable invitation for TOKEN, or InvitationError saying why it cannot be used."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _token_hash(token or ""))
    )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError(
            _l("This invitation link is not valid. Ask the mediation centre for a new one.")
        )
    if invitation.used_at is not None:
        raise InvitationError(_l("This invitation link has already been used. Sign in to see the case."))
    if invitation.expires_at <= utcnow():
        raise InvitationError(_l("This invitation link has expired. Ask the mediation centre for a new one."))
    if invitation.party.case.state in (CaseState.WITHDRAWN, CaseState.REFUSED):
        raise InvitationError(_l("This case is no longer open."))
    return invitation


def claim_invitation(invitation: Invitation, user: User):
    """Link the invited respondent's party record to USER, using up the invitation."""
    party = invitation.party
    if party.user_id is not None and party.user_id != user.id:
        raise InvitationError(_l("This invitation has already been taken up by another account."))
    if party.case.party_of(user) is not None and party.user_id != user.id:
        raise InvitationError(_l("Your account is already a party to this case."))
    if party.identity_number and user.identity_number != party.identity_number:
        raise InvitationError(
            _l(
                "This invitation is for %(name)s (%(number)s); your account is registered with another"
                " number. Register an account for %(name)s instead.",
                name=party.name,
                number=party.identity_number,
            )
        )
    invitation.used_at = utcnow()
    party.user = user
    representatives.adopt_from_account(party, user)
    record("case.invitation_claimed", invitation, case=party.case, actor=user, details={"party_id": party.id})
