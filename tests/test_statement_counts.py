"""An N+1 guard: every main page costs the same number of SQL statements whether its user has 10
cases or 70. A page that loads something per case, or checks access per case, grows with the data
and fails here long before it is slow in production."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from odr.accounts.models import OrgKind, Role
from odr.agreements import court_queue
from odr.agreements.models import Agreement, AgreementState, AgreementVersion, ConfirmationApplication
from odr.cases import operations as case_ops
from odr.cases.models import CaseState
from odr.core.db import utcnow
from odr.experts import operations as expert_ops
from odr.experts.models import ExpertProfile, Seat
from odr.extensions import db as _db
from tests.conftest import respondent_data

# role -> the main pages that role opens; "{case}" is one of its cases (the first one made)
PAGES = {
    "claimant": [
        "/dashboard",
        "/cases",
        "/cases?q=六堡",
        "next:/cases",
        "/cases?q={credit_code}",
        "/notifications",
        "/sessions",
        "/cases/{case}",
    ],
    "respondent": ["/dashboard", "/cases", "/notifications"],
    "clerk": [
        "/dashboard",
        "/cases",
        "/cases/intake",
        "/cases?state=mediating",
        "/cases?q=WZIP",
        "next:/cases/intake",
        "/assignments",
        "/cases/{case}",
    ],
    "mediator": ["/dashboard", "/cases", "/caseload", "/sessions", "/cases/{case}"],
    "liaison": [
        "/dashboard",
        "/court/",
        "/court/?stage=to_accept",
        "/court/?stage=decided",
        "next:/court/",
        "/cases",
        "/handovers",
        "/court/preservation",
        "/cases/{case}",
    ],
}


MANY = 70  # cases: a full first page (20 rows against 10) and a next page of every list


class Scenario:
    """Cases shared by one claimant, respondent, clerk, mediator and court liaison officer: some
    waiting in the intake queue, some waiting for the respondent, the rest in mediation with an
    agreement whose confirmation was applied for at the officer's court."""

    def __init__(self, make_user, make_case, clerk, claimant, make_org):
        self.make_case = make_case
        self.clerk = clerk
        self.claimant = claimant
        self.respondent = make_user(Role.PARTY, name="苍梧县聚香茶叶商行")
        self.mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="黄调解员")
        _db.session.add(ExpertProfile(user=self.mediator, specialties=["trademark"], max_open_cases=1000))
        court = make_org(OrgKind.BASIC_COURT, name="梧州市万秀区人民法院（测试）", region="梧州市万秀区")
        self.court = court
        self.liaison = make_user(Role.COURT_LIAISON, organisation=court, name="覃助理")
        self.cases = []

    def grow_to(self, n):
        while len(self.cases) < n:
            k = len(self.cases)
            case = self.make_case(
                respondents=[respondent_data(self.respondent)],
                title=f"“六堡茶”商标侵权纠纷{k}",
                ip_type="trademark",
            )
            self.cases.append(case)
            if k % 10 in (1, 5, 7):
                continue  # stays in the intake queue
            case_ops.accept_case(case, self.clerk)
            if k % 10 == 2:
                continue  # waits for the respondent's answer
            case_ops.answer_invitation(case, self.respondent, consent=True)
            expert_ops.accept(
                expert_ops.propose(case, Seat.MEDIATOR, self.mediator, actor=self.clerk), self.mediator
            )
            application = self._applied_for_confirmation(case)
            if k % 10 in (6, 9):  # confirmed by the court, performed: the lists show its stage
                case.state = CaseState.SETTLED
                application.agreement.state = (
                    AgreementState.ENFORCEABLE if k % 10 == 6 else AgreementState.PERFORMED
                )
                application.decision, application.decided_at = "confirmed", utcnow()
        _db.session.flush()

    def _applied_for_confirmation(self, case):
        now = utcnow()
        agreement = Agreement(
            case=case, created_by=self.mediator, state=AgreementState.CONFIRMATION_REQUESTED, effective_at=now
        )
        _db.session.add(agreement)
        _db.session.flush()
        version = AgreementVersion(
            agreement=agreement,
            number=1,
            content={"facts": "", "items": []},
            created_by=self.mediator,
            content_sha256="0" * 64,
            finalised_at=now,
            pdf_sha256="1" * 64,
        )
        _db.session.add(version)
        _db.session.flush()
        agreement.final_version_id = version.id
        application = ConfirmationApplication(
            agreement=agreement,
            case=case,
            court_id=self.court.id,
            court_basis="mediation_organisation",
            applicant=self.claimant,
            facts_and_reasons="请求确认。",
            submitted_at=now,
            acceptance_due_at=now + timedelta(days=3),
        )
        _db.session.add(application)
        return application


def _statements(app, client, path):
    """How many SQL statements serving PATH costs."""
    _db.session.flush()
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(_db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (path, response.status_code)
    return len(seen), seen


def _next_page(client, path):
    """The address of the "Next" link on PATH (the second page of a list)."""
    found = re.search(r'rel="next" href="([^"#]+)"', client.get(path).get_data(as_text=True))
    assert found, f"{path} has no next page"
    return html.unescape(found.group(1))


def _measure(app, make_client, scenario):
    counts = {}
    for role, paths in PAGES.items():
        client = make_client(getattr(scenario, role))
        for path in paths:
            real = path.format(case=scenario.cases[3].id, credit_code=scenario.respondent.credit_code[-6:])
            if real.startswith("next:"):
                if len(scenario.cases) < MANY:
                    continue  # one page only
                real = _next_page(client, real[5:])
            counts[(role, path)] = _statements(app, client, real)
    return counts


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_every_main_page_costs_the_same_with_10_and_70_cases(
    app, db, make_user, make_case, make_org, clerk, claimant, make_client, monkeypatch
):
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 20)  # 10 cases fit one page; 70 fill pages of 20
    monkeypatch.setattr(court_queue, "PER_PAGE", 20)
    scenario = Scenario(make_user, make_case, clerk, claimant, make_org)
    scenario.grow_to(10)
    few = _measure(app, make_client, scenario)
    scenario.grow_to(MANY)
    many = _measure(app, make_client, scenario)
    grown = {page: (few[page][0], many[page][0]) for page in few if few[page][0] != many[page][0]}
    assert not grown, grown
    # and a list's second page (keyset: it starts after the first) costs what its first page costs
    later = {
        page: (many[page][0], many[(page[0], page[1][5:])][0])
        for page in many
        if page[1].startswith("next:") and many[page][0] != many[(page[0], page[1][5:])][0]
    }
    assert not later, later
