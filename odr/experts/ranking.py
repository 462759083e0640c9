"""Who may sit on a case, and in what order: hard filters first, then an explained score.

DESIGN §3. Every excluded expert carries the reasons for the exclusion, and every candidate
the parts of their score, so the clerk can see why the list is what it is.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from typing import NamedTuple

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
from odr.survey.results import MIN_ANSWERS, expert_scores

OPEN_STATES = (AssignmentState.PROPOSED, AssignmentState.ACCEPTED)
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
NEUTRAL_SHARE = 0.6  # share of the satisfaction points for an expert with too few survey answers

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
    score: float
    _explain: object = field(repr=False, compare=False, default=None)

    @cached_property
    def parts(self) -> list[Part]:
        """Each part of the score with what it rests on (worked out only for the candidates shown)."""
        return self._explain()

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


def open_loads(user_ids=None, connection=None) -> dict[int, int]:
    """Open seats per expert (user id): an expert's caseload. A seat is released when its case
    leaves mediation, so only proposed and accepted seats count."""
    query = (
        sa.select(Assignment.expert_id, sa.func.count())
        .where(Assignment.state.in_(OPEN_STATES))
        .group_by(Assignment.expert_id)
    )
    if user_ids is not None:
        query = query.where(Assignment.expert_id.in_(user_ids))
    return dict((connection or db.session).execute(query).all())


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
    # Plain Core queries on the session's connection: the rows are read, not mapped to objects.
    db.session.flush()
    session = db.session.connection()
    seat = Seat(seat)
    start, end = case_period(case, now)
    weights = WEIGHTS["mediator" if seat.is_mediator else seat.value]

    experts = session.execute(
        sa.select(
            ExpertProfile.id,
            ExpertProfile.user_id,
            sa.cast(ExpertProfile.status, sa.String).label("status"),
            # The lists are read as their JSON text: membership of a quoted code is all the score needs.
            sa.cast(ExpertProfile.specialties, sa.Text).label("specialties"),
            sa.cast(ExpertProfile.industries, sa.Text).label("industries"),
            sa.cast(ExpertProfile.technical_fields, sa.Text).label("technical_fields"),
            sa.cast(ExpertProfile.languages, sa.Text).label("languages"),
            ExpertProfile.station_id,
            ExpertProfile.max_open_cases,
            User.name,
            User.active,
            Organisation.name.label("org_name"),
        )
        .join(User, User.id == ExpertProfile.user_id)
        .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == seat.role))
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
    ).all()

    loads = open_loads(connection=session)
    scores = expert_scores(connection=session)
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

    context = _Context(case, weights, case_languages(case), case_fields(case))
    candidates, excluded = [], []
    org_keys = {}
    suspended = ExpertStatus.SUSPENDED.value
    # Rows are plain tuples here: with thousands of experts, named access on each row would cost
    # more than the rest of the loop.
    for row in experts:
        x = _Expert(*row, *scores.get(row[1], (None, 0)))
        reasons = []
        if x.status == suspended:
            reasons.append(Exclusion("suspended"))
        if not x.active:
            reasons.append(Exclusion("inactive"))
        if x.user_id in party_users:
            reasons.append(Exclusion("conflict_party"))
        if x.id in conflicts:
            reasons.append(Exclusion("conflict_affiliation", {"entity": conflicts[x.id]}))
        if x.org_name:
            key = org_keys.get(x.org_name)
            if key is None:
                key = org_keys[x.org_name] = name_key(x.org_name)
            if key in names:
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
        points = _points(context, x, load)
        candidates.append(
            Candidate(
                x.user_id,
                x.name,
                x.org_name,
                load,
                x.max_open_cases,
                round(sum(points.values()), 1),
                partial(_explain, context, x, load, points),
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.load, c.name, c.expert_id))
    excluded.sort(key=lambda e: e.name)
    return Ranking(seat, (start, end), candidates, excluded)


class _Expert(NamedTuple):
    """One row of the experts query, in its column order."""

    id: int
    user_id: int
    status: str
    specialties: str | None
    industries: str | None
    technical_fields: str | None
    languages: str | None
    station_id: int | None
    max_open_cases: int
    name: str
    active: bool
    org_name: str | None
    # From the satisfaction survey: the mean overall rating (None below its minimum of answers)
    # and the number of answers on the cases the expert served on.
    satisfaction: float | None
    satisfaction_count: int


@dataclass(frozen=True)
class _Context:
    case: Case
    weights: dict
    languages: set
    fields: set

    @cached_property
    def markers(self):
        """The quoted codes looked for in the experts' JSON lists."""
        return {
            "ip_type": f'"{self.case.ip_type.value}"',
            "industry": f'"{self.case.industry.value}"',
            "fields": [f'"{f}"' for f in self.fields],
            "languages": [f'"{code}"' for code in self.languages],
            "organisation_id": self.case.organisation_id,
        }


def _has(json_text, code) -> bool:
    return f'"{code}"' in (json_text or "")


def _points(ctx: _Context, x, load) -> dict[str, float]:
    """The points of each part of the score: the one place the score is computed."""
    w = ctx.weights
    m = ctx.markers
    points = {}
    if "technical_field" in w:
        fields = x.technical_fields or ""
        matched = sum(1 for f in m["fields"] if f in fields)
        points["technical_field"] = w["technical_field"] * matched / len(m["fields"]) if m["fields"] else 0.0
    points["specialty"] = w["specialty"] if m["ip_type"] in (x.specialties or "") else 0
    points["industry"] = w["industry"] if m["industry"] in (x.industries or "") else 0
    points["load"] = w["load"] * max(0.0, 1 - load / x.max_open_cases)
    share = x.satisfaction / 5 if x.satisfaction is not None else NEUTRAL_SHARE
    points["satisfaction"] = w["satisfaction"] * share
    languages = x.languages or ""
    points["language"] = (
        w["language"] * sum(1 for code in m["languages"] if code in languages) / len(m["languages"])
    )
    points["station"] = (
        w["station"] if x.station_id is not None and x.station_id == m["organisation_id"] else 0
    )
    return points


def _explain(ctx: _Context, x, load, points) -> list[Part]:
    """POINTS as parts, each with what it rests on."""
    import json

    w = ctx.weights
    details = {
        "technical_field": lambda: {
            "matched": sorted(f for f in ctx.fields if _has(x.technical_fields, f)),
            "needed": sorted(ctx.fields),
        },
        "specialty": lambda: {"match": bool(points["specialty"]), "ip_type": ctx.case.ip_type.value},
        "industry": lambda: {"match": bool(points["industry"]), "industry": ctx.case.industry.value},
        "load": lambda: {"load": load, "cap": x.max_open_cases},
        "satisfaction": lambda: {
            "score": round(x.satisfaction, 2) if x.satisfaction is not None else None,
            "ratings": x.satisfaction_count,
            "minimum": MIN_ANSWERS,
        },
        "language": lambda: {
            "spoken": sorted(set(json.loads(x.languages or "[]")) & ctx.languages),
            "needed": sorted(ctx.languages),
        },
        "station": lambda: {"match": bool(points["station"])},
    }
    return [Part(code, round(value, 1), w[code], details[code]()) for code, value in points.items()]
