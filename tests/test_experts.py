"""The expert pool: hard filters, ranking, asking, declining, recusal, notices, opinions, access."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.cases import operations as case_ops
from odr.cases.models import CaseState
from odr.core.db import utcnow
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from odr.experts import operations, opinions, ranking
from odr.experts.models import (
    Assignment,
    AssignmentState,
    ExpertAffiliation,
    ExpertProfile,
    ExpertStatus,
    ExpertUnavailability,
    Seat,
)
from odr.experts.models.profile import name_key
from odr.experts.operations import AssignmentError
from odr.survey.models import ExpertScore
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}


@pytest.fixture
def make_expert(db, make_user, mediation_org):
    def make(
        *roles,
        specialties=("trademark",),
        industries=("liubao_tea",),
        fields=(),
        cap=5,
        satisfaction=None,
        ratings=0,
        languages=("zh",),
        name=None,
        organisation=mediation_org,
        **kw,
    ):
        user = make_user(*(roles or (Role.MEDIATOR,)), organisation=organisation, name=name)
        db.session.add(
            ExpertProfile(
                user=user,
                specialties=list(specialties),
                industries=list(industries),
                technical_fields=list(fields),
                max_open_cases=cap,
                languages=list(languages),
                **kw,
            )
        )
        if ratings:
            # What the survey's answers add up to for the expert (tests/test_survey.py checks that
            # answers add up to exactly this).
            db.session.add(
                ExpertScore(expert_id=user.id, answers=ratings, overall_total=int(satisfaction * ratings))
            )
        db.session.flush()
        return user

    return make


@pytest.fixture
def ready_case(db, make_case, clerk, respondent):
    """make a case that is waiting for its mediator (the respondent agreed)."""

    def make(**fields):
        case = make_case(respondents=[respondent], **fields)
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=True)
        assert case.state == CaseState.AWAITING_MEDIATOR
        return case

    return make


def reasons(ranked, user):
    return [r.code for e in ranked.excluded if e.expert_id == user.id for r in e.reasons]


def test_hard_filters_exclude_with_reasons(db, ready_case, make_expert, respondent, make_user):
    case = ready_case()
    fine = make_expert(name="合格调解员")
    conflicted = make_expert(name="利害关系人")
    db.session.add(
        ExpertAffiliation(
            profile=conflicted.expert_profile,
            kind="client",
            entity_name=respondent.name,
            name_key=name_key(respondent.name),
        )
    )
    by_code = make_expert(name="代码冲突")
    db.session.add(
        ExpertAffiliation(
            profile=by_code.expert_profile,
            kind="employer",
            entity_name="另一个名字",
            name_key="另一个名字",
            credit_code=respondent.credit_code,
        )
    )
    away = make_expert(name="外出")
    db.session.add(
        ExpertUnavailability(
            profile=away.expert_profile,
            starts_on=date.today() + timedelta(days=3),
            ends_on=date.today() + timedelta(days=5),
        )
    )
    busy = make_expert(name="满负荷", cap=1)
    other = ready_case(title="另一案件")
    operations.propose(other, Seat.MEDIATOR, busy, actor=None)
    suspended = make_expert(name="暂停", status=ExpertStatus.SUSPENDED, suspension_reason="考核")
    inactive = make_expert(name="停用账号")
    inactive.active = False
    not_a_mediator = make_expert(Role.TECHNICAL_INVESTIGATOR, name="技术调查官")
    db.session.flush()

    ranked = ranking.rank(case, Seat.MEDIATOR)
    assert [c.expert_id for c in ranked.candidates] == [fine.id]
    assert reasons(ranked, conflicted) == ["conflict_affiliation"]
    assert reasons(ranked, by_code) == ["conflict_affiliation"]
    assert reasons(ranked, away) == ["unavailable"]
    assert reasons(ranked, busy) == ["at_capacity"]
    assert reasons(ranked, suspended) == ["suspended"]
    assert reasons(ranked, inactive) == ["inactive"]
    assert not_a_mediator.id not in {e.expert_id for e in ranked.excluded}  # does not hold the role at all


def test_agent_firm_and_same_organisation_are_conflicts(db, ready_case, make_expert, make_org):
    case = ready_case()
    case.claimants[0].agent_firm = "广西正大律师事务所"
    firm_lawyer = make_expert(name="律所合伙人")
    db.session.add(
        ExpertAffiliation(
            profile=firm_lawyer.expert_profile,
            kind="law_firm",
            entity_name="广西 正大律师事务所",
            name_key=name_key("广西 正大律师事务所"),
        )
    )
    same_org = make_expert(name="同单位", organisation=make_org(name=case.respondents[0].name))
    ranked = ranking.rank(case, Seat.MEDIATOR)
    assert reasons(ranked, firm_lawyer) == ["conflict_affiliation"]
    assert reasons(ranked, same_org) == ["conflict_organisation"]


def test_ranking_order_for_a_constructed_pool(db, ready_case, make_expert):
    case = ready_case(ip_type="trademark", industry="liubao_tea")
    generalist = make_expert(name="甲", specialties=["copyright"], industries=["tourism"])
    specialist = make_expert(name="乙", specialties=["trademark"], industries=["ecommerce"])
    best = make_expert(
        name="丙",
        specialties=["trademark"],
        industries=["liubao_tea"],
        satisfaction=Decimal("4.8"),
        ratings=20,
    )
    loaded = make_expert(name="丁", specialties=["trademark"], industries=["liubao_tea"], cap=4)
    for _ in range(2):
        operations.propose(ready_case(title="占用"), Seat.MEDIATOR, loaded, actor=None)
    ranked = ranking.rank(case, Seat.MEDIATOR)
    assert [c.name for c in ranked.candidates] == ["丙", "丁", "乙", "甲"]
    top = ranked.candidates[0]
    parts = {p.code: p.points for p in top.parts}
    assert parts == {
        "specialty": 30,
        "industry": 20,
        "load": 20.0,
        "satisfaction": 14.4,
        "language": 10.0,
        "station": 0,
    }
    assert top.score == 94.4 and top.expert_id == best.id
    assert {p.code: p.points for p in ranked.candidates[1].parts}["load"] == 10.0  # 2 of 4 cases open
    assert {generalist.id, specialist.id} <= {c.expert_id for c in ranked.candidates}


def test_investigators_are_ranked_by_technical_field(db, ready_case, make_expert):
    case = ready_case(ip_type="invention_patent", industry="pharmaceuticals")
    chemist = make_expert(
        Role.TECHNICAL_INVESTIGATOR,
        name="化学",
        specialties=["invention_patent"],
        fields=["chemistry_pharma"],
        industries=["pharmaceuticals"],
    )
    engineer = make_expert(
        Role.TECHNICAL_INVESTIGATOR,
        name="机械",
        specialties=["invention_patent"],
        fields=["mechanical"],
        industries=["metallurgy_machinery"],
    )
    ranked = ranking.rank(case, Seat.TECHNICAL_INVESTIGATOR)
    assert [c.expert_id for c in ranked.candidates] == [chemist.id, engineer.id]
    assert operations.seats_needed(case) == [Seat.MEDIATOR, Seat.CO_MEDIATOR, Seat.TECHNICAL_INVESTIGATOR]


def test_mediator_accepts_and_mediation_starts(db, ready_case, make_expert, clerk):
    case = ready_case()
    mediator = make_expert()
    with freeze_time("2026-11-26 02:00:00"):
        assignment = operations.propose(case, Seat.MEDIATOR, mediator, actor=clerk)
        assert assignment.answer_due_at == utcnow() + timedelta(hours=48)
        assert assignment.ranking["rank"] == 1
        operations.accept(assignment, mediator, ip_address="127.0.0.1")
    assert case.state == CaseState.MEDIATING
    assert case.mediation_started_at.isoformat() == "2026-11-26T02:00:00+00:00"
    # Thursday 26 Nov: 15 days to 24:00 Beijing on Friday 11 Dec
    assert case.mediation_due_at.isoformat() == "2026-12-11T16:00:00+00:00"
    assert "不存在利害关系" in assignment.declaration_text and assignment.declaration_ip == "127.0.0.1"
    with pytest.raises(AssignmentError):
        operations.accept(assignment, mediator)


def test_excluded_expert_cannot_be_proposed(db, ready_case, make_expert, respondent, clerk):
    case = ready_case()
    conflicted = make_expert()
    db.session.add(
        ExpertAffiliation(
            profile=conflicted.expert_profile,
            kind="client",
            entity_name=respondent.name,
            name_key=name_key(respondent.name),
        )
    )
    with pytest.raises(AssignmentError):
        operations.propose(case, Seat.MEDIATOR, conflicted, actor=clerk)
    assert not case.assignments


def test_decline_moves_to_the_next_candidate(db, ready_case, make_expert, clerk):
    case = ready_case()
    first = make_expert(name="第一", satisfaction=Decimal("5"), ratings=10)
    second = make_expert(name="第二")
    assignment = operations.propose(case, Seat.MEDIATOR, first, actor=clerk)
    with pytest.raises(AssignmentError):
        operations.decline(assignment, first, "")
    following = operations.decline(assignment, first, "与出差时间冲突")
    assert assignment.state == AssignmentState.DECLINED
    assert following.expert_id == second.id and following.state == AssignmentState.PROPOSED
    assert following.proposed_by is None
    # The one who declined is not asked again.
    assert reasons(ranking.rank(case, Seat.MEDIATOR), first) == ["declined_before"]


def test_lapsed_request_moves_on(db, ready_case, make_expert, clerk):
    case = ready_case()
    silent, other = make_expert(satisfaction=Decimal("5"), ratings=5), make_expert()
    assignment = operations.propose(case, Seat.MEDIATOR, silent, actor=clerk)
    following = operations.lapse(assignment)
    assert assignment.state == AssignmentState.EXPIRED and following.expert_id == other.id


def test_recusal_granted_brings_a_replacement(db, ready_case, make_expert, clerk, respondent, claimant):
    case = ready_case()
    first = make_expert(satisfaction=Decimal("5"), ratings=9)
    second = make_expert()
    assignment = operations.propose(case, Seat.MEDIATOR, first, actor=clerk)
    operations.accept(assignment, first)
    with pytest.raises(AssignmentError):
        operations.request_recusal(assignment, respondent, "  ")
    request = operations.request_recusal(assignment, respondent, "调解员曾为申请人提供法律咨询")
    with pytest.raises(AssignmentError):
        operations.decide_recusal(request, claimant, grant=True, reason="x")
    replacement = operations.decide_recusal(request, clerk, grant=True, reason="经核实，存在应当回避情形")
    assert assignment.state == AssignmentState.RECUSED
    assert replacement.expert_id == second.id
    assert request.decision_reason == "经核实，存在应当回避情形"


def test_recusal_refused_keeps_the_expert(db, ready_case, make_expert, clerk, respondent):
    case = ready_case()
    expert = make_expert()
    assignment = operations.propose(case, Seat.MEDIATOR, expert, actor=clerk)
    request = operations.request_recusal(assignment, respondent, "不信任")
    assert operations.decide_recusal(request, clerk, grant=False, reason="理由不成立") is None
    assert assignment.state == AssignmentState.PROPOSED


def test_investigator_notice_is_flagged_when_later_than_3_days(db, ready_case, make_expert, clerk):
    case = ready_case(ip_type="invention_patent", industry="pharmaceuticals")
    prompt = make_expert(Role.TECHNICAL_INVESTIGATOR, fields=["chemistry_pharma"])
    with freeze_time("2026-11-01 08:00:00"):
        on_time = operations.propose(case, Seat.TECHNICAL_INVESTIGATOR, prompt, actor=clerk)
    with freeze_time("2026-11-03 07:59:59"):  # the last second of the expert's 48 hours
        operations.accept(on_time, prompt)
        assert on_time.parties_notified_at is not None and not on_time.notice_late
    # The 3 days run from the assignment taking effect (Tuesday 3 Nov): to 24:00 on Friday 6 Nov.
    notice = db.session.scalar(
        sa.select(Deadline).where(
            Deadline.kind == DeadlineKind.INVESTIGATOR_NOTICE, Deadline.object_id == on_time.id
        )
    )
    assert notice.due_at.isoformat() == "2026-11-06T16:00:00+00:00"
    assert notice.state == DeadlineState.MET and not notice.late
    # A replacement answering after the 48 hours is refused with the hour the limit ended.
    request = operations.request_recusal(on_time, case.respondents[0].user, "曾在被申请人处任职")
    slow = make_expert(Role.TECHNICAL_INVESTIGATOR, fields=["chemistry_pharma"])
    with freeze_time("2026-11-05 08:00:00"):
        replacement = operations.decide_recusal(request, clerk, grant=True, reason="存在回避情形")
        assert replacement.expert_id == slow.id
    with freeze_time("2026-11-07 08:00:00"), pytest.raises(AssignmentError, match="16:00"):
        operations.accept(replacement, slow)


def test_parties_choose_the_same_mediator(db, ready_case, make_expert, claimant, respondent):
    case = ready_case()
    a, b = make_expert(name="甲"), make_expert(name="乙")
    assert operations.choose_mediator(case, claimant, a) is None
    assert operations.choose_mediator(case, respondent, b) is None  # they disagree: the clerk chooses
    assignment = operations.choose_mediator(case, respondent, a)
    assert assignment.expert_id == a.id and assignment.chosen_by_parties
    with pytest.raises(AssignmentError):
        operations.choose_mediator(case, claimant, b)


def accepted(case, seat, user, clerk):
    assignment = operations.propose(case, seat, user, actor=clerk)
    operations.accept(assignment, user)
    return assignment


def test_a_mediation_that_ended_puts_no_more_technical_questions(
    db, ready_case, make_expert, clerk, make_client
):
    """After the mediation failed, the mediator's case page offers no question form, and a post is refused."""
    case = ready_case(ip_type="invention_patent", industry="metallurgy_machinery")
    mediator = make_expert()
    accepted(case, Seat.MEDIATOR, mediator, clerk)
    assert 'action="/cases/%d/questions"' % case.id in make_client(mediator).get(f"/cases/{case.id}").text
    case_ops.terminate_mediation(case, mediator, "双方分歧过大")
    db.session.commit()
    assert not opinions.may_ask(case, mediator)
    with pytest.raises(AssignmentError):  # the seat is released, and the mediation is over
        opinions.ask_question(case, mediator, "被诉设备的揉盘结构是否相同？")
    client = make_client(mediator)
    assert "/questions" not in client.get(f"/cases/{case.id}").text
    client.post(f"/cases/{case.id}/questions", data={"q-text": "还有问题吗？"})
    assert not opinions.open_questions(case)


