"""Shared set-up for the agreement tests: a case in mediation, a typical draft, a signed agreement."""

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time

from odr.accounts.models import OrgKind, Role
from odr.agreements import confirmation, operations
from odr.cases import operations as case_ops
from odr.experts import operations as expert_ops
from odr.experts.models import ExpertProfile, Seat

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
D0 = date(2026, 12, 1)


def day(n: int) -> str:
    return (D0 + timedelta(days=n)).isoformat()


def standard_items(case) -> list[dict]:
    claimant, respondent = case.claimants[0], case.respondents[0]
    return [
        {
            "key": "payment",
            "values": {
                "debtor": str(respondent.id),
                "creditor": str(claimant.id),
                "amount": "30000.00",
                "due": day(20),
                "purpose": "赔偿经济损失及维权合理开支",
                "method": "银行转账",
            },
        },
        {
            "key": "remove_listings",
            "values": {
                "debtor": str(respondent.id),
                "creditor": str(claimant.id),
                "platform": "淘宝网",
                "links": "https://item.taobao.com/item.htm?id=1\nhttps://item.taobao.com/item.htm?id=2",
                "due": day(5),
            },
        },
        {"key": "costs", "values": {"allocation": "调解费用由被申请人承担。"}},
    ]


@pytest.fixture
def courts(make_org):
    return {
        "intermediate": make_org(
            OrgKind.INTERMEDIATE_COURT, name="梧州市中级人民法院（测试）", region="梧州市"
        ),
        "wanxiu": make_org(
            OrgKind.BASIC_COURT, name="梧州市万秀区人民法院（测试）", region="广西壮族自治区梧州市万秀区"
        ),
        "cenxi": make_org(OrgKind.BASIC_COURT, name="岑溪市人民法院（测试）", region="梧州市岑溪市"),
    }


@pytest.fixture
def liaison(make_user, courts):
    return make_user(Role.COURT_LIAISON, organisation=courts["wanxiu"], name="覃助理")


@pytest.fixture
def in_mediation(db, make_case, clerk, respondent, make_user, mediation_org, courts):
    """A trademark case in mediation, its mediator accepted; the mediation organisation is in 万秀区."""
    mediation_org.region = "广西壮族自治区梧州市"
    mediation_org.address = "梧州市万秀区新兴二路1号"
    with freeze_time(T0 - timedelta(days=5)):
        case = make_case(respondents=[respondent], ip_type="trademark")
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=True)
        mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="黄调解员")
        db.session.add(ExpertProfile(user=mediator, specialties=["trademark"], max_open_cases=5))
        db.session.flush()
        expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
    return {"case": case, "mediator": mediator}


def draft_and_finalise(case, mediator, items=None):
    agreement = operations.start_agreement(case, mediator)
    operations.save_version(
        agreement, mediator, facts="双方就商标侵权达成一致。", items=items or standard_items(case)
    )
    operations.share_version(agreement, mediator)
    operations.finalise(agreement, mediator)
    return agreement


def sign_all(agreement, users):
    from tests.conftest import PASSWORD

    for user in users:
        operations.sign(
            agreement, user, version_id=agreement.final_version_id, password=PASSWORD, ip_address="10.0.0.8"
        )


@pytest.fixture
def effective(in_mediation, claimant, respondent):
    """An effective agreement signed at T0."""
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        sign_all(agreement, [claimant, respondent, mediator])
    return agreement


def apply_jointly(agreement, claimant, respondent, court, when=T0 + timedelta(days=2)):
    with freeze_time(when):
        application = confirmation.apply_for_confirmation(
            agreement, claimant, court_id=court.id, facts_and_reasons="双方经调解自愿达成协议，请求确认。"
        )
        confirmation.join(application, respondent)
    return application
