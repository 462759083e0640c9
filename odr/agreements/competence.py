"""Which court is competent to confirm an agreement (DESIGN §5; Civil Procedure Law art. 205).

The court that delegated the mediation; otherwise, where the dispute belongs to an intermediate
court (settings map IP types and claim amounts to that level), the intermediate court; otherwise a
basic court where a party is domiciled or where the mediation organisation is. Every proposal says
on what basis it was made.
"""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import Organisation, OrgKind
from odr.core.labels import LabelledEnum
from odr.extensions import db


class CourtBasis(LabelledEnum):
    DELEGATED = "delegated", _l("The court delegated the mediation")
    INTERMEDIATE = "intermediate", _l("The dispute is within the intermediate court's jurisdiction")
    PARTY_DOMICILE = "party_domicile", _l("A party is domiciled in the court's area")
    MEDIATION_ORGANISATION = "mediation_organisation", _l("The mediation organisation is in the court's area")
    NONE_MATCHED = "none_matched", _l("No court matched the addresses on file: the parties choose")


@dataclass(frozen=True)
class CourtOption:
    court: Organisation
    basis: CourtBasis
    detail: str = ""


def needs_intermediate_court(case) -> bool:
    """Whether the dispute is one an intermediate court hears at first instance (by the settings)."""
    cfg = current_app.config
    if case.ip_type.value in cfg["COURT_INTERMEDIATE_IP_TYPES"]:
        return True
    return Decimal(case.claim_amount) >= cfg["COURT_INTERMEDIATE_CLAIM_AMOUNT"]


def _courts(kind) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.kind == kind, Organisation.active.is_(True))
            .order_by(Organisation.id)
        )
    )


def _area_names(court: Organisation) -> list[str]:
    """The place names that put an address in COURT's area: its region without the province, and for
    a district or county court the district's own name (梧州市万秀区 → 梧州市万秀区, 万秀区)."""
    region = (court.region or "").strip()
    for province_mark in ("自治区", "省"):
        if province_mark in region:
            region = region.split(province_mark, 1)[1]
    if not region:
        return []
    names = [region]
    rest = region.split("市", 1)[1] if "市" in region else ""
    if len(rest) >= 2:
        names.append(rest)
    return names


def in_area(court: Organisation, place: str | None) -> bool:
    place = place or ""
    return any(name in place for name in _area_names(court))


def competent_courts(case) -> list[CourtOption]:
    """The courts competent to confirm CASE's agreement, the proposal first."""
    if case.delegating_court is not None and case.delegating_court.active:
        return [CourtOption(case.delegating_court, CourtBasis.DELEGATED)]
    organisation = case.organisation
    org_place = " ".join(filter(None, [organisation.region, organisation.address]))
    if needs_intermediate_court(case):
        courts = _courts(OrgKind.INTERMEDIATE_COURT)
        local_ones = [c for c in courts if in_area(c, org_place)]
        return [CourtOption(c, CourtBasis.INTERMEDIATE, c.region or "") for c in (local_ones or courts)]
    options: list[CourtOption] = []
    seen = set()
    for court in _courts(OrgKind.BASIC_COURT):
        for party in case.parties:
            if court.id not in seen and in_area(court, party.address):
                options.append(CourtOption(court, CourtBasis.PARTY_DOMICILE, party.name))
                seen.add(court.id)
        if court.id not in seen and in_area(court, org_place):
            options.append(CourtOption(court, CourtBasis.MEDIATION_ORGANISATION, organisation.name))
            seen.add(court.id)
    # The mediation organisation's own court is the usual choice; put it first.
    options.sort(key=lambda o: o.basis != CourtBasis.MEDIATION_ORGANISATION)
    if options:
        return options
    return [CourtOption(c, CourtBasis.NONE_MATCHED) for c in _courts(OrgKind.BASIC_COURT)]


def option_for(case, court_id: int) -> CourtOption | None:
    return next((o for o in competent_courts(case) if o.court.id == court_id), None)
