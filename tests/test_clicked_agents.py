"""Who acts for a party, as the case page's forms are posted (tests/form_support.py): the party names
its agent with special authority and uploads the power of attorney, the clerk approves it, the agent
signs the agreement from the version page; the clerk records a company's legal representative."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import PartyKind, Role
from odr.agreements.models import Signature, SignerCapacity
from odr.cases.models import AttorneyScope, PowerOfAttorney, PowerState
from odr.extensions import db
from tests.agreement_support import T0, draft_and_finalise
from tests.conftest import PASSWORD
from tests.form_support import alerts, follow, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lawyer(make_user):
    return make_user(Role.PARTY, party_kind=PartyKind.PERSON, name="张律师", email="zhang@lawfirm.cn")


def test_a_party_names_an_agent_with_special_authority_who_then_signs(
    in_mediation, respondent, clerk, lawyer, make_client
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    case_page = f"/cases/{case.id}"
    respondent.locale = "zh_CN"
    party = make_client(respondent)
    appoint = {"poa-agent_email": "zhang@lawfirm", "poa-scope": AttorneyScope.SPECIAL.value}
    page = follow(
        party, submit(party, case_page, button="提交授权委托书", values=appoint, upload=("委托书.pdf", PDF))
    )
    assert "danger: 代理人的电子邮箱（其在平台的账户）: 请输入有效的电子邮箱地址。" in alerts(page)
    appoint["poa-agent_email"] = "Zhang@LawFirm.cn"
    page = follow(party, submit(party, case_page, button="提交授权委托书", values=appoint))
    assert "danger: 请上传已签署的授权委托书。" in alerts(page)
    assert db.session.scalar(sa.select(sa.func.count(PowerOfAttorney.id))) == 0
    page = follow(
        party, submit(party, case_page, button="提交授权委托书", values=appoint, upload=("委托书.pdf", PDF))
    )
    assert "success: 授权委托书已提交，书记员将进行审核。" in alerts(page)
    power = db.session.scalar(sa.select(PowerOfAttorney))
    assert power.agent_id == lawyer.id and power.scope == AttorneyScope.SPECIAL

    desk = make_client(clerk)
    decide = f"/attorneys/{power.id}/decide"
    page = follow(desk, submit(desk, case_page, action=decide, values={f"poa{power.id}-decision": "special"}))
    assert any(a.startswith("danger: Reason (kept with the decision)") for a in alerts(page))
    assert power.state == PowerState.PENDING
    document = desk.get(f"/cases/{case.id}/attorneys/{power.id}/document")
    assert document.status_code == 200 and document.data == PDF
    document.close()
    page = follow(
        desk,
        submit(
            desk,
            case_page,
            action=decide,
            values={
                f"poa{power.id}-decision": "special",
                f"poa{power.id}-reason": "委托书载明特别授权，已核对。",
            },
        ),
    )
    assert "success: The power of attorney has been approved." in alerts(page)
    assert power.state == PowerState.APPROVED and power.scope == AttorneyScope.SPECIAL

    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
    with freeze_time(T0 + timedelta(hours=1)):
        agent = make_client(lawyer)
        acting = agent.get(case_page).get_data(as_text=True).split('data-testid="acting-as"')[1][:400]
        assert "special authority" in acting and "need special authority" not in acting
        version = f"/agreements/{agreement.id}/versions/{agreement.final_version.number}"
        refused = follow(
            agent, submit(agent, version, testid="sign-form", values={"sign-password": PASSWORD})
        )
        assert any("Confirm that you have read the agreement" in a for a in alerts(refused))
        signed = submit(
            agent, version, testid="sign-form", values={"sign-password": PASSWORD, "sign-confirm": "y"}
        )
        assert "success: Signed. Your signature is bound to the document's fingerprint." in alerts(
            follow(agent, signed)
        )
    [signature] = db.session.scalars(sa.select(Signature).where(Signature.signer_id == lawyer.id)).all()
    assert signature.capacity == SignerCapacity.AGENT and signature.party_id == case.respondents[0].id


def test_the_clerk_records_a_companys_legal_representative(make_case, clerk, make_client):
    from odr.cases import operations as case_ops

    case = make_case(respondents=[{"kind": "company", "name": "梧州某商行", "representative": None}])
    case_ops.accept_case(case, clerk)
    party = case.respondents[0]
    clerk.locale = "zh_CN"
    desk = make_client(clerk)
    case_page = f"/cases/{case.id}"
    action = f"/parties/{party.id}/representative"
    page = follow(desk, submit(desk, case_page, action=action))
    assert "danger: 姓名: 此项为必填项。" in alerts(page) and party.representative is None
    page = follow(desk, submit(desk, case_page, action=action, values={f"rep{party.id}-name": "周建国"}))
    assert "success: 已登记梧州某商行的法定代表人。" in alerts(page)
    assert party.representative == "周建国"
    assert "周建国" in page.split('data-testid="representative"')[-1][:300]
