"""Claim charts (技术特征比对表) for patent and utility-model cases: drafted by the claimant, answered
row by row by the respondent, commented on by the technical investigator."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.cases.models import Case, IPType, Side
from odr.cases.workflow import Capacity, capacities
from odr.core.db import utcnow
from odr.core.labels import zh
from odr.evidence import notices
from odr.evidence.access import side_of
from odr.evidence.models import ChartState, ClaimChart, ClaimChartRow, Exhibit, RowPosition, Visibility
from odr.evidence.operations import EvidenceError, _require_open
from odr.extensions import db

CHART_IP_TYPES = (IPType.INVENTION_PATENT, IPType.UTILITY_MODEL)

# (state, move) -> (next state, the side that moves it)
MOVES = {
    (ChartState.DRAFT, "submit"): (ChartState.SUBMITTED, Side.CLAIMANT),
    (ChartState.SUBMITTED, "complete"): (ChartState.ANSWERED, Side.RESPONDENT),
}


def charts_apply(case: Case) -> bool:
    return case.ip_type in CHART_IP_TYPES


def _claimant(case, user):
    if side_of(case, user) != Side.CLAIMANT:
        raise EvidenceError(_l("Only the claimant draws up the claim chart."))


def _move(chart, user, move):
    target, side = MOVES.get((chart.state, move), (None, None))
    if target is None:
        raise EvidenceError(
            _l("The claim chart is %(state)s; that is not possible now.", state=chart.state.label)
        )
    if side_of(chart.case, user) != side:
        raise EvidenceError(_l("You are not allowed to do this on this claim chart."))
    _require_open(chart.case)
    chart.state = target
    return target


def create_chart(case: Case, user, *, claim: str, accused_product: str) -> ClaimChart:
    if not charts_apply(case):
        raise EvidenceError(_l("Claim charts are for invention and utility-model patent cases."))
    _claimant(case, user)
    _require_open(case)
    if not (claim or "").strip() or not (accused_product or "").strip():
        raise EvidenceError(_l("Name the asserted claim and the accused product."))
    chart = ClaimChart(
        case=case, claim=claim.strip()[:100], accused_product=accused_product.strip()[:200], created_by=user
    )
    db.session.add(chart)
    db.session.flush()
    record("claim_chart.created", chart, case=case, actor=user, details={"claim": chart.claim})
    return chart


def add_row(
    chart: ClaimChart, user, *, claim_feature: str, accused_feature: str, exhibit_id=None
) -> ClaimChartRow:
    """A feature of the claim against the accused product's feature, with the exhibit that shows it."""
    _claimant(chart.case, user)
    _require_open(chart.case)
    if chart.state != ChartState.DRAFT:
        raise EvidenceError(_l("The claim chart has been submitted; its rows can no longer change."))
    if not (claim_feature or "").strip() or not (accused_feature or "").strip():
        raise EvidenceError(_l("Describe both the claimed feature and the accused product's feature."))
    exhibit = None
    if exhibit_id:
        exhibit = db.session.get(Exhibit, exhibit_id)
        if exhibit is None or exhibit.case_id != chart.case_id or exhibit.side != Side.CLAIMANT:
            raise EvidenceError(_l("Choose one of the claimant's exhibits in this case."))
    position = (
        db.session.scalar(
            sa.select(sa.func.max(ClaimChartRow.position)).where(ClaimChartRow.chart_id == chart.id)
        )
        or 0
    ) + 1
    row = ClaimChartRow(
        chart=chart,
        position=position,
        claim_feature=claim_feature.strip(),
        accused_feature=accused_feature.strip(),
        exhibit=exhibit,
    )
    db.session.add(row)
    db.session.flush()
    return row


def remove_row(row: ClaimChartRow, user):
    _claimant(row.chart.case, user)
    if row.chart.state != ChartState.DRAFT:
        raise EvidenceError(_l("The claim chart has been submitted; its rows can no longer change."))
    chart = row.chart
    chart.rows.remove(row)  # deleted with the chart's delete-orphan cascade
    db.session.flush()
    # The rows after it move up, so the chart's features stay numbered 1, 2, 3 with no gap.
    for position, remaining in enumerate(sorted(chart.rows, key=lambda r: r.position), start=1):
        if remaining.position != position:
            remaining.position = position
            db.session.flush()