def test_opinion_visibility_for_each_role(
    db, ready_case, make_expert, clerk, claimant, respondent, make_user
):
    case = ready_case(ip_type="invention_patent", industry="metallurgy_machinery")
    mediator = make_expert()
    investigator = make_expert(Role.TECHNICAL_INVESTIGATOR, fields=["mechanical"])
    accepted(case, Seat.MEDIATOR, mediator, clerk)
    accepted(case, Seat.TECHNICAL_INVESTIGATOR, investigator, clerk)
    question = opinions.ask_question(case, mediator, "被诉设备的揉盘结构是否与权利要求 1 相同？")
    with pytest.raises(AssignmentError):
        opinions.ask_question(case, claimant, "我的问题")
    assert opinions.may_ask(case, mediator) and not opinions.may_ask(case, claimant)
    opinion = opinions.file_opinion(
        case,
        investigator,
        question_ids=[question.id],
        analysis="经比对，结构相同。",
        conclusion="落入保护范围。",
    )
    assert opinion.pdf_sha256 and question.opinion_id == opinion.id
    stranger = make_user(Role.PARTY)
    other_mediator = make_expert()
    readers = {
        u: opinions.can_read_opinions(case, u)
        for u in (mediator, investigator, clerk, claimant, respondent, stranger, other_mediator)
    }
    assert readers == {
        mediator: True,
        investigator: True,
        clerk: True,
        claimant: False,
        respondent: False,
        stranger: False,
        other_mediator: False,
    }
    with pytest.raises(AssignmentError):
        opinions.set_visibility(case, claimant, "parties")
    opinions.set_visibility(case, mediator, "parties")
    assert opinions.can_read_opinions(case, claimant) and opinions.can_read_opinions(case, respondent)
    assert not opinions.can_read_opinions(case, stranger)


