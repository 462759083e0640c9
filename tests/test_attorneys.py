"""Agents act under a power of attorney the clerk approved; settling needs special authority."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import PartyKind, Role
from odr.agreements import confirmation
from odr.agreements.models import AgreementState, Signature, SignerCapacity
from odr.audit.models import AuditEntry
from odr.cases.models import PowerOfAttorney, PowerState
from tests.agreement_support import T0, draft_and_finalise
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lawyer(make_user):
    return make_user(Role.PARTY, party_kind=PartyKind.PERSON, name="张律师", email="zhang@lawfirm.cn")


def file_power(client, case, email, scope):
    return client.post(
        f"/cases/{case.id}/attorneys",
        data={
            "poa-agent_email": email,
            "poa-scope": scope,
            "poa-document": (io.BytesIO(PDF), "授权委托书.pdf"),
        },
        content_type="multipart/form-data",
        headers=EN,
        follow_redirects=True,
    )


def approve(client, case, power, decision, reason="授权委托书经核对，委托权限与所选一致"):
    return client.post(
        f"/cases/{case.id}/attorneys/{power.id}/decide",
        data={f"poa{power.id}-decision": decision, f"poa{power.id}-reason": reason},
        headers=EN,
        follow_redirects=True,
    )


def power_for(db, lawyer):
    return db.session.scalar(
        sa.select(PowerOfAttorney)
        .where(PowerOfAttorney.agent_id == lawyer.id)
        .order_by(PowerOfAttorney.id.desc())
    )


def sign_as(client, agreement):
    return client.post(
        f"/agreements/{agreement.id}/sign",
        data={"sign-version_id": agreement.final_version_id, "sign-confirm": "y", "sign-password": PASSWORD},
        headers=EN,
        follow_redirects=True,
    )


def test_an_agent_sees_the_case_only_once_the_clerk_approves(
    db, make_client, in_mediation, respondent, clerk, lawyer
):
    case = in_mediation["case"]
    agent = make_client(lawyer)
    assert agent.get(f"/cases/{case.id}").status_code == 404
    file_power(make_client(respondent), case, lawyer.email, "general")
    power = power_for(db, lawyer)
    assert power.state == PowerState.PENDING
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "case.power_of_attorney_filed")
    )
    assert entry.data["sha256"] == power.sha256
    assert agent.get(f"/cases/{case.id}").status_code == 404  # not before the clerk's decision
    clerk_client = make_client(clerk)
    document = clerk_client.get(f"/cases/{case.id}/attorneys/{power.id}/document")
    assert document.status_code == 200 and document.data == PDF
    document.close()
    assert (
        make_client(in_mediation["mediator"])
        .get(f"/cases/{case.id}/attorneys/{power.id}/document")
        .status_code
        == 403
    )
    approve(clerk_client, case, power, "general")
    assert power.state == PowerState.APPROVED and power.decided_by_id == clerk.id
    page = agent.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "You act for" in page and "general authority" in page.lower()
    assert case.title in agent.get("/cases", headers=EN).get_data(as_text=True)


def test_an_agent_without_special_authority_cannot_sign_or_apply(
    db, make_client, in_mediation, claimant, respondent, clerk, lawyer, courts
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    file_power(make_client(respondent), case, lawyer.email, "special")
    approve(make_client(clerk), case, power_for(db, lawyer), "general")  # the letter grants general only
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
    with freeze_time(T0 + timedelta(hours=1)):  # (a session cookie signed later would not be read now)
        page = sign_as(make_client(lawyer), agreement).get_data(as_text=True)
    assert "general authority only" in page and "Civil Procedure Law art. 62" in page
    assert not db.session.scalars(sa.select(Signature).where(Signature.signer_id == lawyer.id)).all()


def test_an_agent_with_special_authority_signs_as_the_agent(
    db, make_client, in_mediation, claimant, respondent, clerk, lawyer, courts
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    file_power(make_client(respondent), case, lawyer.email, "special")
    approve(make_client(clerk), case, power_for(db, lawyer), "special")
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        sign_as(make_client(lawyer), agreement)
        [signature] = db.session.scalars(sa.select(Signature).where(Signature.signer_id == lawyer.id)).all()
        assert signature.capacity == SignerCapacity.AGENT and signature.party_id == case.respondents[0].id
        sign_as(make_client(claimant), agreement)
        sign_as(make_client(mediator), agreement)
    assert agreement.state == AgreementState.EFFECTIVE
    with freeze_time(T0 + timedelta(days=1)):
        application = confirmation.apply_for_confirmation(
            agreement,
            claimant,
            court_id=courts["wanxiu"].id,
            facts_and_reasons="双方自愿达成协议，请求确认。",
        )
        confirmation.join(application, lawyer)
    assert application.submitted_at is not None


def test_a_general_agent_cannot_join_the_application_for_confirmation(
    db, make_client, effective, claimant, respondent, clerk, lawyer, courts
):
    case = effective.case
    file_power(make_client(respondent), case, lawyer.email, "general")
    approve(make_client(clerk), case, power_for(db, lawyer), "general")
    with freeze_time(T0 + timedelta(days=1)):
        application = confirmation.apply_for_confirmation(
            effective, claimant, court_id=courts["wanxiu"].id, facts_and_reasons="请求确认。"
        )
        page = (
            make_client(lawyer)
            .post(f"/confirmations/{application.id}/join", headers=EN, follow_redirects=True)
            .get_data(as_text=True)
        )
    assert "consenting to the application for judicial confirmation needs special authority" in page
    assert application.submitted_at is None and effective.state == AgreementState.EFFECTIVE


def test_only_a_verified_person_is_appointed_and_the_clerk_may_reject(
    db, make_client, in_mediation, respondent, clerk, make_user, lawyer
):
    case = in_mediation["case"]
    unverified = make_user(Role.PARTY, party_kind=PartyKind.PERSON, verified=False)
    page = file_power(make_client(respondent), case, unverified.email, "special").get_data(as_text=True)
    assert "has not been verified yet" in page and power_for(db, unverified) is None
    page = file_power(make_client(respondent), case, "nobody@nowhere.cn", "special").get_data(as_text=True)
    assert "No account uses the e-mail" in page
    file_power(make_client(respondent), case, lawyer.email, "special")
    power = power_for(db, lawyer)
    # Only the clerk decides; the agent cannot approve itself.
    approve(make_client(lawyer), case, power, "special")
    assert power.state == PowerState.PENDING
    approve(make_client(clerk), case, power, "rejected", reason="委托书未盖公章")
    assert power.state == PowerState.REJECTED and power.reason == "委托书未盖公章"
    assert make_client(lawyer).get(f"/cases/{case.id}").status_code == 404


def test_a_revoked_power_ends_the_agents_access(db, make_client, in_mediation, respondent, clerk, lawyer):
    case = in_mediation["case"]
    file_power(make_client(respondent), case, lawyer.email, "general")
    power = power_for(db, lawyer)
    approve(make_client(clerk), case, power, "general")
    assert make_client(lawyer).get(f"/cases/{case.id}").status_code == 200
    make_client(respondent).post(
        f"/cases/{case.id}/attorneys/{power.id}/revoke", data={f"rev{power.id}-reason": "解除委托"}
    )
    assert power.state == PowerState.REVOKED
    assert make_client(lawyer).get(f"/cases/{case.id}").status_code == 404
