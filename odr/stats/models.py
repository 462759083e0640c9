"""Per-case facts and the monthly rollups made from them.

A fact row is one case reduced to what the statistics count: its dimensions (month filed,
organisations, IP type, industry, channel of infringement, source, track), what happened to it
(flags), how many days each milestone took, the amounts, the time limits met and missed, and its
survey answers summed. Rollups add the facts up per month, organisation (0: all) and one
dimension (``*``: none), so a dashboard reads a few hundred rows whatever the number of cases;
day counts are kept as histograms (days -> cases), so medians and percentiles stay exact.
"""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from odr.core.db import UTCDateTime, utcnow
from odr.extensions import db

# Counted per case (0/1 flags or small counts), summed in the rollups.
COUNTS = (
    "filed",
    "accepted",
    "refused",
    "mediated",
    "settled",
    "failed",
    "withdrawn",
    "conf_applied",
    "conf_confirmed",
    "conf_rejected",
    "awarded",
    "enforceable",
    "performed",
    "defaulted",
    "enforcement",
    "limits_met",
    "limits_missed",
    "answers",
    "overall_sum",
    "fairness_sum",
    "professionalism_sum",
    "speed_sum",
    "cost_sum",
    "again_sum",
)
AMOUNTS = ("claimed_settled", "agreed")
# Days from filing to each milestone, and the court's days from application to ruling.
DAY_METRICS = ("agreement", "confirmation", "enforceable", "performed", "court")
# Dimensions a rollup can be cut by ('*': none), with the fact column holding each.
DIMENSIONS = ("ip_type", "industry", "place", "channel", "track", "court")
ALL = "*"


def _counts():
    return {name: mapped_column(sa.Integer, nullable=False, default=0, server_default="0") for name in COUNTS}


class StatsCaseFact(db.Model):
    __tablename__ = "stats_case_facts"
    __table_args__ = (sa.Index("ix_stats_case_facts_month", "month"),)

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[int]  # yyyymm of filing, in Beijing
    filed_on: Mapped[date]
    organisation_id: Mapped[int]
    ip_type: Mapped[str] = mapped_column(sa.String(40))
    industry: Mapped[str] = mapped_column(sa.String(40))
    place: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(40))
    track: Mapped[str] = mapped_column(sa.String(40))  # '' before triage
    claim_amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    claimed_settled: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), default=0)
    agreed: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), default=0)
    court: Mapped[str] = mapped_column(sa.String(40))  # the confirming court's id, '' when none
    days_agreement: Mapped[int | None]
    days_confirmation: Mapped[int | None]
    days_enforceable: Mapped[int | None]
    days_performed: Mapped[int | None]
    days_court: Mapped[int | None]
    locals().update(_counts())


class StatsFactOrg(db.Model):
    """An organisation a case counts for: the one that received it, the court that delegated or
    confirmed it, the arbitration commission that took it."""

    __tablename__ = "stats_fact_orgs"

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stats_case_facts.case_id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(primary_key=True, index=True)


class StatsRollup(db.Model):
    __tablename__ = "stats_rollups"
    # Dashboards look rows up by organisation, dimension and value over a range of months.
    __table_args__ = (sa.Index("ix_stats_rollups_lookup", "org_id", "dim", "value", "month"),)

    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    org_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # 0: every organisation
    dim: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    claimed_settled: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2), default=0)
    agreed: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2), default=0)
    locals().update(_counts())


class StatsDays(db.Model):
    """How many cases took DAYS to reach METRIC, per month, organisation and dimension value."""

    __tablename__ = "stats_days"
    # Covering the lookup, so a period's histograms are read from the index alone.
    __table_args__ = (
        sa.Index("ix_stats_days_lookup", "org_id", "dim", "value", "metric", "month", "days", "n"),
    )

    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    org_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dim: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int]


class StatsState(db.Model):
    """Where the rollups are up to: the last audit-chain position folded into the facts."""

    __tablename__ = "stats_state"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class TypicalCase(db.Model):
    """A case staff chose to present in the year's report, told without names (典型案例)."""

    __tablename__ = "stats_typical_cases"
    __table_args__ = (sa.UniqueConstraint("year", "case_id", name="uq_stats_typical_cases_year_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    chosen_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