def test_experts_see_only_cases_they_accepted(client, db, ready_case, make_expert, clerk):
    case = ready_case(title="指派的案件")
    other = ready_case(title="别人的案件")
    mediator = make_expert()
    assignment = operations.propose(case, Seat.MEDIATOR, mediator, actor=clerk)
    client.login(mediator)
    # Asked but not yet accepted: the request page shows the summary, the case itself stays closed.
    assert client.get(f"/assignments/{assignment.id}").status_code == 200
    assert client.get(f"/cases/{case.id}").status_code == 404
    client.post(
        f"/assignments/{assignment.id}", data={"decision": "accept", "declaration": "y", "password": PASSWORD}
    )
    assert assignment.state == AssignmentState.ACCEPTED
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert client.get(f"/cases/{other.id}").status_code == 404
    listing = client.get("/cases").get_data(as_text=True)
    assert "指派的案件" in listing and "别人的案件" not in listing
    other_request = operations.propose(other, Seat.MEDIATOR, make_expert(), actor=clerk)
    assert client.get(f"/assignments/{other_request.id}").status_code == 404


def test_accepting_needs_the_signature_and_password(client, db, ready_case, make_expert, clerk):
    case = ready_case()
    mediator = make_expert()
    assignment = operations.propose(case, Seat.MEDIATOR, mediator, actor=clerk)
    client.login(mediator)
    page = client.post(
        f"/assignments/{assignment.id}", data={"decision": "accept", "password": PASSWORD}, headers=EN
    ).get_data(as_text=True)
    assert "sign the declaration" in page
    page = client.post(
        f"/assignments/{assignment.id}",
        data={"decision": "accept", "declaration": "y", "password": "wrong-1234"},
        headers=EN,
    ).get_data(as_text=True)
    assert "password is not correct" in page
    assert assignment.state == AssignmentState.PROPOSED
    client.post(f"/assignments/{assignment.id}", data={"decision": "decline", "reason": "时间冲突"})
    assert assignment.state == AssignmentState.DECLINED


