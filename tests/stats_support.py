"""A constructed data set for the statistics tests: six cases of 2026 built through the
platform's own operations."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.agreements import confirmation, performance
from odr.cases import operations as case_ops
from odr.deadlines import operations as deadlines
from odr.experts import operations as expert_ops
from odr.experts.models import Seat
from odr.stats.facts import refresh
from odr.stats.models import StatsCaseFact, StatsDays, StatsFactOrg, StatsRollup, StatsState
from odr.survey import operations as survey_ops
from odr.survey.models import SurveyInvitation
from tests.agreement_support import T0, apply_jointly

SPRING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
GOOD = {"overall": 5, "fairness": 4, "professionalism": 5, "speed": 3, "cost": 4, "would_use_again": 5}


@pytest.fixture
def stats_data(
    db, effective, in_mediation, make_case, clerk, claimant, respondent, courts, liaison, make_user
):
    """Six cases of 2026: refused, declined, failed, withdrawn, silent respondent (in March), and a
    settlement confirmed by the 万秀 court and performed (filed 26 November)."""
    # Start the rollups from nothing: a test with real server processes (the scheduler) commits its
    # refresh point, past audit positions that this test's rolled-back chain then reuses.
    for model in (StatsDays, StatsRollup, StatsFactOrg, StatsCaseFact, StatsState):
        db.session.execute(sa.delete(model))
    with freeze_time(SPRING):
        refused = make_case(title="驳回", ip_type="geographical_indication")
        case_ops.refuse_case(refused, clerk, "不属于受理范围")
        declined = make_case(title="拒绝", respondents=[respondent], ip_type="trademark")
        case_ops.accept_case(declined, clerk)
        case_ops.answer_invitation(declined, respondent, consent=False, reason="不同意调解")
        failed = make_case(
            title="失败", respondents=[respondent], ip_type="trademark", claim_amount=Decimal("20000")
        )
        case_ops.accept_case(failed, clerk)
        case_ops.answer_invitation(failed, respondent, consent=True)
        mediator = in_mediation["mediator"]
        expert_ops.accept(expert_ops.propose(failed, Seat.MEDIATOR, mediator, actor=clerk), mediator)
        withdrawn = make_case(title="撤回", ip_type="geographical_indication")
        case_ops.withdraw_case(withdrawn, claimant, "已自行和解")
        silent = make_case(title="沉默", ip_type="geographical_indication", industry="electronics")
        case_ops.accept_case(silent, clerk)
    with freeze_time(SPRING + timedelta(days=10)):
        case_ops.terminate_mediation(failed, mediator, "分歧过大")
    db.session.commit()
    with freeze_time(SPRING + timedelta(days=30)):
        deadlines.sweep()  # the silent respondent's time runs out: a limit missed
    agreement = effective
    application = apply_jointly(agreement, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特1号")
    with freeze_time(T0 + timedelta(days=5)):
        confirmation.decide(
            application, liaison, confirm=True, ruling_number="（2026）桂0403民特1号", judge_name="黄法官"
        )
    with freeze_time(T0 + timedelta(days=6)):
        for obligation in performance.obligations_of(agreement):
            performance.report(obligation, respondent, text="已履行")
            performance.answer_report(obligation, claimant, accept=True)
    # The parties of the failed case and the performed one answer the survey (three answers).
    for case, users, when in (
        (failed, [claimant], SPRING + timedelta(days=11)),
        (agreement.case, [claimant, respondent], T0 + timedelta(days=7)),
    ):
        for user in users:
            invitation = db.session.scalar(
                sa.select(SurveyInvitation).where(
                    SurveyInvitation.case_id == case.id, SurveyInvitation.user_id == user.id
                )
            )
            with freeze_time(when):
                survey_ops.answer(invitation, user, GOOD)
    refresh()
    return {"settled": agreement.case, "failed": failed, "silent": silent, "court": courts["wanxiu"]}
