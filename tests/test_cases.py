"""Filing a dispute, intake and triage, the respondent's answer, and who may see what."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import OrgKind, Role
from odr.audit.operations import verify_chain
from odr.cases import operations
from odr.cases.models import Answer, Case, CaseState, Invitation, Track
from odr.core.db import utcnow
from odr.core.timeutil import SHANGHAI
from tests.conftest import respondent_data, valid_uscc

EN = {"Accept-Language": "en"}


def filing(mediation_org, **overrides):
    data = {
        "title": "“六堡茶”地理标志侵权纠纷",
        "organisation_id": mediation_org.id,
        "ip_type": "geographical_indication",
        "dispute_kind": "infringement",
        "industry": "liubao_tea",
        "place": "ecommerce_platform",
        "right_number": "第 6069836 号",
        "claim_amount": "80,000.50",
        "remedies": "停止侵权，赔偿损失。",
        "facts": "被申请人在网店销售假冒六堡茶。",
        "channel": "self_filed",
        "delegating_court_id": "0",
        "respondents-0-kind": "company",
        "respondents-0-name": "苍梧县聚香茶叶商行",
        "respondents-0-credit_code": "91450421MA5L0D1P4J",
        "respondents-0-phone": "13900000000",
        "online_consent": "y",
        "representative": "陈茂生",
        "representative_title": "legal_representative",
    }
    data.update(overrides)
    return data


def count_cases(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def test_party_files_a_dispute(client, db, claimant, mediation_org):
    client.login(claimant)
    response = client.post("/cases/new", data=filing(mediation_org))
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case).where(Case.filed_by_id == claimant.id))
    assert case.state == CaseState.SUBMITTED
    assert case.claim_amount == Decimal("80000.50")
    assert [p.name for p in case.respondents] == ["苍梧县聚香茶叶商行"]
    assert case.claimants[0].user_id == claimant.id
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "¥80,000.50" in page and "Dispute filed" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("claim_amount", "-5", "cannot be negative"),
        ("claim_amount", "abc", "Enter the amount as a number"),
        ("claim_amount", "1.234", "at most two decimals"),
        ("title", "纠" * 201, "cannot be longer than 200 characters"),
        ("respondents-0-credit_code", "91450421MA5L0D1P4K", "check digit does not match"),
        ("respondents-0-credit_code", "", "unified social credit code"),
        ("online_consent", "", "needs your consent"),
        ("channel", "court_delegated", "Choose the court that delegated"),
    ],
)
def test_bad_filing_is_refused_with_a_clear_message(
    client, db, claimant, mediation_org, field, value, message
):
    client.login(claimant)
    before = count_cases(db)
    response = client.post("/cases/new", data=filing(mediation_org, **{field: value}), headers=EN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Please correct the marked fields" in page
    assert count_cases(db) == before


def test_bad_filing_message_in_chinese(client, db, claimant, mediation_org):
    claimant.locale = "zh_CN"
    client.login(claimant)
    page = client.post(
        "/cases/new", data=filing(mediation_org, claim_amount="-1"), headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert "不能为负" in page


def test_adding_a_respondent_keeps_what_was_typed(client, db, claimant, mediation_org):
    client.login(claimant)
    page = client.post("/cases/new", data=filing(mediation_org, add_respondent="1"), headers=EN).get_data(
        as_text=True
    )
    assert 'name="respondents-1-name"' in page
    assert "苍梧县聚香茶叶商行" in page
    assert count_cases(db) == 0


def test_missing_csrf_token_changes_nothing(app, client, db, claimant, mediation_org):
    client.login(claimant)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/cases/new", data=filing(mediation_org), headers=EN)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert count_cases(db) == 0


def test_staff_cannot_file(client, db, clerk, mediation_org):
    client.login(clerk)
    assert client.post("/cases/new", data=filing(mediation_org)).status_code == 403


def test_clerk_sees_intake_queue_of_own_organisation_only(client, db, make_case, make_user, make_org, clerk):
    case = make_case(title="本机构的案件")
    other_org = make_org(OrgKind.PARK_STATION)
    other_clerk = make_user(Role.CLERK, organisation=other_org)
    client.login(clerk)
    assert "本机构的案件" in client.get("/cases/intake").get_data(as_text=True)
    client.login(other_clerk)
    assert "本机构的案件" not in client.get("/cases/intake").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}").status_code == 404


def test_accept_numbers_and_triages(client, db, make_case, clerk, respondent):
    case = make_case(respondents=[respondent])
    client.login(clerk)
    page = client.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "Proposed track:" in page
    response = client.post(f"/cases/{case.id}/accept", data={"track": "simple"}, headers=EN)
    assert response.status_code == 302
    assert case.state == CaseState.AWAITING_RESPONDENT
    assert re.fullmatch(r"WZIP-\d{4}-\d{6}", case.number)
    assert case.track == Track.SIMPLE and case.triage_reasons == []
    # 7 days, the day of acceptance not counted, to 24:00 Beijing of a working day (art. 85)
    from odr.deadlines.calendar import last_day_of, load, local_day

    last = last_day_of(case.respondent_due_at)
    assert case.respondent_due_at.astimezone(SHANGHAI).strftime("%H:%M") == "00:00"
    assert (last - local_day(case.accepted_at)).days >= 7
    assert not load(last.year, last.year).is_rest_day(last)
    # The respondent's existing account (same credit code) now has the case.
    assert case.respondents[0].user_id == respondent.id


def test_case_numbers_are_sequential_per_year(db, make_case, clerk):
    with freeze_time("2026-12-31 15:00:00"):  # 23:00 in Beijing
        a, b = make_case(), make_case()
        operations.accept_case(a, clerk)
        operations.accept_case(b, clerk)
    with freeze_time("2026-12-31 16:30:00"):  # already 1 January 2027 in Beijing
        c = make_case()
        operations.accept_case(c, clerk)
    assert a.number == "WZIP-2026-000001"
    assert b.number == "WZIP-2026-000002"
    assert c.number == "WZIP-2027-000001"


@pytest.mark.parametrize(
    ("fields", "respondents", "reasons"),
    [
        ({"ip_type": "invention_patent"}, 1, ["technical_ip_type"]),
        ({"claim_amount": Decimal("500000.00")}, 1, ["claim_amount"]),
        ({"claim_amount": Decimal("499999.99")}, 1, []),
        ({}, 2, ["several_respondents"]),
        (
            {"ip_type": "trade_secret", "claim_amount": Decimal("2000000")},
            3,
            ["technical_ip_type", "claim_amount", "several_respondents"],
        ),
    ],
)
def test_triage_rules(db, make_case, clerk, fields, respondents, reasons):
    case = make_case(respondents=[respondent_data() for _ in range(respondents)], **fields)
    operations.accept_case(case, clerk)
    assert case.triage_reasons == reasons
    assert case.track == (Track.COMPLEX if reasons else Track.SIMPLE)


def test_foreign_party_makes_a_case_complex(db, make_case, clerk):
    case = make_case(respondents=[respondent_data(credit_code=None, is_foreign=True, name="Acme Ltd")])
    operations.accept_case(case, clerk)
    assert case.triage_reasons == ["foreign_party"] and case.track == Track.COMPLEX


def test_clerk_override_needs_a_reason_that_is_kept(client, db, make_case, clerk):
    case = make_case()
    client.login(clerk)
    page = client.post(
        f"/cases/{case.id}/accept", data={"track": "complex"}, headers=EN, follow_redirects=True
    )
    assert "Give a reason" in page.get_data(as_text=True)
    assert case.state == CaseState.SUBMITTED and case.number is None
    client.post(
        f"/cases/{case.id}/accept", data={"track": "complex", "override_reason": "涉及多个电商平台，案情复杂"}
    )
    assert case.track == Track.COMPLEX and case.track_overridden
    assert case.track_override_reason == "涉及多个电商平台，案情复杂"


def test_refusal_reason_reaches_the_claimant(client, db, make_case, clerk, claimant):
    case = make_case()
    client.login(clerk)
    client.post(f"/cases/{case.id}/refuse", data={"refuse-reason": ""})
    assert case.state == CaseState.SUBMITTED
    client.post(f"/cases/{case.id}/refuse", data={"refuse-reason": "不属于知识产权纠纷"})
    assert case.state == CaseState.REFUSED
    client.login(claimant)
    assert "不属于知识产权纠纷" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_respondent_consents(client, db, make_case, clerk, respondent):
    case = make_case(respondents=[respondent])
    operations.accept_case(case, clerk)
    client.login(respondent)
    assert "invited to mediation" in client.get("/dashboard", headers=EN).get_data(as_text=True)
    client.post(f"/cases/{case.id}/answer", data={"answer-decision": "consent"})
    assert case.state == CaseState.AWAITING_MEDIATOR
    assert case.respondents[0].answer == Answer.CONSENTED
    # Answering twice is refused and changes nothing.
    page = client.post(
        f"/cases/{case.id}/answer",
        data={"answer-decision": "decline", "answer-reason": "x"},
        headers=EN,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "no longer open" in page
    assert case.state == CaseState.AWAITING_MEDIATOR


def test_every_respondent_must_consent(db, make_case, clerk, respondent, make_user):
    second = make_user(Role.PARTY)
    case = make_case(respondents=[respondent, second])
    operations.accept_case(case, clerk)
    operations.answer_invitation(case, respondent, consent=True)
    assert case.state == CaseState.AWAITING_RESPONDENT
    operations.answer_invitation(case, second, consent=True)
    assert case.state == CaseState.AWAITING_MEDIATOR


def test_respondent_declines_with_a_reason(client, db, make_case, clerk, respondent):
    case = make_case(respondents=[respondent])
    operations.accept_case(case, clerk)
    client.login(respondent)
    page = client.post(
        f"/cases/{case.id}/answer", data={"answer-decision": "decline"}, headers=EN, follow_redirects=True
    ).get_data(as_text=True)
    assert "reason for declining" in page
    assert case.state == CaseState.AWAITING_RESPONDENT
    client.post(
        f"/cases/{case.id}/answer", data={"answer-decision": "decline", "answer-reason": "已自行停止销售"}
    )
    assert case.state == CaseState.NOT_MEDIATED
    assert case.respondents[0].decline_reason == "已自行停止销售"


def test_invitation_link_lets_a_new_respondent_register(client, db, make_case, clerk):
    case = make_case(
        respondents=[
            respondent_data(
                name="广西某机械制造有限公司", credit_code="91450400MA5K4C8M3W", email="boss@machine.com"
            )
        ]
    )
    [(party, token)] = operations.accept_case(case, clerk)
    landing = client.get(f"/invite/{token}", headers=EN)
    assert landing.status_code == 200 and case.number in landing.get_data(as_text=True)
    form = client.get(f"/register?invite={token}").get_data(as_text=True)
    assert "91450400MA5K4C8M3W" in form  # prefilled from the filing
    response = client.post(
        "/register",
        data={
            "invite": token,
            "party_kind": "company",
            "name": "广西某机械制造有限公司",
            "credit_code": "91450400MA5K4C8M3W",
            "phone": "07745555555",
            "email": "boss@machine.com",
            "password": "Liubao-Harvest-77",
            "confirm": "Liubao-Harvest-77",
            "locale": "zh_CN",
            "accept_terms": "y",
        },
    )
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert party.user is not None and party.user.email == "boss@machine.com"
    assert client.get(f"/cases/{case.id}").status_code == 200
    # Single use: the same link no longer works.
    assert client.get(f"/invite/{token}", headers=EN).status_code == 410


def test_expired_invitation_is_refused_and_changes_nothing(client, db, make_case, clerk):
    case = make_case(respondents=[respondent_data(email="late@example.com")])
    [(party, token)] = operations.accept_case(case, clerk)
    with freeze_time(utcnow() + timedelta(days=8)):
        response = client.get(f"/invite/{token}", headers=EN)
        assert response.status_code == 410
        assert "expired" in response.get_data(as_text=True)
        response = client.post(
            "/register", data={"invite": token, "party_kind": "person"}, headers=EN, follow_redirects=True
        )
        assert "expired" in response.get_data(as_text=True)
    assert party.user_id is None
    assert db.session.scalar(sa.select(Invitation).where(Invitation.party_id == party.id)).used_at is None


def test_reissued_invitation_replaces_the_old_link(client, db, make_case, clerk):
    case = make_case(respondents=[respondent_data()])
    [(party, old)] = operations.accept_case(case, clerk)
    client.login(clerk)
    page = client.post(
        f"/cases/{case.id}/parties/{party.id}/invite", headers=EN, follow_redirects=True
    ).get_data(as_text=True)
    new = re.search(r"/invite/([\w-]+)", page).group(1)
    assert new != old
    assert client.get(f"/invite/{old}").status_code == 410
    assert client.get(f"/invite/{new}").status_code == 200


def test_forbidden_case_answers_404_and_shows_nothing(client, db, make_case, make_user):
    case = make_case(title="保密的纠纷")
    stranger = make_user(Role.PARTY)
    client.login(stranger)
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 404
    assert "保密的纠纷" not in response.get_data(as_text=True)
    assert "保密的纠纷" not in client.get("/cases").get_data(as_text=True)
    assert client.post(f"/cases/{case.id}/withdraw", data={}).status_code == 404
    assert case.state == CaseState.SUBMITTED


def test_respondent_cannot_accept_its_own_case(client, db, make_case, clerk, respondent):
    case = make_case(respondents=[respondent])
    operations.accept_case(case, clerk)
    client.login(respondent)
    client.post(f"/cases/{case.id}/close", data={})
    client.post(f"/cases/{case.id}/withdraw", data={})
    assert case.state == CaseState.AWAITING_RESPONDENT


def test_claimant_withdraws(client, db, make_case, claimant, clerk):
    case = make_case(respondents=[respondent_data()])
    [(_party, token)] = operations.accept_case(case, clerk)
    client.login(claimant)
    client.post(f"/cases/{case.id}/withdraw", data={"withdraw-reason": "双方已自行和解"})
    assert case.state == CaseState.WITHDRAWN
    assert client.get(f"/invite/{token}").status_code == 410


def test_clerk_refers_a_case_not_mediated(client, db, make_case, clerk, respondent, make_org):
    court = make_org(OrgKind.INTERMEDIATE_COURT, name="梧州市中级人民法院（测试）")
    case = make_case(respondents=[respondent])
    operations.accept_case(case, clerk)
    operations.answer_invitation(case, respondent, consent=False, reason="不同意调解")
    client.login(clerk)
    client.post(f"/cases/{case.id}/refer", data={"organisation_id": court.id, "note": "请依法处理"})
    assert case.state == CaseState.REFERRED and case.referred_to_id == court.id


def _next_link(page):
    found = re.search(r'rel="next" href="([^"#]+)"', page)
    return html.unescape(found.group(1)) if found else None


def _prev_link(page):
    found = re.search(r'rel="prev" href="([^"#]+)"', page)
    return html.unescape(found.group(1)) if found else None


def test_case_list_filters_and_pages(app, client, db, make_case, claimant, clerk):
    for i in range(25):
        make_case(title=f"纠纷{i:02d}", ip_type="trademark" if i % 2 else "copyright")
    client.login(claimant)
    first = client.get("/cases").get_data(as_text=True)
    assert first.count('href="/cases/') >= app.config["CASES_PER_PAGE"]
    assert "25 cases" in first or "25" in first
    # Next walks on from where the page stopped: every case once, none twice, newest first.
    seen, path, pages = [], "/cases", []
    while path:
        page = client.get(path).get_data(as_text=True)
        pages.append(path)
        seen += re.findall(r"纠纷(\d\d)", page)
        path = _next_link(page)
    assert len(pages) == 2
    assert seen == [f"{i:02d}" for i in reversed(range(25))]
    # Previous, from the second page, shows the first page again.
    second = client.get(pages[1]).get_data(as_text=True)
    back = client.get(_prev_link(second)).get_data(as_text=True)
    assert re.findall(r"纠纷(\d\d)", back) == re.findall(r"纠纷(\d\d)", first)
    trademarks = client.get("/cases?ip_type=trademark&state=submitted").get_data(as_text=True)
    assert "纠纷01" in trademarks and "纠纷02" not in trademarks
    assert "纠纷03" in client.get("/cases?q=纠纷03").get_data(as_text=True)
    # A cursor that was tampered with is no page of the list; an unknown state shows the list.
    assert client.get("/cases?after=bogus").status_code == 404
    assert client.get("/cases?before=W1siYSJdXQ").status_code == 404
    assert client.get("/cases?state=bogus").status_code == 200


def test_search_finds_a_case_by_a_party_name_or_credit_code(
    client, db, make_case, claimant, clerk, monkeypatch
):
    from tests.conftest import respondent_data

    code = valid_uscc(987654)
    make_case(
        title="外观设计纠纷", respondents=[respondent_data(name="梧州市龙圩区恒丰茶厂", credit_code=code)]
    )
    make_case(title="商标纠纷", respondents=[respondent_data(name="岑溪市某某商行")])
    client.login(clerk)
    for term in ("恒丰茶厂", code, code[6:16]):
        page = client.get("/cases", query_string={"q": term}).get_data(as_text=True)
        assert "外观设计纠纷" in page and "商标纠纷" not in page, term
    # A short term, or a common one (more matches than RARE), is checked case by case instead.
    from odr.cases import visibility

    assert "外观设计纠纷" in client.get("/cases", query_string={"q": "恒丰"}).get_data(as_text=True)
    monkeypatch.setattr(visibility, "RARE", 0)
    for term in ("恒丰茶厂", code[6:16]):
        page = client.get("/cases", query_string={"q": term}).get_data(as_text=True)
        assert "外观设计纠纷" in page and "商标纠纷" not in page, term
    # Wildcards typed by the user are taken literally.
    assert "外观设计纠纷" not in client.get("/cases?q=%25").get_data(as_text=True)


def test_counts_stop_at_the_bound(app, client, db, make_case, claimant, clerk, monkeypatch):
    from odr.core import paging

    monkeypatch.setattr(paging, "COUNT_BOUND", 3)
    for i in range(5):
        make_case(title=f"纠纷{i}")
    client.login(clerk)
    listing = client.get("/cases", headers=EN).get_data(as_text=True)
    assert "More than 3 cases" in listing
    dashboard = client.get("/dashboard", headers=EN).get_data(as_text=True)
    assert "more than 3" in dashboard and "More than 3 filings wait for intake." in dashboard
    monkeypatch.setattr(paging, "COUNT_BOUND", 5)
    listing = client.get("/cases", headers=EN).get_data(as_text=True)
    assert "5 cases" in listing and "More than" not in listing


def test_timeline_and_chain_after_a_journey(client, db, make_case, clerk, respondent, claimant):
    case = make_case(respondents=[respondent])
    operations.accept_case(case, clerk)
    operations.answer_invitation(case, respondent, consent=True)
    client.login(claimant)
    page = client.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    for label in (
        "Dispute filed",
        "Accepted and triaged",
        "Case number assigned",
        "Respondent consented to mediation",
    ):
        assert label in page
    assert verify_chain().ok


def test_seed_is_idempotent(app, db):
    from odr import seed

    first = seed.run()
    assert first > 0
    assert seed.run() == 0
    clerk_email = "clerk@demo.odr"
    assert db.session.scalar(sa.text("SELECT count(*) FROM users WHERE email = :e"), {"e": clerk_email}) == 1


def test_unknown_credit_code_gets_an_invitation(db, make_case, clerk, respondent):
    case = make_case(respondents=[respondent_data(credit_code=valid_uscc(4242))])
    invitations = operations.accept_case(case, clerk)
    assert len(invitations) == 1 and case.respondents[0].user_id is None


def test_parties_name_their_agents(client, db, claimant, mediation_org, clerk, respondent):
    client.login(claimant)
    client.post(
        "/cases/new",
        data=filing(
            mediation_org,
            agent_name="张律师",
            agent_firm="广西正大律师事务所",
            **{"respondents-0-credit_code": respondent.credit_code},
        ),
    )
    case = db.session.scalar(sa.select(Case).where(Case.filed_by_id == claimant.id))
    assert (case.claimants[0].agent_name, case.claimants[0].agent_firm) == ("张律师", "广西正大律师事务所")
    operations.accept_case(case, clerk)
    client.login(respondent)
    client.post(
        f"/cases/{case.id}/answer", data={"answer-decision": "consent", "answer-agent_firm": "梧州某律所"}
    )
    assert case.respondents[0].agent_firm == "梧州某律所"
    assert "广西正大律师事务所" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_mediator_ends_a_mediation_with_a_reason(db, in_mediation, claimant, make_client):
    from odr.cases.models import CaseState

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    client = make_client(mediator)
    assert 'data-testid="terminate"' in client.get(f"/cases/{case.id}").text
    assert 'data-testid="terminate"' not in make_client(claimant).get(f"/cases/{case.id}").text
    client.post(f"/cases/{case.id}/terminate", data={"terminate-reason": ""})
    assert case.state == CaseState.MEDIATING
    client.post(f"/cases/{case.id}/terminate", data={"terminate-reason": "双方对赔偿数额分歧过大。"})
    assert case.state == CaseState.FAILED and case.closing_reason == "双方对赔偿数额分歧过大。"
    assert (
        make_client(claimant).post(f"/cases/{case.id}/terminate", data={"terminate-reason": "x"}).status_code
        == 302
    )


def test_a_partys_dashboard_counts_each_state_of_their_own_cases(
    app, client, db, make_case, make_user, claimant, clerk, monkeypatch
):
    """A party's counters cover their own cases, each state counted (one pass over their cases), and
    stop at the bound like everyone's."""
    import re

    from odr.cases import operations as case_ops
    from odr.core import paging

    mine = [make_case(title=f"我的纠纷{i}") for i in range(4)]
    case_ops.accept_case(mine[0], clerk)
    make_case(filer=make_user(Role.PARTY), title="别人的纠纷")  # another claimant's: not counted

    def counters():
        page = client.login(claimant).get("/dashboard", headers=EN).get_data(as_text=True)
        found = re.findall(
            r'<div class="stat">([^<]*)</div><div class="text-secondary small">([^<]*)</div>', page
        )
        return {label: figure for figure, label in found}

    counts = counters()
    assert counts["Submitted"] == "3" and counts["Awaiting respondent"] == "1" and counts["Mediating"] == "0"
    monkeypatch.setattr(paging, "COUNT_BOUND", 2)
    counts = counters()
    assert counts["Awaiting respondent"] == "1" and "2" in counts["Submitted"] and counts["Submitted"] != "3"


def test_a_search_counts_its_matches_to_a_lower_bound(app, client, db, make_case, clerk, monkeypatch):
    """A search says how many cases match up to SEARCH_COUNT_BOUND, then "more than"; the plain list
    counts to the general bound."""
    monkeypatch.setitem(app.config, "SEARCH_COUNT_BOUND", 2)
    for i in range(3):
        make_case(title=f"六堡茶商标纠纷{i}")
    client.login(clerk)
    search = client.get("/cases?q=六堡", headers=EN).get_data(as_text=True)
    assert "More than 2 cases" in search and all(f"六堡茶商标纠纷{i}" in search for i in range(3))
    listing = client.get("/cases", headers=EN).get_data(as_text=True)
    assert "3 cases" in listing and "More than" not in listing
    monkeypatch.setitem(app.config, "SEARCH_COUNT_BOUND", 3)
    assert "3 cases" in client.get("/cases?q=六堡", headers=EN).get_data(as_text=True)
