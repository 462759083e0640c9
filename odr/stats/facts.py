"""Folding a case's audit entries into its fact row, and keeping the rollups in step.

The audit chain already records every milestone with its time (filing, acceptance, the agreement
taking effect, the court's ruling, the award, performance, the time limits met and missed), so the
facts are read from it rather than from each part's own tables. ``refresh`` is what the scheduler
runs: it picks up the cases with entries past the last position folded, rewrites their facts and
rebuilds the rollups of the months they were filed in. ``rebuild`` starts again from nothing.
"""

import json
from collections import defaultdict
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from odr.audit.models import AuditEntry
from odr.cases.models import Case
from odr.core.timeutil import local
from odr.extensions import db
from odr.stats.models import (
    ALL,
    AMOUNTS,
    COUNTS,
    DAY_METRICS,
    DIMENSIONS,
    StatsCaseFact,
    StatsDays,
    StatsFactOrg,
    StatsRollup,
    StatsState,
)

WATERMARK = "audit_position"
# The time limits whose meeting or missing is counted (reminders and the survey's own are not).
LIMIT_KINDS = {
    "respondent_answer",
    "expert_answer",
    "mediation_period",
    "confirmation_window",
    "court_acceptance",
    "court_decision",
    "obligation_due",
    "arbitration_answer",
    "arbitration_nomination",
    "arbitrator_answer",
    "award_period",
    "award_performance",
}
# Outcomes of a deadline acted on that are not a miss: nothing was left to do, or it was done.
NOT_MISSED = {"nothing to do", "performed"}
# The audit actions the facts read; other entries only mark their case as changed.
ACTIONS = {
    "case.accept",
    "case.refuse",
    "case.mediator_accepts",
    "case.terminate",
    "case.withdraw",
    "agreement.created",
    "agreement.last_signature",
    "obligation.created",
    "confirmation.applied",
    "confirmation.joined",
    "agreement.confirm",
    "agreement.reject",
    "arbitration.applied",
    "arbitration.issue",
    "agreement.all_performed",
    "arbitration.performed",
    "agreement.default",
    "arbitration.performance_overdue",
    "agreement.apply_enforcement",
    "arbitration.apply_enforcement",
    "deadline.met",
    "deadline.acted",
}


def month_of(value: datetime) -> int:
    day = local(value).date()
    return day.year * 100 + day.month