def test_clerk_sees_an_explained_ranking_and_asks(client, db, ready_case, make_expert, clerk, respondent):
    case = ready_case()
    good = make_expert(name="推荐人选")
    conflicted = make_expert(name="有冲突者")
    db.session.add(
        ExpertAffiliation(
            profile=conflicted.expert_profile,
            kind="client",
            entity_name=respondent.name,
            name_key=name_key(respondent.name),
        )
    )
    client.login(clerk)
    page = client.get(f"/cases/{case.id}/experts/mediator", headers=EN).get_data(as_text=True)
    assert "推荐人选" in page and "IP specialty" in page and "Current caseload" in page
    assert "Conflict: declared tie with " + respondent.name in page
    client.post(f"/cases/{case.id}/experts/mediator", data={"expert_id": conflicted.id})
    assert not case.assignments
    client.post(f"/cases/{case.id}/experts/mediator", data={"expert_id": good.id})
    assert [a.expert_id for a in case.assignments] == [good.id]
    assert client.get(f"/cases/{case.id}/experts/mediator", headers=EN).status_code == 200


def test_parties_cannot_reach_the_ranking(client, db, ready_case, claimant):
    case = ready_case()
    client.login(claimant)
    assert client.get(f"/cases/{case.id}/experts/mediator").status_code == 403


