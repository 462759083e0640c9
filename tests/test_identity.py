"""Who acts for a party is verified: squatting on a credit code gets nothing; each path links."""

import io
import re

import sqlalchemy as sa

from odr.accounts.models import PartyKind, Role
from odr.audit.models import AuditEntry
from odr.cases import operations
from odr.cases.models import Answer, CaseState
from odr.identity.models import IdentityVerification, VerificationState
from odr.notifications.mail import OutboxMail
from tests.conftest import respondent_data, valid_uscc

EN = {"Accept-Language": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, **files):
    data = {name: (io.BytesIO(content), f"{name}.pdf") for name, content in files.items()}
    return client.post("/account/identity", data=data, content_type="multipart/form-data", headers=EN)


def decide(client, request_id, decision, reason="营业执照与统一社会信用代码一致"):
    return client.post(
        f"/identity/requests/{request_id}",
        data={"decision": decision, "reason": reason},
        headers=EN,
        follow_redirects=True,
    )


def pending_of(db, user):
    return db.session.scalar(
        sa.select(IdentityVerification).where(
            IdentityVerification.user_id == user.id, IdentityVerification.state == VerificationState.PENDING
        )
    )


def test_an_unverified_account_matching_the_code_sees_nothing_and_cannot_act(
    client, db, make_case, make_user, clerk
):
    code = valid_uscc(7001)
    squatter = make_user(Role.PARTY, credit_code=code, verified=False, name="冒名商行")
    case = make_case(
        respondents=[respondent_data(name="苍梧县真商行", credit_code=code, email="boss@real.cn")]
    )
    invitations = operations.accept_case(case, clerk)
    db.session.flush()
    assert case.respondents[0].user_id is None and len(invitations) == 1
    client.login(squatter)
    page = client.get(f"/cases/{case.id}", headers=EN)
    assert page.status_code == 404 and case.facts not in page.get_data(as_text=True)
    assert case.title not in client.get("/cases", headers=EN).get_data(as_text=True)
    client.post(f"/cases/{case.id}/answer", data={"answer-decision": "consent"}, headers=EN)
    assert case.state == CaseState.AWAITING_RESPONDENT and case.respondents[0].answer == Answer.PENDING
    # The invitation went to the contact the claimant gave, not to the squatter.
    mails = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.to_address == "boss@real.cn")).all()
    assert len(mails) == 1 and "/invite/" in mails[0].body
    assert not db.session.scalar(sa.select(OutboxMail).where(OutboxMail.to_address == squatter.email))


def test_clerk_verified_documents_link_the_account(client, make_client, db, make_case, make_user, clerk):
    code = valid_uscc(7002)
    case = make_case(respondents=[respondent_data(name="苍梧县真商行", credit_code=code)])
    operations.accept_case(case, clerk)
    company = make_user(Role.PARTY, credit_code=code, verified=False, name="苍梧县真商行")
    client.login(company)
    refused = upload(client, business_licence=PDF)
    assert "still missing" in refused.get_data(as_text=True)
    assert pending_of(db, company) is None
    upload(client, business_licence=PDF, representative_identity=PNG)
    request = pending_of(db, company)
    assert request is not None and len(request.documents) == 2
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "identity.document_uploaded")
    ).all()
    assert {d.sha256 for d in request.documents} <= {e.data["sha256"] for e in entries}
    # Still nothing of the case before the clerk decides.
    assert client.get(f"/cases/{case.id}").status_code == 404
    # The documents are for clerks only.
    doc = request.documents[0]
    assert client.get(f"/identity/documents/{doc.id}").status_code == 403
    mediator = make_user(Role.MEDIATOR)
    assert make_client(mediator).get(f"/identity/documents/{doc.id}").status_code == 403
    clerk_client = make_client(clerk)
    download = clerk_client.get(f"/identity/documents/{doc.id}")
    assert download.status_code == 200 and download.data in (PDF, PNG)
    download.close()
    assert "苍梧县真商行" in clerk_client.get("/identity/queue").get_data(as_text=True)
    clerk.locale = "zh_CN"  # a person or a company, not the kind of an organisation ("机构类型")
    review = clerk_client.get(f"/identity/requests/{request.id}").get_data(as_text=True)
    assert "当事人类型" in review and "机构类型" not in review
    clerk.locale = "en"
    no_reason = decide(clerk_client, request.id, "verify", reason="")
    assert "required" in no_reason.get_data(as_text=True) and company.verified_number is None
    decide(clerk_client, request.id, "verify")
    assert company.verified_number == code
    assert case.respondents[0].user_id == company.id
    assert client.get(f"/cases/{case.id}").status_code == 200
    client.post(f"/cases/{case.id}/answer", data={"answer-decision": "consent"})
    assert case.state == CaseState.AWAITING_MEDIATOR


