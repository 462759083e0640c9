"""The agreement pages as people use them: the editor, versions, signing, the court's queue and
decisions, downloads; and who may see what."""

import re
from datetime import timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.agreements import confirmation, operations
from odr.agreements.models import Agreement, AgreementState, ClauseTemplate
from tests.agreement_support import T0, apply_jointly, day, draft_and_finalise
from tests.conftest import PASSWORD


def editor_form(case, items, facts="双方确认的事实", extra=None):
    form = {"facts": facts, "note": "", "n": str(len(items)), "save": "1"}
    for i, item in enumerate(items):
        form[f"c-{i}-key"] = item["key"]
        form[f"c-{i}-order"] = str(i + 1)
        for name, value in item["values"].items():
            form[f"c-{i}-{name}"] = value
    form.update(extra or {})
    return form


def test_mediator_drafts_in_the_editor_and_errors_show_next_to_the_field(db, in_mediation, make_client):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):  # the session cookie is signed at the frozen time too
        client = make_client(mediator)
        response = client.post(f"/cases/{case.id}/agreement")
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.case_id == case.id))
        assert response.headers["Location"].endswith(f"/agreements/{agreement.id}/edit")
        page = client.get(f"/agreements/{agreement.id}/edit")
        assert page.status_code == 200 and "Add a clause" in page.text
        # Adding a clause shows its empty fields without saving anything.
        added = client.post(
            f"/agreements/{agreement.id}/edit",
            data={"facts": "f", "n": "0", "add": "1", "add_key": "payment"},
        )
        assert added.status_code == 200 and 'name="c-0-amount"' in added.text
        bad = {
            "key": "payment",
            "values": {
                "debtor": str(case.respondents[0].id),
                "creditor": str(case.claimants[0].id),
                "amount": "-100",
                "due": day(10),
                "purpose": "赔偿",
                "method": "转账",
            },
        }
        response = client.post(f"/agreements/{agreement.id}/edit", data=editor_form(case, [bad]))
        assert response.status_code == 200
        assert re.search(
            r'name="c-0-amount"[^>]*>\s*<div class="invalid-feedback">Enter an amount', response.text
        )
        assert 'value="赔偿"' in response.text  # what was typed is kept
        assert len(agreement.versions) == 1
        bad["values"]["amount"] = "12000"
        response = client.post(f"/agreements/{agreement.id}/edit", data=editor_form(case, [bad]))
        assert response.headers["Location"].endswith(f"/agreements/{agreement.id}/versions/1")
    assert [v.number for v in agreement.versions] == [1]  # choosing 起草 and saving once: version 1


def test_parties_cannot_open_the_editor(db, in_mediation, claimant, make_client):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
    assert make_client(claimant).get(f"/agreements/{agreement.id}/edit").status_code == 403


