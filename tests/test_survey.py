"""The satisfaction survey: asked once per party when a case ends, answered once, reminded at 7
days, closed at 30; anonymous in every figure, an expert's own figures from 5 answers; the
ranking's satisfaction part fed by the answers."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.cases import operations as case_ops
from odr.deadlines.operations import sweep
from odr.experts import operations as expert_ops
from odr.experts import ranking
from odr.experts.models import ExpertProfile, Seat
from odr.notifications.mail import OutboxMail
from odr.notifications.models import Notification
from odr.survey import operations, results
from odr.survey.models import ExpertScore, SurveyAnswer, SurveyInvitation
from odr.survey.operations import SurveyError


def sweep_at(db, when):
    db.session.commit()  # what the test set up is committed, as a sweep in another process would see it
    with freeze_time(when):
        return sweep()


GOOD = {"overall": 5, "fairness": 4, "professionalism": 5, "speed": 3, "cost": 4, "would_use_again": 5}


def invitations(db, case):
    return db.session.scalars(sa.select(SurveyInvitation).where(SurveyInvitation.case_id == case.id)).all()


def form(ratings=GOOD, comment=""):
    return {**{k: str(v) for k, v in ratings.items()}, "comment": comment}


def test_each_party_is_asked_once_when_mediation_fails(db, failed_case, claimant, respondent):
    asked = invitations(db, failed_case)
    assert sorted(i.user_id for i in asked) == sorted([claimant.id, respondent.id])
    assert {i.ended_as.value for i in asked} == {"failed"}
    assert all(i.closes_at - i.asked_at == timedelta(days=30) for i in asked)
    notes = db.session.scalars(sa.select(Notification).where(Notification.code == "survey.asked")).all()
    assert sorted(n.user_id for n in notes) == sorted([claimant.id, respondent.id])
    mails = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.to_address == claimant.email)).all()
    assert any("survey" in m.body for m in mails)  # the claimant reads English (make_user's default)
    # The case ending again (handed over after failing) does not ask a second time.
    assert operations.ask(failed_case, "handed_over") == []
    assert len(invitations(db, failed_case)) == 2


def test_withdrawal_before_mediation_asks_nobody(db, make_case, claimant):
    case = make_case()
    case_ops.withdraw_case(case, claimant, "已和解")
    assert invitations(db, case) == []


def test_the_party_answers_once_through_the_form(db, failed_case, claimant, make_client):
    invitation = next(i for i in invitations(db, failed_case) if i.user_id == claimant.id)
    browser = make_client(claimant)
    page = browser.get("/surveys/")
    assert page.status_code == 200 and failed_case.number in page.text
    # A missing rating is named and what was typed stays on the form.
    incomplete = {**form(comment="调解员很耐心"), "speed": ""}
    answer = browser.post(f"/surveys/{invitation.id}", data=incomplete)
    assert (
        answer.status_code == 200
        and "Choose a rating from 1" in answer.text
        and "调解员很耐心" in answer.text
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 0
    done = browser.post(f"/surveys/{invitation.id}", data=form(comment="调解员很耐心"))
    assert done.status_code == 302
    stored = db.session.scalars(sa.select(SurveyAnswer)).all()
    assert len(stored) == 1 and stored[0].overall == 5 and stored[0].comment == "调解员很耐心"
    # Posting again stores nothing more.
    again = browser.post(f"/surveys/{invitation.id}", data=form(), follow_redirects=True)
    assert "already answered" in again.text or "You answered this survey" in again.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 1
    with pytest.raises(SurveyError):
        operations.answer(invitation, claimant, GOOD)


def test_someone_elses_survey_is_not_found(db, failed_case, claimant, respondent, make_client):
    invitation = next(i for i in invitations(db, failed_case) if i.user_id == claimant.id)
    assert make_client(respondent).post(f"/surveys/{invitation.id}", data=form()).status_code == 404
    assert make_client(respondent).get(f"/surveys/{invitation.id}").status_code == 404


def test_out_of_range_ratings_are_refused(db, failed_case, claimant):
    invitation = next(i for i in invitations(db, failed_case) if i.user_id == claimant.id)
    with pytest.raises(SurveyError):
        operations.answer(invitation, claimant, {**GOOD, "cost": 6})
    with pytest.raises(SurveyError):
        operations.answer(invitation, claimant, {**GOOD, "cost": None})


def test_reminder_after_seven_days_and_none_after_thirty(db, failed_case, claimant, respondent):
    asked_at = invitations(db, failed_case)[0].asked_at
    mine = next(i for i in invitations(db, failed_case) if i.user_id == claimant.id)
    with freeze_time(asked_at + timedelta(days=1)):
        operations.answer(mine, claimant, GOOD)
    reminders = lambda: db.session.scalars(  # noqa: E731
        sa.select(Notification.user_id).where(Notification.code == "survey.reminder")
    ).all()
    sweep_at(db, asked_at + timedelta(days=7) - timedelta(minutes=1))
    assert reminders() == []
    sweep_at(db, asked_at + timedelta(days=7))
    assert reminders() == [respondent.id]  # the one who answered is not reminded
    sweep_at(db, asked_at + timedelta(days=30))
    with freeze_time(asked_at + timedelta(days=30)):
        theirs = next(i for i in invitations(db, failed_case) if i.user_id == respondent.id)
        db.session.refresh(theirs)
        assert theirs.closed_at is not None
        with pytest.raises(SurveyError):
            operations.answer(theirs, respondent, GOOD)
    sweep_at(db, asked_at + timedelta(days=60))
    assert reminders() == [respondent.id]


def test_a_survey_past_thirty_days_refuses_answers_before_the_sweep(db, failed_case, respondent):
    theirs = next(i for i in invitations(db, failed_case) if i.user_id == respondent.id)
    with freeze_time(theirs.asked_at + timedelta(days=30)), pytest.raises(SurveyError):
        operations.answer(theirs, respondent, GOOD)


def test_answers_name_no_party_and_staff_read_comments_without_names(
    db, failed_case, claimant, respondent, clerk, make_client
):
    for user, comment in ((claimant, "流程清楚"), (respondent, "费用偏高")):
        invitation = next(i for i in invitations(db, failed_case) if i.user_id == user.id)
        operations.answer(invitation, user, GOOD, comment)
    columns = set(SurveyAnswer.__table__.columns.keys())
    assert not columns & {"party_id", "user_id", "invitation_id"}
    page = make_client(clerk).get("/surveys/results")
    assert page.status_code == 200
    assert "流程清楚" in page.text and "费用偏高" in page.text
    for name in (claimant.name, respondent.name, failed_case.number, failed_case.title):
        assert name not in page.text
    # Two answers are too few for means.
    assert 'data-testid="survey-hidden"' in page.text
    assert make_client(claimant).get("/surveys/results").status_code == 403


@pytest.fixture
def served(db, make_case, clerk, make_user, respondent):
    """end(n): n cases mediated by one mediator and ended by failure, each with two parties asked."""
    mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="满意度调解员")
    db.session.add(ExpertProfile(user=mediator, specialties=["geographical_indication"], max_open_cases=50))
    db.session.flush()

    def end(n):
        cases = []
        for _ in range(n):
            case = make_case(respondents=[respondent])
            case_ops.accept_case(case, clerk)
            case_ops.answer_invitation(case, respondent, consent=True)
            expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
            case_ops.terminate_mediation(case, mediator, "双方分歧较大")
            cases.append(case)
        return cases

    return mediator, end


def answer_all(db, cases, claimant, respondent, overall_values):
    values = iter(overall_values)
    for case in cases:
        for user in (claimant, respondent):
            invitation = next(i for i in invitations(db, case) if i.user_id == user.id)
            value = next(values, None)
            if value is not None:
                operations.answer(invitation, user, {**GOOD, "overall": value})


def test_expert_sees_own_figures_from_five_answers(db, served, claimant, respondent, make_client):
    mediator, end = served
    cases = end(3)
    answer_all(db, cases, claimant, respondent, [5, 4, 3, 5])
    page = make_client(mediator).get("/surveys/mine")
    assert "4 answers so far" in page.text and 'data-question="overall"' not in page.text
    assert results.for_expert(mediator.id).means == {}
    third = next(i for i in invitations(db, cases[2]) if i.user_id == respondent.id)
    operations.answer(third, respondent, {**GOOD, "overall": 2})
    summary = results.for_expert(mediator.id)
    assert summary.answers == 5 and summary.means["overall"] == pytest.approx((5 + 4 + 3 + 5 + 2) / 5)
    page = make_client(mediator).get("/surveys/mine")
    assert 'data-question="overall">3.80<' in page.text


def test_ranking_reads_the_answers_with_their_count(db, served, claimant, respondent, make_case):
    mediator, end = served
    cases = end(3)
    answer_all(db, cases, claimant, respondent, [5, 5, 4, 5])
    fresh = make_case(ip_type="geographical_indication")

    def satisfaction_part():
        candidate = next(
            c for c in ranking.rank(fresh, Seat.MEDIATOR).candidates if c.expert_id == mediator.id
        )
        return next(p for p in candidate.parts if p.code == "satisfaction")

    part = satisfaction_part()
    # Four answers: too few to count, so the neutral share, and the explanation says how many.
    assert part.detail == {"score": None, "ratings": 4, "minimum": 5}
    assert part.points == round(15 * ranking.NEUTRAL_SHARE, 1)
    last = next(i for i in invitations(db, cases[2]) if i.user_id == respondent.id)
    operations.answer(last, respondent, {**GOOD, "overall": 3})
    part = satisfaction_part()
    assert part.detail == {"score": 4.4, "ratings": 5, "minimum": 5}
    assert part.points == round(15 * 4.4 / 5, 1)


def test_expert_totals_equal_the_answers_themselves(db, served, claimant, respondent):
    mediator, end = served
    cases = end(2)
    answer_all(db, cases, claimant, respondent, [1, 2, 5])
    score = db.session.get(ExpertScore, mediator.id)
    direct = db.session.execute(
        sa.select(sa.func.count(), sa.func.sum(SurveyAnswer.overall)).where(
            SurveyAnswer.case_id.in_([c.id for c in cases])
        )
    ).one()
    assert (score.answers, score.overall_total) == tuple(direct) == (3, 8)


def test_party_sees_the_survey_on_the_case_page(db, failed_case, claimant, make_client):
    page = make_client(claimant).get(f"/cases/{failed_case.id}")
    assert page.status_code == 200 and 'id="survey"' in page.text and "/surveys/" in page.text
