"""The parties choose their mediator through the pages' own forms (tests/form_support.py): each follows
the case page's link, chooses from the list, and the mediator they agree on is asked."""

import re

from odr.accounts.models import Role
from odr.cases import operations as case_ops
from odr.experts.models import AssignmentState, ExpertProfile
from odr.extensions import db
from tests.form_support import alerts, follow, submit


def test_the_parties_disagree_then_agree_on_a_mediator_who_is_then_asked(
    make_case, clerk, claimant, respondent, make_user, make_client
):
    case = make_case(respondents=[respondent])
    case_ops.accept_case(case, clerk)
    case_ops.answer_invitation(case, respondent, consent=True)
    huang, li = (
        make_user(Role.MEDIATOR, organisation=clerk.organisation, name=name)
        for name in ("黄调解员", "李调解员")
    )
    for mediator in (huang, li):
        db.session.add(
            ExpertProfile(user=mediator, specialties=["geographical_indication"], max_open_cases=5)
        )
    db.session.flush()
    case_page = f"/cases/{case.id}"

    claimant.locale = "zh_CN"
    side_a, side_b = make_client(claimant), make_client(respondent)
    link = re.search(r'href="([^"]+/choose-mediator)"', side_a.get(case_page).get_data(as_text=True))
    assert link, "the case page offers the parties no choice of mediator"
    page = follow(side_a, submit(side_a, link.group(1), carrying={"expert_id": huang.id}))
    assert "success: 已记录您对黄调解员的选择。" in alerts(page)
    assert case.assignments == []

    choose = f"/cases/{case.id}/choose-mediator"
    follow(side_b, submit(side_b, choose, carrying={"expert_id": li.id}))
    assert case.assignments == []  # they disagree: no one is asked yet
    listing = side_a.get(choose).get_data(as_text=True)
    assert len(re.findall(r'name="expert_id"', listing)) >= 2
    page = follow(side_b, submit(side_b, choose, carrying={"expert_id": huang.id}))
    assert "info: All parties chose 黄调解员, who has now been asked to mediate." in alerts(page)
    [assignment] = case.assignments
    assert assignment.expert_id == huang.id and assignment.state == AssignmentState.PROPOSED
    assert not re.search(r'href="[^"]+/choose-mediator"', side_a.get(case_page).get_data(as_text=True))
    asked = make_client(huang).get(f"/assignments/{assignment.id}")
    assert asked.status_code == 200 and case.title in asked.get_data(as_text=True)