def _days(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else (local(end).date() - local(start).date()).days


def fold(case: Case, entries, survey=None) -> tuple[dict, set[int]]:
    """The fact row of CASE from its audit ENTRIES (in chain order) and its survey sums, and the
    organisations it counts for."""
    f = dict.fromkeys(COUNTS, 0)
    f.update(
        case_id=case.id,
        month=month_of(case.submitted_at),
        filed_on=local(case.submitted_at).date(),
        organisation_id=case.organisation_id,
        ip_type=case.ip_type.value,
        industry=case.industry.value,
        place=case.place.value,
        channel=case.channel.value,
        track=case.track.value if case.track else "",
        claim_amount=case.claim_amount,
        claimed_settled=Decimal(0),
        agreed=Decimal(0),
        court="",
        filed=1,
    )
    orgs = {case.organisation_id} | ({case.delegating_court_id} if case.delegating_court_id else set())
    at = {}
    amounts = Decimal(0)
    submitted_to_court = None
    for action, when, details in entries:
        if action not in ACTIONS:
            continue
        if action == "case.accept":
            f["accepted"] = 1
        elif action == "case.refuse":
            f["refused"] = 1
        elif action == "case.mediator_accepts":
            f["mediated"] = 1
        elif action == "case.terminate":
            f["failed"] = 1
        elif action == "case.withdraw":
            f["withdrawn"] = 1
        elif action == "agreement.created":
            amounts = Decimal(0)  # a new agreement: the amounts are its own
        elif action == "obligation.created":
            amounts += Decimal(details.get("amount") or 0)
        elif action == "agreement.last_signature":
            f["settled"] = 1
            at.setdefault("agreement", when)
        elif action == "confirmation.applied":
            f["conf_applied"] = 1
            if details.get("court_id"):
                f["court"] = str(details["court_id"])
                orgs.add(details["court_id"])
        elif action == "confirmation.joined":
            submitted_to_court = when  # the last party to join sends it to the court
        elif action in ("agreement.confirm", "agreement.reject"):
            confirmed = action == "agreement.confirm"
            f["conf_confirmed" if confirmed else "conf_rejected"] = 1
            if confirmed:
                at.setdefault("confirmation", when)
                at.setdefault("enforceable", when)
            if submitted_to_court is not None:
                at["court"] = (submitted_to_court, when)
        elif action == "arbitration.applied":
            if details.get("commission_id"):
                orgs.add(details["commission_id"])
        elif action == "arbitration.issue":
            f["awarded"] = 1
            at.setdefault("enforceable", when)
        elif action in ("agreement.all_performed", "arbitration.performed"):
            f["performed"] = 1
            at.setdefault("performed", when)
        elif action in ("agreement.default", "arbitration.performance_overdue"):
            f["defaulted"] = 1
        elif action in ("agreement.apply_enforcement", "arbitration.apply_enforcement"):
            f["enforcement"] = 1
            f["defaulted"] = 1
        elif action == "deadline.met" and details.get("kind") in LIMIT_KINDS:
            f["limits_met"] += 1
        elif (
            action == "deadline.acted"
            and details.get("kind") in LIMIT_KINDS
            and details.get("outcome") not in NOT_MISSED
        ):
            f["limits_missed"] += 1
    if f["settled"]:
        f["claimed_settled"] = case.claim_amount
        f["agreed"] = amounts
    f["enforceable"] = int("enforceable" in at)
    for metric in DAY_METRICS:
        if metric == "court":
            start, end = at.get("court", (None, None))
            f["days_court"] = _days(start, end) if start else None
        else:
            f[f"days_{metric}"] = _days(case.submitted_at, at.get(metric))
    if survey:
        names = (
            "answers",
            "overall_sum",
            "fairness_sum",
            "professionalism_sum",
            "speed_sum",
            "cost_sum",
            "again_sum",
        )
        f.update(zip(names, survey, strict=True))
    return f, orgs


def _entries_of(case_ids):
    rows = db.session.execute(
        sa.select(AuditEntry.case_id, AuditEntry.action, AuditEntry.created_at, AuditEntry.details)
        .where(AuditEntry.case_id.in_(case_ids), AuditEntry.action.in_(ACTIONS))
        .order_by(AuditEntry.position)
    )
    by_case = defaultdict(list)
    for case_id, action, when, details in rows:
        by_case[case_id].append((action, when, json.loads(details or "{}")))
    return by_case


def _old_facts(case_ids):
    rows = {}
    for fact in db.session.scalars(sa.select(StatsCaseFact).where(StatsCaseFact.case_id.in_(case_ids))):
        rows[fact.case_id] = {c.key: getattr(fact, c.key) for c in StatsCaseFact.__table__.columns}
    orgs = {}
    for case_id, org_id in db.session.execute(
        sa.select(StatsFactOrg.case_id, StatsFactOrg.org_id).where(StatsFactOrg.case_id.in_(case_ids))
    ):
        orgs.setdefault(case_id, set()).add(org_id)
    return rows, orgs


def write_facts(case_ids) -> tuple[list, list]:
    """Rewrite the facts of CASE_IDS; return the old and the new (fact, organisations) pairs."""
    from odr.survey.results import case_sums

    case_ids = list(case_ids)
    old_rows, old_orgs = _old_facts(case_ids)
    db.session.execute(sa.delete(StatsFactOrg).where(StatsFactOrg.case_id.in_(case_ids)))
    db.session.execute(sa.delete(StatsCaseFact).where(StatsCaseFact.case_id.in_(case_ids)))
    cases = db.session.scalars(sa.select(Case).where(Case.id.in_(case_ids))).all()
    entries = _entries_of(case_ids)
    sums = case_sums(case_ids)
    facts, links, new = [], [], []
    for case in cases:
        row, orgs = fold(case, entries.get(case.id, []), sums.get(case.id))
        facts.append(row)
        new.append((row, orgs))
        links.extend({"case_id": case.id, "org_id": org} for org in orgs)
    if facts:
        db.session.execute(sa.insert(StatsCaseFact), facts)
        db.session.execute(sa.insert(StatsFactOrg), links)
    return [(row, old_orgs.get(case_id, set())) for case_id, row in old_rows.items()], new


def _contributions(fact, orgs, sign, cells, days):
    """Add (SIGN = +1) or take away (-1) what FACT gives to the rollup cells and day histograms."""
    names = [*AMOUNTS, *COUNTS]
    for org in (0, *orgs):
        for dim in (ALL, *DIMENSIONS):
            key = (fact["month"], org, dim, ALL if dim == ALL else fact[dim])
            cell = cells.setdefault(key, dict.fromkeys(names, 0))
            for name in names:
                cell[name] += sign * (fact[name] or 0)
            for metric in DAY_METRICS:
                value = fact[f"days_{metric}"]
                if value is not None:
                    day = (*key, metric, value)
                    days[day] = days.get(day, 0) + sign


def _upsert(model, keys, rows):
    """Add ROWS to MODEL's rows with the same KEYS (inserting those not there yet)."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model)
    totals = [c for c in rows[0] if c not in keys]
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={c: getattr(model, c) + statement.excluded[c] for c in totals}
    )
    db.session.execute(statement, rows)


def apply_changes(old, new):
    """Move the rollups from the OLD facts of some cases to their NEW facts, by difference: what the
    scheduler does each tick, in time proportional to the cases that changed."""
    cells, days = {}, {}
    for fact, orgs in old:
        _contributions(fact, orgs, -1, cells, days)
    for fact, orgs in new:
        _contributions(fact, orgs, +1, cells, days)
    keys = ("month", "org_id", "dim", "value")
    _upsert(
        StatsRollup,
        list(keys),
        [
            dict(zip(keys, key, strict=True), **totals)
            for key, totals in sorted(cells.items())
            if any(totals.values())
        ],
    )
    day_keys = (*keys, "metric", "days")
    _upsert(
        StatsDays,
        list(day_keys),
        [dict(zip(day_keys, key, strict=True), n=n) for key, n in sorted(days.items()) if n],
    )
    months = {key[0] for key in cells}
    if months:
        # A cell or a day left with no case is gone, as a rebuild would leave it.
        db.session.execute(
            sa.delete(StatsRollup).where(StatsRollup.month.in_(months), StatsRollup.filed == 0)
        )
        db.session.execute(sa.delete(StatsDays).where(StatsDays.month.in_(months), StatsDays.n == 0))


def rebuild_months(months):
    """Rebuild the rollups of MONTHS from the facts."""
    months = sorted(months)
    if not months:
        return
    db.session.execute(sa.delete(StatsRollup).where(StatsRollup.month.in_(months)))
    db.session.execute(sa.delete(StatsDays).where(StatsDays.month.in_(months)))
    F = StatsCaseFact
    names = [*AMOUNTS, *COUNTS]
    for by_org in (False, True):
        for dim in (ALL, *DIMENSIONS):
            # Constants inlined (they are ours, not the user's), so both databases type them.
            org = StatsFactOrg.org_id if by_org else sa.literal_column("0")
            value = sa.literal_column(f"'{ALL}'") if dim == ALL else getattr(F, dim)
            keys = [F.month, org, sa.literal_column(f"'{dim}'"), value]
            groups = [F.month] + ([StatsFactOrg.org_id] if by_org else []) + ([value] if dim != ALL else [])

            def select(*columns, keys=keys, groups=groups, by_org=by_org):
                query = sa.select(*keys, *columns).where(F.month.in_(months))
                if by_org:
                    query = query.join(StatsFactOrg, StatsFactOrg.case_id == F.case_id)
                return query.group_by(*groups)

            db.session.execute(
                sa.insert(StatsRollup).from_select(
                    ["month", "org_id", "dim", "value", *names],
                    select(*(sa.func.sum(getattr(F, name)) for name in names)),
                )
            )
            for metric in DAY_METRICS:
                column = getattr(F, f"days_{metric}")
                query = (
                    select(sa.literal_column(f"'{metric}'"), column, sa.func.count())
                    .where(column.is_not(None))
                    .group_by(column)
                )
                db.session.execute(
                    sa.insert(StatsDays).from_select(
                        ["month", "org_id", "dim", "value", "metric", "days", "n"], query
                    )
                )


def _watermark() -> int:
    state = db.session.get(StatsState, WATERMARK)
    return state.value if state else 0


def _set_watermark(position: int):
    state = db.session.get(StatsState, WATERMARK)
    if state is None:
        db.session.add(StatsState(key=WATERMARK, value=position))
    else:
        state.value = position


def _changed_since(since, head):
    return db.session.scalars(
        sa.select(AuditEntry.case_id)
        .where(AuditEntry.position > since, AuditEntry.position <= head, AuditEntry.case_id.is_not(None))
        .distinct()
    ).all()


def refresh(batch: int = 2000) -> int:
    """Fold in what the audit chain recorded since the last refresh; the number of cases rewritten.
    The scheduler runs it after each sweep; it flushes, the caller commits."""
    since = _watermark()
    head = db.session.scalar(sa.select(sa.func.max(AuditEntry.position))) or 0
    if head <= since:
        return 0
    changed = _changed_since(since, head)
    for start in range(0, len(changed), batch):
        apply_changes(*write_facts(changed[start : start + batch]))
    _set_watermark(head)
    db.session.flush()
    return len(changed)


def rebuild(batch: int = 2000) -> int:
    """Facts and rollups from nothing (after a migration, or to check them)."""
    for model in (StatsDays, StatsRollup, StatsFactOrg, StatsCaseFact):
        db.session.execute(sa.delete(model))
    head = db.session.scalar(sa.select(sa.func.max(AuditEntry.position))) or 0
    changed = _changed_since(0, head)
    months = set()
    for start in range(0, len(changed), batch):
        _, new = write_facts(changed[start : start + batch])
        months |= {fact["month"] for fact, _ in new}
    rebuild_months(months)
    _set_watermark(head)
    db.session.flush()
    return len(changed)