def test_dashboards(client, db, ready_case, make_expert, clerk):
    case = ready_case()
    mediator = make_expert()
    with freeze_time("2026-11-26 02:00:00"):  # Thursday: 15 days to Friday 11 Dec
        assignment = operations.propose(case, Seat.MEDIATOR, mediator, actor=clerk)
        client.login(clerk)
        overview = client.get("/assignments", headers=EN).get_data(as_text=True)
        assert case.number in overview and mediator.name in overview
        client.login(mediator)
        caseload = client.get("/caseload", headers=EN).get_data(as_text=True)
        assert f"/assignments/{assignment.id}" in caseload
        operations.accept(assignment, mediator)
        caseload = client.get("/caseload", headers=EN).get_data(as_text=True)
    assert case.number in caseload and ">15<" in caseload.replace(" ", "").replace("\n", "")


def test_expert_keeps_own_availability_ties_and_training(client, db, make_expert):
    me = make_expert()
    client.login(me)
    page = client.post(
        "/my/expert-profile",
        data={"which": "unavailability", "u-starts_on": "2026-12-10", "u-ends_on": "2026-12-01"},
        headers=EN,
    ).get_data(as_text=True)
    assert "cannot be before" in page and not me.expert_profile.unavailability
    client.post(
        "/my/expert-profile",
        data={
            "which": "unavailability",
            "u-starts_on": "2026-12-01",
            "u-ends_on": "2026-12-10",
            "u-reason": "出差",
        },
    )
    page = client.post(
        "/my/expert-profile",
        data={
            "which": "affiliation",
            "a-kind": "client",
            "a-entity_name": "某公司",
            "a-credit_code": "91450400MA5K3B7L25",
        },
        headers=EN,
    ).get_data(as_text=True)
    assert "check digit" in page
    client.post(
        "/my/expert-profile",
        data={
            "which": "affiliation",
            "a-kind": "client",
            "a-entity_name": "某公司",
            "a-credit_code": "91450400MA5K3B7L24",
        },
    )
    client.post(
        "/my/expert-profile",
        data={
            "which": "training",
            "t-course": "专利侵权判定",
            "t-completed_on": "2026-03-01",
            "t-hours": "6",
        },
    )
    db.session.refresh(me.expert_profile)
    profile = me.expert_profile
    assert [(u.starts_on.isoformat(), u.reason) for u in profile.unavailability] == [("2026-12-01", "出差")]
    assert [a.name_key for a in profile.affiliations] == ["某公司"]
    assert profile.training_hours(2026) == Decimal("6.0") and not profile.meets_training_target(2026)
    item_id = profile.unavailability[0].id
    client.post(f"/my/expert-profile/unavailability/{item_id}/remove")
    assert (
        db.session.scalar(sa.select(ExpertUnavailability.id).where(ExpertUnavailability.id == item_id))
        is None
    )


