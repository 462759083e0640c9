"""Shared set-up for the arbitration tests: a commission with its clerk, a panel of arbitrators, and a
case whose mediation failed."""

from datetime import timedelta

import pytest
from freezegun import freeze_time

from odr.accounts.models import OrgKind, Role
from odr.arbitration import operations as arb_ops
from odr.arbitration import tribunal
from odr.cases import workflow as case_workflow
from odr.cases.workflow import Action, Capacity
from odr.experts.models import ExpertProfile
from tests.agreement_support import T0

BASIS = "双方于2026年11月签订的《商标许可合同》第十二条约定：因本合同发生的争议，提交梧州仲裁委员会仲裁。"


@pytest.fixture
def commission(make_org):
    return make_org(OrgKind.ARBITRATION_COMMISSION, name="梧州仲裁委员会（测试）")


@pytest.fixture
def commission_clerk(make_user, commission):
    return make_user(Role.CLERK, organisation=commission, name="仲裁秘书")


@pytest.fixture
def panel(db, make_user):
    """Four arbitrators on the panel, with profiles the ranking reads."""
    people = []
    for n in range(4):
        user = make_user(Role.ARBITRATOR, name=f"仲裁员{n + 1}")
        db.session.add(ExpertProfile(user=user, specialties=["trademark"], max_open_cases=10))
        people.append(user)
    db.session.flush()
    return people


@pytest.fixture
def failed_case(in_mediation):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0 - timedelta(days=1)):
        case_workflow.apply(case, Action.TERMINATE, actor=mediator, capacity=Capacity.MEDIATOR)
    return case


def accepted_arbitration(failed_case, claimant, commission, commission_clerk, *, expedited=True, when=T0):
    with freeze_time(when):
        arbitration = arb_ops.start_from_mediation(
            failed_case,
            claimant,
            commission_id=commission.id,
            basis=BASIS,
            claims="1. 赔偿50000元\n2. 停止侵权",
        )
        arb_ops.accept(arbitration, commission_clerk, expedited=expedited)
    return arbitration


def seat_and_accept(arbitration, by, role, arbitrator, when):
    from tests.conftest import PASSWORD

    with freeze_time(when):
        seat = tribunal.nominate(arbitration, by, role, arbitrator)
        if seat is not None:
            tribunal.answer_seat(seat, arbitrator, accept=True, password=PASSWORD, disclosure="无")
    return seat


def review_and_sign(award, commission_clerk, arbitrators, when, remarks=""):
    """The commission reviews the draft, then each of ARBITRATORS signs it with their password."""
    from odr.arbitration import awards
    from tests.conftest import PASSWORD

    with freeze_time(when):
        awards.review_award(award, commission_clerk, remarks=remarks)
        for arbitrator in arbitrators:
            awards.sign_award(award, arbitrator, password=PASSWORD)
    return award
