"""An organisation acts through a named natural person (Civil Procedure Law art. 51): its legal
representative, recorded at filing, when answering or on the case page, shown on the case; and whoever
signs the settlement or applies for its confirmation for a company is recorded at signing, in what
capacity, and printed in the agreement and the application (a 委托代理人 only with special authority)."""

import html
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.agreements import confirmation, documents, operations
from odr.agreements.models import AgreementState
from odr.agreements.operations import AgreementError
from odr.audit.models import AuditEntry
from odr.cases.models import Case, RepresentativeTitle
from odr.core import storage
from tests.agreement_support import T0, draft_and_finalise
from tests.conftest import PASSWORD
from tests.test_attorneys import approve, file_power, power_for, sign_as
from tests.test_cases import filing

EN = {"Accept-Language": "en"}


@pytest.fixture
def lawyer(make_user):
    from odr.accounts.models import PartyKind, Role

    return make_user(Role.PARTY, party_kind=PartyKind.PERSON, name="张律师", email="zhang@lawfirm.cn")


def pdf_text(data: bytes) -> str:
    """The text of a PDF as pdftotext lays it out, the way a clerk reads the page."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def test_a_company_files_naming_its_legal_representative_shown_on_the_case_page(
    client, db, claimant, mediation_org
):
    client.login(claimant)
    for name, message in [
        ("", "Give the name of your organisation's legal representative"),
        ("张三123", "Give a person's name"),
        (claimant.name, "not the organisation's own name"),
        ("张", "2 to 50 characters"),
    ]:
        page = client.post("/cases/new", data=filing(mediation_org, representative=name), headers=EN)
        assert page.status_code == 200 and message in html.unescape(page.text), name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    response = client.post(
        "/cases/new",
        data=filing(
            mediation_org,
            representative="陈茂生",
            representative_title="principal",
            address="广西壮族自治区梧州市万秀区新兴二路8号",
            **{"respondents-0-representative": "梁聚香"},
        ),
        headers=EN,
    )
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert (case.claimants[0].representative, case.claimants[0].representative_title) == (
        "陈茂生",
        RepresentativeTitle.PRINCIPAL,
    )
    assert case.respondents[0].representative == "梁聚香"
    assert (
        case.claimants[0].address == "广西壮族自治区梧州市万秀区新兴二路8号"
    )  # printed as 住所 in the documents
    assert claimant.legal_representative == "陈茂生"  # offered again at the next filing
    page = client.get(f"/cases/{case.id}", headers=EN).text
    assert "Principal person in charge: 陈茂生" in page and "Legal representative: 梁聚香" in page
    assert "陈茂生" in client.get("/cases/new", headers=EN).text


def test_a_natural_person_files_without_one(client, db, make_user, mediation_org):
    from odr.accounts.models import PartyKind, Role

    person = make_user(Role.PARTY, party_kind=PartyKind.PERSON, name="韦小明")
    client.login(person)
    response = client.post("/cases/new", data=filing(mediation_org, representative=""), headers=EN)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Case)).claimants[0].representative is None


def test_only_the_organisation_itself_or_the_clerk_records_its_representative(
    db, make_client, in_mediation, claimant, respondent, clerk
):
    case = in_mediation["case"]
    mine, theirs = case.claimants[0], case.respondents[0]
    url = f"/cases/{case.id}/parties/{mine.id}/representative"
    before = mine.representative
    page = make_client(respondent).post(
        url,
        data={f"rep{mine.id}-name": "王五", f"rep{mine.id}-title": "legal_representative"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Only 梧州茂圣六堡茶业有限公司 itself or the clerk of the case" in page.text
    assert mine.representative == before
    # The respondent's page offers a form for its own organisation only.
    page = make_client(respondent).get(f"/cases/{case.id}", headers=EN).text
    assert f"/parties/{theirs.id}/representative" in page and url not in page

    page = make_client(clerk).post(url, data={f"rep{mine.id}-name": "X1"}, headers=EN, follow_redirects=True)
    assert "Give a person's name" in html.unescape(page.text) and mine.representative == before
    page = make_client(claimant).post(
        url,
        data={f"rep{mine.id}-name": "陈茂生", f"rep{mine.id}-title": "legal_representative"},
        headers=EN,
        follow_redirects=True,
    )
    assert "The legal representative of 梧州茂圣六堡茶业有限公司 is recorded." in page.text
    assert mine.representative == "陈茂生" and "Legal representative: 陈茂生" in page.text
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "case.party_representative_recorded")
    )
    assert entry.data["name"] == "陈茂生" and entry.data["before"]["name"] == before


def test_a_company_signs_through_its_legal_representative_named_in_the_signed_agreement(
    db, make_client, in_mediation, claimant, respondent
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    case.claimants[0].representative = "陈茂生"
    case.respondents[0].representative = "梁聚香"
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        page = make_client(claimant).get(f"/agreements/{agreement.id}/versions/1", headers=EN).text
        assert "You sign for 梧州茂圣六堡茶业有限公司 through 陈茂生 (Legal representative)." in page
        sign_as(make_client(claimant), agreement)
        sign_as(make_client(respondent), agreement)
        sign_as(make_client(mediator), agreement)
    assert agreement.state == AgreementState.EFFECTIVE
    signatures = {s.party_id: s for s in agreement.final_version.signatures}
    first = signatures[case.claimants[0].id]
    assert (first.signatory_name, first.signatory_title) == ("陈茂生", "法定代表人")
    assert (signatures[None].signatory_name, signatures[None].signatory_title) == ("黄调解员", "调解员")
    unsigned = pdf_text(storage.read(agreement.final_version.pdf_sha256))
    assert "申请人法定代表人：陈茂生" in unsigned and "被申请人法定代表人：梁聚香" in unsigned
    assert "法定代表人：陈茂生。" in unsigned  # the parties block
    signed = pdf_text(storage.read(agreement.signed_pdf_sha256))
    page = signed.split("签署页")[-1]
    assert "申请人" in page and "法定代表人" in page and "陈茂生" in page and "梁聚香" in page
    assert claimant.name not in [line.strip() for line in page.splitlines()]  # the person, not the account
    version_page = make_client(claimant).get(f"/agreements/{agreement.id}/versions/1", headers=EN).text
    assert "梧州茂圣六堡茶业有限公司: 陈茂生 · Legal representative" in version_page


def test_a_company_with_no_representative_on_record_cannot_sign(db, make_client, in_mediation, respondent):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    party = case.respondents[0]
    party.representative = party.representative_title = None
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        client = make_client(respondent)
        assert (
            "No legal representative of 苍梧县聚香茶叶商行 is recorded"
            in client.get(f"/agreements/{agreement.id}/versions/1", headers=EN).text
        )
        page = sign_as(client, agreement).text
        assert "No legal representative of 苍梧县聚香茶叶商行 is recorded" in page
        assert not agreement.final_version.signatures
        # While the agreement waits for signatures, its parties stay as they read in it.
        page = client.post(
            f"/cases/{case.id}/parties/{party.id}/representative",
            data={f"rep{party.id}-name": "梁聚香"},
            headers=EN,
            follow_redirects=True,
        ).text
    assert "Ask the mediator to reopen it" in page and party.representative is None


def test_an_agent_signs_for_a_company_only_under_special_authority(
    db, make_client, in_mediation, claimant, respondent, clerk, lawyer, courts
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    file_power(make_client(respondent), case, lawyer.email, "general")
    approve(make_client(clerk), case, power_for(db, lawyer), "general")
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
    with freeze_time(T0 + timedelta(hours=1)):
        page = sign_as(make_client(lawyer), agreement).text
        assert "general authority only" in page
        assert not agreement.final_version.signatures
        # Nor does the mediator sign for a party.
        with pytest.raises(AgreementError, match=r"not for a party|不能代表当事人签署"):
            operations.sign(
                agreement,
                mediator,
                version_id=agreement.final_version_id,
                password=PASSWORD,
                capacity="party",
            )
    power = power_for(db, lawyer)
    make_client(respondent).post(
        f"/cases/{case.id}/attorneys/{power.id}/revoke", data={f"rev{power.id}-reason": "改为特别授权"}
    )
    file_power(make_client(respondent), case, lawyer.email, "special")
    approve(make_client(clerk), case, power_for(db, lawyer), "special")
    with freeze_time(T0 + timedelta(hours=2)):
        sign_as(make_client(lawyer), agreement)
        sign_as(make_client(claimant), agreement)
        sign_as(make_client(mediator), agreement)
    assert agreement.state == AgreementState.EFFECTIVE
    [by_agent] = [s for s in agreement.final_version.signatures if s.signer_id == lawyer.id]
    assert (by_agent.signatory_name, by_agent.signatory_title) == ("张律师", "委托代理人（特别授权）")
    assert documents.signature_data(by_agent)["capacity_label"] == "被申请人委托代理人（特别授权）"
    page = pdf_text(storage.read(agreement.signed_pdf_sha256)).split("签署页")[-1]
    assert "委托代理人" in page and "（特别授权）" in page and "张律师" in page

    # The application for confirmation names who applied and who joined for each company.
    with freeze_time(T0 + timedelta(days=1)):
        application = confirmation.apply_for_confirmation(
            agreement,
            claimant,
            court_id=courts["wanxiu"].id,
            facts_and_reasons="双方自愿达成协议，请求确认。",
        )
        confirmation.join(application, lawyer)
    text = pdf_text(storage.read(application.form_pdf_sha256))
    applicant = case.claimants[0]
    assert f"法定代表人：{applicant.representative}" in text
    assert "委托代理人（特别授权）：张律师" in text
    assert f"本申请由{applicant.name}（法定代表人{applicant.representative}）" in text.replace(
        "\n", ""
    ).replace(" ", "")