def test_clerk_creates_edits_and_suspends_an_expert(client, db, clerk, mediation_org):
    client.login(clerk)
    response = client.post(
        "/experts/new",
        data={
            "name": "新调解员",
            "email": "new.mediator@example.com",
            "phone": "０７７４－３８２１２３４",  # typed on a full-width Chinese keyboard
            "roles": ["mediator", "arbitrator"],
            "organisation_id": mediation_org.id,
            "specialties": ["trademark"],
            "industries": ["liubao_tea"],
            "languages": ["zh", "yue"],
            "station_id": 0,
            "max_open_cases": 6,
            "password": "Mediate-2026",
        },
    )
    assert response.status_code == 302
    profile = db.session.scalar(
        sa.select(ExpertProfile)
        .join(ExpertProfile.user)
        .where(ExpertProfile.user.has(email="new.mediator@example.com"))
    )
    assert profile.specialties == ["trademark"] and profile.user.roles == {Role.MEDIATOR, Role.ARBITRATOR}
    assert profile.user.phone == "0774-3821234"
    client.post(
        f"/experts/{profile.id}/edit",
        data={
            "name": "新调解员",
            "roles": ["mediator"],
            "organisation_id": mediation_org.id,
            "specialties": ["trademark", "copyright"],
            "languages": ["zh"],
            "station_id": 0,
            "max_open_cases": 3,
        },
    )
    assert profile.specialties == ["trademark", "copyright"] and profile.user.roles == {Role.MEDIATOR}
    client.post(f"/experts/{profile.id}/suspend", data={"reason": "长期无法联系"})
    assert profile.status == ExpertStatus.SUSPENDED
    assert "新调解员" in client.get("/experts?q=新").get_data(as_text=True)
    assert "新调解员" not in client.get("/experts?specialty=plant_variety").get_data(as_text=True)


