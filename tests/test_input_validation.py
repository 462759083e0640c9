"""The inputs that once failed with a server error: each is now refused with a clear message or a
404, and nothing is saved."""

import re

import pytest
import sqlalchemy as sa

from odr import seed
from odr.accounts.models import OrgKind, Role, User
from odr.arbitration.models import ArbitrationCase
from odr.cases.models import Case, CaseState
from odr.experts.models import Assignment
from odr.rooms.models import MediationSession, Room
from tests.test_cases import EN, count_cases, filing

HUGE = ["99999999999999999999", str(2**31), str(2**63), "1e308"]


def test_a_huge_claim_amount_is_refused_on_filing(client, db, claimant, mediation_org):
    client.login(claimant)
    before = count_cases(db)
    response = client.post("/cases/new", data=filing(mediation_org, claim_amount="1e308"), headers=EN)
    assert response.status_code == 200
    assert "The amount is too large." in response.text
    assert count_cases(db) == before


def test_a_huge_claim_amount_is_refused_on_the_arbitration_application(
    db, claimant, respondent, commission, make_client
):
    client = make_client(claimant)
    data = {
        "title": "许可使用费纠纷",
        "ip_type": "trademark",
        "dispute_kind": "licence_contract",
        "industry": "liubao_tea",
        "place": "offline",
        "claim_amount": "1e308",
        "remedies": "支付许可使用费",
        "facts": "未按约付费。",
        "organisation_id": str(commission.id),
        "respondents-0-kind": "company",
        "respondents-0-name": respondent.name,
        "respondents-0-credit_code": respondent.credit_code,
        "respondents-0-phone": "13900000000",
        "online_consent": "y",
        "arbitration_basis": "合同第九条约定提交梧州仲裁委员会仲裁。",
    }
    response = client.post("/arbitration/apply", data=data, headers=EN)
    assert response.status_code == 200 and "The amount is too large." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArbitrationCase)) == 0


@pytest.mark.parametrize(
    "query",
    ["state=%20", "ip_type=%20", "track=%20", "state=", "state=bogus", "track=simple&track=x"],
)
def test_blank_or_unknown_case_filters_are_not_errors(client, clerk, make_case, query):
    make_case()
    client.login(clerk)
    for path in ("/cases", "/cases/intake"):
        response = client.get(f"{path}?{query}", headers=EN)
        assert response.status_code == 200, (path, query)


@pytest.mark.parametrize(
    "path",
    [
        "/cases?ip_type=%00",
        "/cases/intake?q=a%00b",
        "/experts?q=%00",
        "/infringers?q=%00",
        "/cases/a%00b",
        "/%00",
    ],
)
def test_a_nul_character_anywhere_in_a_request_is_refused_with_a_message(client, clerk, path):
    # PostgreSQL can neither store nor compare text holding NUL: refused before any query reads it.
    client.login(clerk)
    response = client.get(path, headers=EN)
    assert response.status_code == 400
    assert "cannot be typed or stored (NUL)" in response.text


def test_a_nul_character_in_a_posted_form_changes_nothing(client, db, clerk, make_case):
    case = make_case()
    client.login(clerk)
    before = case.title
    response = client.post(f"/cases/{case.id}/accept", data={"track": "simple\x00"}, headers=EN)
    assert response.status_code == 400 and "(NUL)" in response.text
    db.session.expire_all()
    assert case.title == before and case.number is None


def test_an_unknown_filter_is_named_and_the_list_shown_unfiltered(client, clerk, make_case):
    case = make_case()
    client.login(clerk)
    page = client.get("/cases/intake?ip_type=bogus", headers=EN).text
    assert 'data-testid="filter-errors"' in page and "IP type: This is not one of the values offered." in page
    assert case.title in page
    page = client.get("/cases/intake?ip_type=%20%20", headers=EN).text
    assert 'data-testid="filter-errors"' not in page and case.title in page


@pytest.mark.parametrize("query", ["status=%20", "role=%20", "status=bogus", "role=party", "specialty=bogus"])
def test_blank_or_unknown_expert_filters_are_not_errors(client, clerk, query):
    client.login(clerk)
    assert client.get(f"/experts?{query}", headers=EN).status_code == 200


@pytest.mark.parametrize("query", ["stage=%20", "stage=", "stage=bogus", "due_by=%20", "due_by=2027-13-40"])
def test_blank_or_unknown_court_queue_filters_are_not_errors(client, make_user, make_org, query):
    officer = make_user(Role.COURT_LIAISON, organisation=make_org(OrgKind.INTERMEDIATE_COURT))
    client.login(officer)
    assert client.get(f"/court/?{query}", headers=EN).status_code == 200