def test_sign_on_the_page_with_password_and_see_the_result(
    db, in_mediation, claimant, respondent, make_client
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        version = agreement.final_version
        client = make_client(claimant)
        page = client.get(f"/agreements/{agreement.id}/versions/{version.number}")
        assert 'data-testid="sign-form"' in page.text and version.pdf_sha256 in page.text
        form = {"sign-version_id": str(version.id), "sign-confirm": "y", "sign-password": "wrong"}
        client.post(f"/agreements/{agreement.id}/sign", data=form)
        shown = client.get(f"/agreements/{agreement.id}/versions/{version.number}")
        assert "The password is not correct" in shown.text
        assert version.signatures == []
        form["sign-password"] = PASSWORD
        assert client.post(f"/agreements/{agreement.id}/sign", data=form).status_code == 302
        make_client(respondent).post(f"/agreements/{agreement.id}/sign", data=form)
        make_client(mediator).post(f"/agreements/{agreement.id}/sign", data=form)
    assert agreement.state == AgreementState.EFFECTIVE
    client = make_client(claimant)
    case_page = client.get(f"/cases/{case.id}")
    assert 'data-state="effective"' in case_page.text and "Apply for judicial confirmation" in case_page.text
    pdf = client.get(f"/agreements/{agreement.id}/signed.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    pdf.close()


def test_compare_shows_what_changed(db, in_mediation, make_client):
    from tests.agreement_support import standard_items

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        operations.save_version(agreement, mediator, facts="f", items=standard_items(case))
        items = standard_items(case)
        items[0]["values"]["amount"] = "45000"
        operations.save_version(agreement, mediator, facts="f", items=items)
        page = make_client(mediator).get(f"/agreements/{agreement.id}/compare?a=1&b=2")
    assert page.status_code == 200
    assert re.search(r'class="diff-removed">.*?30,000\.00', page.text, re.S)
    assert re.search(r'class="diff-added">.*?45,000\.00', page.text, re.S)


def test_court_pages_per_court_and_the_ruling_reaches_the_parties(
    db, effective, claimant, respondent, courts, liaison, make_user, make_client
):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    officer = make_client(liaison)
    queue = officer.get("/court/")
    assert effective.case.number in queue.text
    other = make_client(make_user(Role.COURT_LIAISON, organisation=courts["cenxi"]))
    assert effective.case.number not in other.get("/court/").text
    assert other.get(f"/court/applications/{application.id}").status_code == 404
    assert other.get(f"/cases/{effective.case_id}").status_code == 404
    assert officer.get(f"/cases/{effective.case_id}").status_code == 200  # the whole case file
    assert make_client(claimant).get("/court/").status_code == 403
    with freeze_time(T0 + timedelta(days=3)):
        officer = make_client(liaison)
        response = officer.post(
            f"/court/applications/{application.id}/accept", data={"accept-court_case_number": ""}
        )
        assert (
            "Enter the court&#39;s case number" in officer.get(f"/court/applications/{application.id}").text
        )
        officer.post(
            f"/court/applications/{application.id}/accept",
            data={"accept-court_case_number": "（2026）桂0403民特7号"},
        )
        assert effective.state == AgreementState.UNDER_COURT_REVIEW
        refused = officer.post(
            f"/court/applications/{application.id}/decide",
            data={
                "decide-decision": "reject",
                "decide-ruling_number": "（2026）桂0403民特7号",
                "decide-judge_name": "黄法官",
                "decide-explanation": "x",
            },
        )
        assert refused.status_code == 400 and "Choose the statutory grounds" in refused.text
        assert re.search(r">\s*x</textarea>", refused.text)  # the explanation typed is kept
        response = officer.post(
            f"/court/applications/{application.id}/decide",
            data={
                "decide-decision": "confirm",
                "decide-ruling_number": "（2026）桂0403民特7号",
                "decide-judge_name": "黄法官",
            },
        )
    assert response.status_code == 302
    assert effective.state == AgreementState.ENFORCEABLE
    officer = make_client(liaison)
    party_page = make_client(respondent).get(f"/cases/{effective.case_id}")
    assert "（2026）桂0403民特7号" in party_page.text
    ruling = make_client(respondent).get(f"/confirmations/{application.id}/ruling.pdf")
    assert ruling.status_code == 200 and ruling.data.startswith(b"%PDF")
    ruling.close()


def test_downloads_are_checked_against_the_case(db, effective, make_user, make_client):
    stranger = make_client(make_user(Role.PARTY))
    assert stranger.get(f"/agreements/{effective.id}/signed.pdf").status_code == 404
    assert stranger.get(f"/agreements/{effective.id}/versions/2").status_code == 404


def test_apply_and_join_through_the_pages(db, effective, claimant, respondent, courts, make_client):
    with freeze_time(T0 + timedelta(days=1)):
        client = make_client(claimant)
        client.post(
            f"/agreements/{effective.id}/confirmation",
            data={"apply-court_id": str(courts["intermediate"].id), "apply-facts_and_reasons": "请求确认"},
        )
        assert confirmation.open_application(effective) is None  # not a competent court
        client.post(
            f"/agreements/{effective.id}/confirmation",
            data={"apply-court_id": str(courts["wanxiu"].id), "apply-facts_and_reasons": "请求确认"},
        )
        application = confirmation.open_application(effective)
        other = make_client(respondent)
        assert 'data-testid="join-application"' in other.get(f"/cases/{effective.case_id}").text
        other.post(f"/confirmations/{application.id}/join")
    assert effective.state == AgreementState.CONFIRMATION_REQUESTED


def test_admin_edits_the_clause_library_with_checked_placeholders(db, make_user, make_client):
    admin = make_client(make_user(Role.ADMIN))
    assert "支付款项" in admin.get("/admin/clauses").text
    template = db.session.scalar(sa.select(ClauseTemplate).where(ClauseTemplate.key == "payment"))
    data = {
        "title_zh": template.title_zh,
        "title_en": template.title_en,
        "body_zh": "{debtor}向{payee}付款",
        "body_en": template.body_en,
        "position": "10",
        "active": "y",
    }
    page = admin.post(f"/admin/clauses/{template.id}", data=data)
    assert page.status_code == 200 and "{payee}" in page.text
    data["body_zh"] = "{debtor}于{due}前向{creditor}支付{amount}。"
    assert admin.post(f"/admin/clauses/{template.id}", data=data).status_code == 302
    assert template.body_zh == "{debtor}于{due}前向{creditor}支付{amount}。"


def test_a_draft_is_the_mediators_own_until_it_is_shared(db, in_mediation, claimant, make_client):
    from tests.agreement_support import standard_items

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        operations.save_version(agreement, mediator, facts="f", items=standard_items(case))
        party = make_client(claimant)
        assert party.get(f"/agreements/{agreement.id}/versions/1").status_code == 404
        assert party.get(f"/agreements/{agreement.id}/compare?a=1&b=2").status_code == 404
        assert make_client(mediator).get(f"/agreements/{agreement.id}/versions/1").status_code == 200
        assert f"/agreements/{agreement.id}/versions/1" not in party.get(f"/cases/{case.id}").text
        operations.share_version(agreement, mediator)
        assert party.get(f"/agreements/{agreement.id}/versions/1").status_code == 200
