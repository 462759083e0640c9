"""A case from intake to the end of mediation through the forms its pages render
(tests/form_support.py): the clerk accepts it, the respondent answers the invitation, the clerk asks a
mediator from the ranked list, the mediator accepts with a signed declaration, then ends the mediation."""

import re

from odr.accounts.models import Role
from odr.cases.models import CaseState
from odr.experts.models import AssignmentState, ExpertProfile
from odr.extensions import db
from tests.conftest import PASSWORD
from tests.form_support import alerts, follow, submit


def test_a_case_goes_from_intake_to_mediation_and_its_end_through_the_pages(
    make_case, clerk, respondent, make_user, make_client
):
    case = make_case(respondents=[respondent])
    case_page = f"/cases/{case.id}"
    clerk.locale = "zh_CN"
    desk = make_client(clerk)
    page = follow(desk, submit(desk, case_page, button="受理案件"))  # the proposed track, as offered
    assert case.state == CaseState.AWAITING_RESPONDENT
    assert alerts(page)[0].startswith(f"success: 案件已受理，案号为{case.number}")

    party = make_client(respondent)
    page = follow(
        party, submit(party, case_page, button="Send my answer", values={"answer-decision": "decline"})
    )
    assert "danger: Please give a reason for declining mediation." in alerts(page)
    assert case.state == CaseState.AWAITING_RESPONDENT
    values = {"answer-decision": "consent", "answer-address": "梧州市长洲区新兴三路8号"}
    page = follow(party, submit(party, case_page, on=page, button="Send my answer", values=values))
    assert (
        case.state == CaseState.AWAITING_MEDIATOR and case.respondents[0].address == "梧州市长洲区新兴三路8号"
    )

    mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="黄调解员")
    db.session.add(ExpertProfile(user=mediator, specialties=["geographical_indication"], max_open_cases=5))
    db.session.flush()
    page = desk.get(case_page).get_data(as_text=True)
    ranked = re.search(r'href="([^"]+)" data-testid="assign-mediator"', page).group(1)
    page = follow(desk, submit(desk, ranked, carrying={"expert_id": mediator.id}))
    [assignment] = case.assignments
    assert assignment.expert_id == mediator.id and assignment.state == AssignmentState.PROPOSED

    expert = make_client(mediator)
    answer = f"/assignments/{assignment.id}"
    refused = submit(expert, answer, action="", values={"decision": "accept", "password": PASSWORD})
    assert refused.status_code == 200 and "To accept, sign the declaration." in refused.get_data(as_text=True)
    values = {"decision": "accept", "declaration": "y", "password": "not-my-password"}
    refused = submit(expert, answer, on=refused.get_data(as_text=True), action="", values=values)
    assert "The password is not correct." in refused.get_data(as_text=True)
    assert assignment.state == AssignmentState.PROPOSED
    values["password"] = PASSWORD
    page = follow(expert, submit(expert, answer, action="", values=values))
    assert "success: You have accepted. The case is now in your caseload." in alerts(page)
    assert case.state == CaseState.MEDIATING and assignment.declaration_signed_at is not None

    page = follow(expert, submit(expert, case_page, on=page, button="End the mediation"))
    assert any(a.startswith("danger: Reason") for a in alerts(page)) and case.state == CaseState.MEDIATING
    why = "被申请人拒绝任何赔偿，调解无法继续。"
    page = follow(
        expert,
        submit(expert, case_page, on=page, button="End the mediation", values={"terminate-reason": why}),
    )
    assert case.state == CaseState.FAILED
    assert why in party.get(case_page).get_data(as_text=True)
