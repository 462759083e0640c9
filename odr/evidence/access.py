"""Who may see what in the docket. Decided per object: an exhibit, a claim chart, a preservation request."""

import sqlalchemy as sa

from odr.accounts.models import COURT_KINDS, Role
from odr.cases.models import Side
from odr.cases.workflow import Capacity, capacities
from odr.extensions import db

# Those who see every exhibit of a case they serve on, confidential ones included.
NEUTRALS = frozenset({Capacity.MEDIATOR, Capacity.TECHNICAL_INVESTIGATOR, Capacity.CLERK})


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def is_neutral(case, user) -> bool:
    return _signed_in(user) and bool(capacities(case, user) & NEUTRALS)


def side_of(case, user) -> Side | None:
    """The side USER acts for in CASE: as a party, or as the approved agent of one."""
    party = case.party_of(user)
    return party.side if party is not None else None


def of_side(case, user, side) -> bool:
    """Whether USER acts for SIDE in CASE. What a side keeps to itself (an exhibit not shared, a
    preservation request) is the side's: the party's and its agent's alike, whichever of them made it."""
    return _signed_in(user) and side_of(case, user) == side


def is_liaison_of(court, user) -> bool:
    """Whether USER is a court liaison officer of COURT (an organisation that is a court)."""
    return (
        _signed_in(user)
        and user.has_role(Role.COURT_LIAISON)
        and court is not None
        and court.kind in COURT_KINDS
        and user.organisation_id == court.id
    )


def liaison_court_id(user) -> int | None:
    """The court USER serves as liaison officer, if any."""
    if not _signed_in(user) or not user.has_role(Role.COURT_LIAISON) or user.organisation is None:
        return None
    return user.organisation_id if user.organisation.kind in COURT_KINDS else None


def can_view_exhibit(exhibit, user) -> bool:
    """Its side (the party and its agents) and the neutrals always; the other side once it is shared;
    a court liaison officer when it is attached to a preservation request sent to their court."""
    from odr.evidence.models import PreservationRequest, Visibility, preservation_exhibits

    if not _signed_in(user):
        return False
    if of_side(exhibit.case, user, exhibit.side) or is_neutral(exhibit.case, user):
        return True
    if exhibit.visibility == Visibility.SHARED and exhibit.case.party_of(user) is not None:
        return True
    court_id = liaison_court_id(user)
    if court_id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(preservation_exhibits)
            .join(PreservationRequest, PreservationRequest.id == preservation_exhibits.c.request_id)
            .where(
                preservation_exhibits.c.exhibit_id == exhibit.id,
                PreservationRequest.court_id == court_id,
            )
        )
    )


def visible_exhibits_clause(case, user):
    """A WHERE clause on Exhibit for the exhibits of CASE that USER may see on the docket."""
    from odr.evidence.models import Exhibit, Visibility

    if not _signed_in(user):
        return sa.false()
    if is_neutral(case, user):
        return Exhibit.case_id == case.id
    side = side_of(case, user)
    if side is None:
        return sa.false()
    return sa.and_(
        Exhibit.case_id == case.id, sa.or_(Exhibit.side == side, Exhibit.visibility == Visibility.SHARED)
    )


def can_view_chart(chart, user) -> bool:
    """A draft: the claimants and the neutrals; once submitted, everyone on the case."""
    from odr.evidence.models import ChartState

    case = chart.case
    if not _signed_in(user) or not case.can_view(user):
        return False
    if chart.state != ChartState.DRAFT:
        return True
    return is_neutral(case, user) or side_of(case, user) == Side.CLAIMANT


def can_view_preservation(request, user) -> bool:
    """The side that asked (the party and its agents), the neutrals of the case, and the liaison
    officers of the court asked: the other side is not told."""
    if not _signed_in(user):
        return False
    return (
        of_side(request.case, user, request.side)
        or is_neutral(request.case, user)
        or is_liaison_of(request.court, user)
    )