def submit(chart: ClaimChart, user):
    """Send the chart to the respondent; every exhibit it cites must have been shared with them."""
    if not chart.rows:
        raise EvidenceError(_l("Add at least one feature before submitting the claim chart."))
    unshared = sorted(
        {r.exhibit.number for r in chart.rows if r.exhibit and r.exhibit.visibility != Visibility.SHARED}
    )
    if unshared:
        raise EvidenceError(
            _l("Share these exhibits with the other side first: %(numbers)s.", numbers=", ".join(unshared))
        )
    _move(chart, user, "submit")
    chart.submitted_at = utcnow()
    record("claim_chart.submitted", chart, case=chart.case, actor=user, details={"rows": len(chart.rows)})
    notices.chart_submitted(chart)


def answer_row(row: ClaimChartRow, user, position: str, reason: str | None):
    """The respondent agrees with a row or disputes it, with reasons."""
    chart = row.chart
    if side_of(chart.case, user) != Side.RESPONDENT:
        raise EvidenceError(_l("Only the respondent answers the claim chart."))
    if chart.state != ChartState.SUBMITTED:
        raise EvidenceError(
            _l("The claim chart is %(state)s; that is not possible now.", state=chart.state.label)
        )
    _require_open(chart.case)
    position = RowPosition(position)
    reason = (reason or "").strip() or None
    if position == RowPosition.DISPUTED and reason is None:
        raise EvidenceError(_l("Give your reasons for disputing this feature."))
    row.respondent_position = position
    row.respondent_reason = reason
    record(
        "claim_chart.row_answered",
        chart,
        case=chart.case,
        actor=user,
        details={"row": row.position, "position": position.value, "reason": reason},
    )


def complete(chart: ClaimChart, user):
    """The respondent has answered every row: the chart goes back to the claimant and the neutrals."""
    if side_of(chart.case, user) == Side.RESPONDENT and any(
        r.respondent_position is None for r in chart.rows
    ):
        raise EvidenceError(_l("Answer every row before sending the claim chart back."))
    _move(chart, user, "complete")
    chart.answered_at = utcnow()
    summary = {p.value: sum(1 for r in chart.rows if r.respondent_position == p) for p in RowPosition}
    record("claim_chart.answered", chart, case=chart.case, actor=user, details=summary)
    notices.chart_answered(chart)


def comment_row(row: ClaimChartRow, user, comment: str):
    """The technical investigator's comment on a row."""
    chart = row.chart
    if Capacity.TECHNICAL_INVESTIGATOR not in capacities(chart.case, user):
        raise EvidenceError(_l("Only the case's technical investigator comments on the claim chart."))
    _require_open(chart.case)
    comment = (comment or "").strip()
    if not comment:
        raise EvidenceError(_l("Write the comment."))
    row.investigator_comment = comment
    row.investigator = user
    record(
        "claim_chart.commented",
        chart,
        case=chart.case,
        actor=user,
        details={"row": row.position, "comment": comment},
    )


def chart_data(chart: ClaimChart) -> dict:
    """The plain data the chart's PDF is made from."""
    case = chart.case
    return {
        "case_number": case.number or "（尚未编号）",
        "case_title": case.title,
        "right_number": case.right_number,
        "claim": chart.claim,
        "accused_product": chart.accused_product,
        "state_label": zh(chart.state),
        "made_at": chart.answered_at or chart.submitted_at or chart.created_at,
        "rows": [
            {
                "claim_feature": r.claim_feature,
                "accused_feature": r.accused_feature,
                "exhibit": f"{r.exhibit.number_zh} {r.exhibit.title}" if r.exhibit else "",
                "position_label": zh(r.respondent_position) if r.respondent_position else "",
                "reason": r.respondent_reason or "",
                "comment": r.investigator_comment or "",
            }
            for r in chart.rows
        ],
    }
