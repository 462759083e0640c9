"""Who may sit on a case, and in what order: hard filters first, then an explained score.

DESIGN §3. Every excluded expert carries the reasons for the exclusion, and every candidate
the parts of their score, so the clerk can see why the list is what it is.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.accounts.models import Organisation, User, UserRole
from odr.cases.models import Case, CaseState
from odr.core.db import utcnow
from odr.core.timeutil import local
from odr.experts.models import (
    Assignment,
    AssignmentState,
    ExpertAffiliation,
    ExpertProfile,
    ExpertStatus,
    ExpertUnavailability,
    Seat,
)
from odr.experts.models.profile import name_key
from odr.extensions import db

# Cases in these states occupy their experts (a case waiting for a mediator already does).
ACTIVE_CASE_STATES = (CaseState.AWAITING_MEDIATOR, CaseState.MEDIATING)

# Which technical fields an IP type or an industry calls for (for technical investigators).
IP_TYPE_FIELDS = {
    "software_copyright": {"software"},
    "ic_layout": {"electronics_comms"},
    "plant_variety": {"biology_agriculture"},
}
INDUSTRY_FIELDS = {
    "liubao_tea": {"food_processing", "biology_agriculture"},
    "agriculture": {"biology_agriculture", "food_processing"},
    "pharmaceuticals": {"chemistry_pharma"},
    "metallurgy_machinery": {"mechanical", "materials"},
    "building_materials": {"materials"},
    "electronics": {"electronics_comms", "software"},
    "ecommerce": {"software"},
}

# Points each part of the score can give, per kind of seat (each row adds up to 100).
WEIGHTS = {
    "mediator": {
        "specialty": 30,
        "industry": 20,
        "load": 20,
        "satisfaction": 15,
        "language": 10,
        "station": 5,
    },
    "technical_investigator": {
        "technical_field": 30,
        "specialty": 20,
        "industry": 10,
        "load": 20,
        "satisfaction": 10,
        "language": 5,
        "station": 5,
    },
    "arbitrator": {
        "specialty": 30,
        "industry": 20,
        "load": 20,
        "satisfaction": 15,
        "language": 10,
        "station": 5,
    },
}
NEUTRAL_SATISFACTION = Decimal("0.6")  # share of the points for an expert with no ratings yet

PART_LABELS = {
    "specialty": _l("IP specialty"),
    "industry": _l("Industry"),
    "technical_field": _l("Technical field"),
    "load": _l("Current caseload"),
    "satisfaction": _l("Satisfaction"),
    "language": _l("Languages"),
    "station": _l("Service station"),
}
EXCLUSION_LABELS = {
    "suspended": _l("Suspended from the pool"),
    "inactive": _l("Account suspended"),
    "conflict_affiliation": _l("Conflict: declared tie with %(entity)s"),
    "conflict_organisation": _l("Conflict: works at %(entity)s, a party"),
    "conflict_party": _l("Conflict: is a party to this case"),
    "unavailable": _l("Unavailable %(start)s – %(end)s"),
    "at_capacity": _l("At caseload cap (%(load)d of %(cap)d open cases)"),
    "already_on_case": _l("Already serves on this case"),
    "declined_before": _l("Declined or left this case before"),
}


@dataclass
class Part:
    code: str
    points: float
    max: int
    detail: dict = field(default_factory=dict)

    @property
    def label(self):
        return PART_LABELS[self.code]


@dataclass
class Candidate:
    expert_id: int
    name: str
    organisation: str | None
    load: int
    cap: int
    parts: list[Part]

    @property
    def score(self) -> float:
        return round(sum(p.points for p in self.parts), 1)

    def snapshot(self, rank: int) -> dict:
        """What is kept with an assignment: the score as it was when the expert was asked."""
        return {
            "rank": rank,
            "score": self.score,
            "load": self.load,
            "cap": self.cap,
            "parts": {p.code: p.points for p in self.parts},
        }


@dataclass
class Exclusion:
    code: str
    params: dict = field(default_factory=dict)

    @property
    def label(self):
        return EXCLUSION_LABELS[self.code] % self.params if self.params else EXCLUSION_LABELS[self.code]


@dataclass
class Excluded:
    expert_id: int
    name: str
    organisation: str | None
    reasons: list[Exclusion]


@dataclass
class Ranking:
    seat: Seat
    period: tuple[date, date]
    candidates: list[Candidate]
    excluded: list[Excluded]

    def position_of(self, expert_id) -> int | None:
        return next((i for i, c in enumerate(self.candidates, 1) if c.expert_id == expert_id), None)


def case_period(case: Case, now: datetime | None = None) -> tuple[date, date]:
    """The days the case is expected to need its experts: the mediation period."""
    start = case.mediation_started_at or now or utcnow()
    days = current_app.config["MEDIATION_PERIOD_DAYS"][str(case.track or "simple")]
    end = case.mediation_due_at or (start + timedelta(days=days))
    return local(start).date(), local(end).date()


def case_languages(case: Case) -> set[str]:
    return {"zh", "en"} if any(p.is_foreign for p in case.parties) else {"zh"}


def case_fields(case: Case) -> set[str]:
    return IP_TYPE_FIELDS.get(case.ip_type.value, set()) | INDUSTRY_FIELDS.get(case.industry.value, set())


def _party_keys(case: Case):
    names, codes = set(), set()
    for party in case.parties:
        names.add(name_key(party.name))
        if party.agent_firm:
            names.add(name_key(party.agent_firm))
        if party.agent_name:
            names.add(name_key(party.agent_name))
        if party.credit_code:
            codes.add(party.credit_code)
    names.discard("")
    return names, codes


def rank(case: Case, seat: Seat, *, now: datetime | None = None) -> Ranking:
    """The ranked candidates for SEAT on CASE, and everyone holding the role who was filtered out."""
    session = db.session
    seat = Seat(seat)
    start, end = case_period(case, now)
    weights = WEIGHTS["mediator" if seat.is_mediator else seat.value]

    experts = session.execute(
        sa.select(
            ExpertProfile.id,
            ExpertProfile.user_id,
            ExpertProfile.status,
            ExpertProfile.specialties,
            ExpertProfile.industries,
            ExpertProfile.technical_fields,
            ExpertProfile.languages,
            ExpertProfile.station_id,
            ExpertProfile.max_open_cases,
            ExpertProfile.satisfaction,
            ExpertProfile.satisfaction_count,
            User.name,
            User.active,
            Organisation.name.label("org_name"),
        )
        .join(User, User.id == ExpertProfile.user_id)
        .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == seat.role))
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
    ).all()

    loads = dict(
        session.execute(
            sa.select(Assignment.expert_id, sa.func.count())
            .join(Case, Case.id == Assignment.case_id)
            .where(
                Case.state.in_(ACTIVE_CASE_STATES),
                Assignment.state.in_((AssignmentState.PROPOSED, AssignmentState.ACCEPTED)),
            )
            .group_by(Assignment.expert_id)
        ).all()
    )
    unavailable = {}
    for profile_id, s, e in session.execute(
        sa.select(
            ExpertUnavailability.profile_id, ExpertUnavailability.starts_on, ExpertUnavailability.ends_on
        ).where(ExpertUnavailability.starts_on <= end, ExpertUnavailability.ends_on >= start)
    ):
        unavailable.setdefault(profile_id, (s, e))

    names, codes = _party_keys(case)
    conflicts = {}
    if names or codes:
        for profile_id, entity in session.execute(
            sa.select(ExpertAffiliation.profile_id, ExpertAffiliation.entity_name).where(
                sa.or_(ExpertAffiliation.name_key.in_(names), ExpertAffiliation.credit_code.in_(codes))
            )
        ):
            conflicts.setdefault(profile_id, entity)
    party_users = {p.user_id for p in case.parties if p.user_id}
    on_case, left_case = set(), set()
    for a in session.execute(
        sa.select(Assignment.expert_id, Assignment.state).where(Assignment.case_id == case.id)
    ):
        (on_case if a.state in (AssignmentState.PROPOSED, AssignmentState.ACCEPTED) else left_case).add(
            a.expert_id
        )

    languages_needed = case_languages(case)
    fields_needed = case_fields(case)
    candidates, excluded = [], []
    for x in experts:
        reasons = []
        if x.status == ExpertStatus.SUSPENDED:
            reasons.append(Exclusion("suspended"))
        if not x.active:
            reasons.append(Exclusion("inactive"))
        if x.user_id in party_users:
            reasons.append(Exclusion("conflict_party"))
        if x.id in conflicts:
            reasons.append(Exclusion("conflict_affiliation", {"entity": conflicts[x.id]}))
        if x.org_name and name_key(x.org_name) in names:
            reasons.append(Exclusion("conflict_organisation", {"entity": x.org_name}))
        if x.id in unavailable:
            s, e = unavailable[x.id]
            reasons.append(Exclusion("unavailable", {"start": s.isoformat(), "end": e.isoformat()}))
        load = loads.get(x.user_id, 0)
        if x.user_id in on_case:
            reasons.append(Exclusion("already_on_case"))
        elif x.user_id in left_case:
            reasons.append(Exclusion("declined_before"))
        if load >= x.max_open_cases:
            reasons.append(Exclusion("at_capacity", {"load": load, "cap": x.max_open_cases}))
        if reasons:
            excluded.append(Excluded(x.user_id, x.name, x.org_name, reasons))
            continue
        candidates.append(
            Candidate(
                x.user_id,
                x.name,
                x.org_name,
                load,
                x.max_open_cases,
                _score(case, x, load, weights, languages_needed, fields_needed),
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.load, c.name, c.expert_id))
    excluded.sort(key=lambda e: e.name)
    return Ranking(seat, (start, end), candidates, excluded)


def _score(case, x, load, weights, languages_needed, fields_needed) -> list[Part]:
    parts = []
    w = weights
    if "technical_field" in w:
        matched = sorted(fields_needed & set(x.technical_fields or []))
        share = len(matched) / len(fields_needed) if fields_needed else 0
        parts.append(
            Part(
                "technical_field",
                round(w["technical_field"] * share, 1),
                w["technical_field"],
                {"matched": matched, "needed": sorted(fields_needed)},
            )
        )
    has_specialty = case.ip_type.value in (x.specialties or [])
    parts.append(
        Part(
            "specialty",
            w["specialty"] if has_specialty else 0,
            w["specialty"],
            {"match": has_specialty, "ip_type": case.ip_type.value},
        )
    )
    in_industry = case.industry.value in (x.industries or [])
    parts.append(
        Part(
            "industry",
            w["industry"] if in_industry else 0,
            w["industry"],
            {"match": in_industry, "industry": case.industry.value},
        )
    )
    free = max(0.0, 1 - load / x.max_open_cases)
    parts.append(Part("load", round(w["load"] * free, 1), w["load"], {"load": load, "cap": x.max_open_cases}))
    if x.satisfaction_count:
        share = float(x.satisfaction) / 5
        detail = {"score": float(x.satisfaction), "ratings": x.satisfaction_count}
    else:
        share = float(NEUTRAL_SATISFACTION)
        detail = {"score": None, "ratings": 0}
    parts.append(Part("satisfaction", round(w["satisfaction"] * share, 1), w["satisfaction"], detail))
    spoken = languages_needed & set(x.languages or [])
    parts.append(
        Part(
            "language",
            round(w["language"] * len(spoken) / len(languages_needed), 1),
            w["language"],
            {"spoken": sorted(spoken), "needed": sorted(languages_needed)},
        )
    )
    at_station = x.station_id is not None and x.station_id == case.organisation_id
    parts.append(Part("station", w["station"] if at_station else 0, w["station"], {"match": at_station}))
    return parts
