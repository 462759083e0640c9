"""Which court is competent to confirm an agreement (DESIGN §5; Civil Procedure Law 2023 art. 205).

The court that delegated the mediation; otherwise a court connected to the dispute by where a party
is domiciled, where the subject matter is (标的物所在地) or where the mediation organisation is — the
intermediate court with that connection where the dispute belongs to an intermediate court (settings
map IP types and claim amounts to that level), else the basic court. Every proposal says on what
basis it was made. When no court on file is connected, none is proposed: the clerk names the
competent court with a reason, and that is the only option.
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
    SUBJECT_MATTER = "subject_matter", _l("The subject matter is in the court's area")
    MEDIATION_ORGANISATION = "mediation_organisation", _l("The mediation organisation is in the court's area")
    NAMED_BY_CLERK = "named_by_clerk", _l("Named by the clerk: no court on file is connected to the dispute")
    NONE_MATCHED = (
        "none_matched",
        _l("No court matched the addresses on file: the parties choose"),
    )  # old rows


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


def connections(case) -> list[tuple[CourtBasis, str, str]]:
    """What ties the dispute to a place: (basis, the place, whose or what it is)."""
    organisation = case.organisation
    found = [(CourtBasis.PARTY_DOMICILE, p.address or "", p.name) for p in case.parties]
    found.append((CourtBasis.SUBJECT_MATTER, case.subject_matter_place or "", "标的物所在地"))
    org_place = " ".join(filter(None, [organisation.region, organisation.address]))
    found.append((CourtBasis.MEDIATION_ORGANISATION, org_place, organisation.name))
    return [(basis, place, who) for basis, place, who in found if place.strip()]


def connected_courts(case) -> list[CourtOption]:
    """The courts the rule connects to CASE, each once, with the first connection found."""
    kind = OrgKind.INTERMEDIATE_COURT if needs_intermediate_court(case) else OrgKind.BASIC_COURT
    options: list[CourtOption] = []
    seen = set()
    for court in _courts(kind):
        for basis, place, who in connections(case):
            if court.id not in seen and in_area(court, place):
                if kind == OrgKind.INTERMEDIATE_COURT:
                    detail = f"{basis.label}: {who}"
                    basis = CourtBasis.INTERMEDIATE
                else:
                    detail = who
                options.append(CourtOption(court, basis, detail))
                seen.add(court.id)
    # The mediation organisation's own court is the usual choice; put it first.
    options.sort(key=lambda o: o.basis != CourtBasis.MEDIATION_ORGANISATION)
    return options


def competent_courts(case) -> list[CourtOption]:
    """The courts competent to confirm CASE's agreement, the proposal first; [] when none is
    connected and the clerk has not named one yet."""
    if case.delegating_court is not None and case.delegating_court.active:
        return [CourtOption(case.delegating_court, CourtBasis.DELEGATED)]
    options = connected_courts(case)
    if options:
        return options
    if case.named_court is not None and case.named_court.active:
        return [CourtOption(case.named_court, CourtBasis.NAMED_BY_CLERK, case.named_court_reason or "")]
    return []


def nameable_courts() -> list[Organisation]:
    """The courts a clerk may name when the rule connects none."""
    return _courts(OrgKind.BASIC_COURT) + _courts(OrgKind.INTERMEDIATE_COURT)


def option_for(case, court_id: int) -> CourtOption | None:
    return next((o for o in competent_courts(case) if o.court.id == court_id), None)