def test_parties_cannot_manage_the_pool(client, db, claimant, make_expert):
    client.login(claimant)
    assert client.get("/experts").status_code == 403
    assert client.get(f"/experts/{make_expert().expert_profile.id}").status_code == 403


def test_assignment_rows_keep_the_score_that_was_shown(db, ready_case, make_expert, clerk):
    case = ready_case()
    expert = make_expert()
    shown = ranking.rank(case, Seat.MEDIATOR).candidates[0]
    assignment = operations.propose(case, Seat.MEDIATOR, expert, actor=clerk)
    stored = db.session.scalar(sa.select(Assignment.ranking).where(Assignment.id == assignment.id))
    assert stored == {
        "rank": 1,
        "score": shown.score,
        "load": 0,
        "cap": 5,
        "parts": {p.code: p.points for p in shown.parts},
    }


def test_experts_keep_access_after_the_case_leaves_mediation(client, db, ready_case, make_expert, clerk):
    from odr.cases.workflow import Action, Capacity, apply, capacities

    case = ready_case()
    mediator = make_expert()
    assignment = operations.propose(case, Seat.MEDIATOR, mediator, actor=clerk)
    operations.accept(assignment, mediator)
    apply(case, Action.TERMINATE, actor=mediator, capacity=Capacity.MEDIATOR)
    assert assignment.state == AssignmentState.RELEASED  # no longer counts against the caseload
    assert ranking.open_loads([mediator.id]) == {}
    # It still served on the case: the mediator reads the case, but acts on it no more.
    assert capacities(case, mediator) == {Capacity.FORMER_MEDIATOR}
    assert client.login(mediator).get(f"/cases/{case.id}").status_code == 200


def test_the_assignments_overview_goes_on_page_by_page(
    client, db, app, monkeypatch, ready_case, make_expert, clerk
):
    """The clerk's overview shows a page of the cases waiting for experts (the longest waiting first)
    and a page of the experts' loads, each going on with Next and back with Previous."""
    import re
    from html import unescape

    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 2)
    monkeypatch.setitem(app.config, "EXPERTS_PER_PAGE", 2)
    cases = [ready_case(title=f"等待指派{k}") for k in range(3)]
    experts = [make_expert(name=f"调解员{k}") for k in range(3)]
    client.login(clerk)

    def link(page, rel):
        found = re.findall(rf'<a class="page-link" rel="{rel}" href="([^"#]+)"', page)
        return [unescape(href) for href in found]

    first = client.get("/assignments", headers=EN).get_data(as_text=True)
    assert all(c.number in first for c in cases[:2]) and cases[2].number not in first
    assert [e.name in first for e in experts] == [True, True, False]
    cases_next, experts_next = link(first, "next")  # two lists, each with its own Next
    assert "after=" in cases_next and "experts_after=" in experts_next
    second = client.get(cases_next, headers=EN).get_data(as_text=True)
    assert cases[2].number in second and cases[0].number not in second and cases[1].number not in second
    assert experts[0].name in second  # the experts' page stays where it was
    back = client.get(link(second, "prev")[0], headers=EN).get_data(as_text=True)
    assert cases[0].number in back and cases[2].number not in back
    theirs = client.get(experts_next, headers=EN).get_data(as_text=True)
    assert experts[2].name in theirs and experts[0].name not in theirs and cases[0].number in theirs
    # A cursor the page never gave out is no page.
    assert client.get("/assignments?after=bm90IGEgY3Vyc29y", headers=EN).status_code == 404