def test_a_rejected_request_links_nothing_and_says_why(client, make_client, db, make_case, make_user, clerk):
    code = valid_uscc(7003)
    case = make_case(respondents=[respondent_data(credit_code=code)])
    operations.accept_case(case, clerk)
    company = make_user(Role.PARTY, credit_code=code, verified=False)
    client.login(company)
    upload(client, business_licence=PDF, authorisation_letter=PDF)
    request = pending_of(db, company)
    decide(make_client(clerk), request.id, "reject", reason="执照上的名称与账户不符")
    assert request.state == VerificationState.REJECTED and company.verified_number is None
    assert case.respondents[0].user_id is None
    assert "执照上的名称与账户不符" in client.get("/account/identity", headers=EN).get_data(as_text=True)


def test_the_invitation_link_sent_to_the_contact_links_an_existing_account(
    client, db, make_case, make_user, clerk
):
    code = valid_uscc(7004)
    case = make_case(respondents=[respondent_data(credit_code=code, email="legal@real.cn")])
    operations.accept_case(case, clerk)
    [mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.to_address == "legal@real.cn")).all()
    token = re.search(r"/invite/([\w-]+)", mail.body).group(1)
    other = make_user(Role.PARTY, verified=False)  # an account of another company
    client.login(other)
    refused = client.post(f"/invite/{token}", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "registered with another number" in refused and case.respondents[0].user_id is None
    holder = make_user(Role.PARTY, credit_code=code, verified=False)
    client.login(holder)
    client.post(f"/invite/{token}")
    assert case.respondents[0].user_id == holder.id
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert client.get(f"/invite/{token}").status_code == 410  # single use


def test_a_second_claim_on_a_code_goes_to_the_clerk_as_a_conflict(
    client, make_client, db, make_case, make_user, clerk
):
    code = valid_uscc(7005)
    case = make_case(respondents=[respondent_data(credit_code=code)])
    operations.accept_case(case, clerk)
    first = make_user(Role.PARTY, credit_code=code, verified=False, email="first@a.cn")
    second = make_user(Role.PARTY, credit_code=code, verified=False, email="second@b.cn")
    for account in (first, second):
        client.login(account)
        upload(client, business_licence=PDF, representative_identity=PDF)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "identity.conflict"))
    clerk_client = make_client(clerk)
    queue = clerk_client.get("/identity/queue", headers=EN).get_data(as_text=True)
    assert queue.count('data-testid="conflict"') == 2
    # Neither sees anything of the case until the clerk decides.
    for account in (first, second):
        assert make_client(account).get(f"/cases/{case.id}").status_code == 404
    decide(clerk_client, pending_of(db, second).id, "verify")
    assert case.respondents[0].user_id == second.id
    second_request = pending_of(db, first)
    page = decide(clerk_client, second_request.id, "verify").get_data(as_text=True)
    assert "already verified for the account second@b.cn" in page
    assert first.verified_number is None and make_client(first).get(f"/cases/{case.id}").status_code == 404
    # The documents showed the first was right: revoke the second, verify the first.
    clerk_client.post(f"/identity/users/{second.id}/revoke", data={"revoke-reason": "执照属于另一账户"})
    assert second.verified_number is None and case.respondents[0].user_id is None
    decide(clerk_client, second_request.id, "verify")
    assert case.respondents[0].user_id == first.id


def test_a_claim_is_accepted_only_once_the_claimant_is_verified(
    client, make_client, db, make_user, mediation_org, clerk, make_case
):
    claimant = make_user(Role.PARTY, verified=False, name="新注册公司", party_kind=PartyKind.COMPANY)
    case = make_case(filer=claimant)
    clerk_client = make_client(clerk)
    page = clerk_client.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "No documents uploaded yet" in page
    refused = clerk_client.post(
        f"/cases/{case.id}/accept", data={"track": "simple"}, headers=EN, follow_redirects=True
    )
    assert "Verify the identity of 新注册公司 first" in refused.get_data(as_text=True)
    assert case.state == CaseState.SUBMITTED and case.number is None
    client.login(claimant)
    assert client.get(f"/cases/{case.id}").status_code == 200  # the filer sees its own filing
    upload(client, business_licence=PDF, representative_identity=PDF)
    decide(clerk_client, pending_of(db, claimant).id, "verify")
    clerk_client.post(f"/cases/{case.id}/accept", data={"track": "simple"})
    assert case.state == CaseState.AWAITING_RESPONDENT