def test_a_password_longer_than_the_strength_check_reads_is_judged_by_its_start(client, db, make_user):
    """A 100-character password (or one of 100 Chinese characters) is refused or taken with a
    message, never a server error: the strength check reads its first 72 characters."""
    from tests.conftest import PASSWORD

    user = make_user()
    client.login(user)
    weak = "字" * 100
    page = client.post("/account", data={"current": PASSWORD, "password": weak, "confirm": weak}, headers=EN)
    assert page.status_code == 200 and "easy to guess" in page.text
    strong = "Liubao tea, lychee honey & kudzu: 2026 " * 3
    done = client.post("/account", data={"current": PASSWORD, "password": strong, "confirm": strong})
    assert done.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": strong}).status_code == 302


CURSORS = ["abc", "%1b", "W10", "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ", "WyIxIiwidHJ1ZSJd", "x" * 5000]


@pytest.mark.parametrize("cursor", CURSORS)
@pytest.mark.parametrize("path", ["/cases", "/cases/intake"])
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_page_cursor_the_list_never_gave_is_not_found(client, clerk, make_case, path, cursor, direction):
    """The case lists page by keyset: a cursor that is garbled, of the wrong shape or out of any
    column's range is no page of the list."""
    make_case()
    client.login(clerk)
    assert client.get(f"{path}?{direction}=").status_code == 200
    assert client.get(f"{path}?{direction}={cursor}").status_code == 404


def test_the_next_page_cursor_of_a_case_list_opens_the_next_page(client, app, clerk, make_case):
    cases = [make_case(title=f"茶叶商标纠纷{n}") for n in range(3)]
    app.config["CASES_PER_PAGE"], per_page = 2, app.config["CASES_PER_PAGE"]
    try:
        client.login(clerk)
        first = client.get("/cases", headers=EN).get_data(as_text=True)
        cursor = re.search(r"after=([\w-]+)", first).group(1)
        second = client.get(f"/cases?after={cursor}", headers=EN)
        assert second.status_code == 200
        shown = [c.title for c in cases if c.title in first or c.title in second.get_data(as_text=True)]
        assert len(shown) == 3
    finally:
        app.config["CASES_PER_PAGE"] = per_page


@pytest.mark.parametrize("page", [*HUGE, "-1", "0", "abc", "1.5", "2"])
@pytest.mark.parametrize("path", ["/experts", "/admin/users", "/admin/outbox", "/infringers"])
def test_a_page_number_beyond_the_list_is_not_found(client, make_user, clerk, path, page):

    client.login(make_user(Role.ADMIN) if path.startswith("/admin") else clerk)
    assert client.get(f"{path}?page=1").status_code == 200
    assert client.get(path + "?page=").status_code == 200
    assert client.get(f"{path}?page={page}").status_code == 404


@pytest.mark.parametrize("number", HUGE[:3])
def test_an_id_no_record_can_have_is_not_found(client, claimant, number):
    client.login(claimant)
    for path in (
        f"/cases/{number}",
        f"/rooms/{number}",
        f"/agreements/{number}/compare",
        f"/sessions/{number}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/cases/{number}/withdraw", data={"reason": "x"}).status_code == 404


def test_huge_ids_in_forms_are_refused_and_change_nothing(db, make_client):
    seed.run()
    clerk = make_client(db.session.scalar(sa.select(User).where(User.email == "clerk@demo.odr")))
    case = db.session.scalar(sa.select(Case).where(Case.state == CaseState.AWAITING_MEDIATOR))
    assignments = db.session.scalar(sa.select(sa.func.count()).select_from(Assignment))
    for expert_id in HUGE:
        response = clerk.post(f"/cases/{case.id}/experts/mediator", data={"expert_id": expert_id})
        assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == assignments

    mediator = make_client(db.session.scalar(sa.select(User).where(User.email == "mediator1@demo.odr")))
    room = db.session.scalar(
        sa.select(Room).join(Case, Case.id == Room.case_id).where(Case.state == CaseState.MEDIATING)
    )
    sessions = db.session.scalar(sa.select(sa.func.count()).select_from(MediationSession))
    for room_id in HUGE:
        response = mediator.post(f"/rooms/{room.id}/sessions", data={"room_id": room_id, "agenda": ""})
        assert response.status_code in (302, 400, 404), response.status_code
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediationSession)) == sessions


def test_the_filter_message_in_chinese(client, clerk):
    clerk.locale = "zh_CN"
    client.login(clerk)
    page = client.get("/cases/intake?ip_type=bogus", headers={"Accept-Language": "zh-CN"}).text
    assert "以下筛选条件无法使用" in page and "不是可选的值" in page


@pytest.mark.parametrize("q", ["%01", "a%7fb", "%1b%5b31m"])
def test_a_control_character_in_the_list_of_infringers_search_is_refused_with_a_message(client, db, q):
    response = client.get(f"/infringers?q={q}", headers=EN)
    assert response.status_code == 200
    assert "A name or code has no control characters; type it again." in response.text
