"""Extending the mediation period with every party's consent, with frozen time."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.audit.models import AuditEntry
from odr.cases.models import CaseState
from odr.deadlines import extending
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState, ExtensionState
from tests.deadline_support import T0, end_of, english, mediating_case, notes, sweep_at  # noqa: F401  (english: fixture)

EN = {"Accept-Language": "en"}
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def mediation(db, make_case, make_user, clerk, respondent):
    case, mediator = mediating_case(db, make_case, make_user, clerk, respondent)
    return case, mediator


def period(db, case):
    return db.session.scalar(
        sa.select(Deadline).where(
            Deadline.kind == DeadlineKind.MEDIATION_PERIOD, Deadline.object_id == case.id
        )
    )


def test_every_party_consents_and_the_period_moves(db, mediation, claimant, respondent, clerk):
    case, mediator = mediation
    assert period(db, case).due_at == end_of("2026-11-17")
    with freeze_time(T0 + timedelta(days=10)):
        proposal = extending.propose_extension(case, mediator, days=10, reason="双方正在协商许可费")
    assert proposal.new_due_at == end_of("2026-11-27")
    assert notes(db, claimant, "extension.proposed") == ["extension.proposed"]
    assert notes(db, respondent, "extension.proposed") == ["extension.proposed"]
    with freeze_time(T0 + timedelta(days=11)):
        extending.answer_extension(proposal, case, claimant, agreed=True)
    assert period(db, case).due_at == end_of("2026-11-17")  # one consent is not enough
    with freeze_time(T0 + timedelta(days=12)):
        extending.answer_extension(proposal, case, respondent, agreed=True)
    deadline = period(db, case)
    assert deadline.due_at == end_of("2026-11-27") and deadline.extensions == 1
    assert case.mediation_due_at == end_of("2026-11-27")
    assert proposal.state == ExtensionState.AGREED
    extended = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "deadline.extended", AuditEntry.case_id == case.id)
    )
    assert '"agreed_by":[%d,%d]' % tuple(sorted([claimant.id, respondent.id])) in extended.details
    assert "双方正在协商许可费" in extended.details
    assert "extension.agreed" in notes(db, mediator) and "extension.agreed" in notes(db, clerk)
    # The old end passes without effect; the new one ends mediation.
    assert sweep_at(db, end_of("2026-11-17")) == 0
    assert sweep_at(db, end_of("2026-11-27")) == 1
    db.session.expire_all()
    assert case.state == CaseState.FAILED
    assert "deadline.escalated" in notes(db, mediator) and "deadline.escalated" in notes(db, clerk)


def test_one_refusal_ends_the_proposal(db, mediation, claimant, respondent):
    case, mediator = mediation
    with freeze_time(T0 + timedelta(days=3)):
        proposal = extending.propose_extension(case, mediator, on_date=date(2026, 11, 27), reason="等待鉴定")
        extending.answer_extension(proposal, case, claimant, agreed=True)
        with pytest.raises(extending.ExtensionError, match="Say why"):
            extending.answer_extension(proposal, case, respondent, agreed=False)
        extending.answer_extension(proposal, case, respondent, agreed=False, reason="不愿再拖延")
        assert proposal.state == ExtensionState.REFUSED
        assert period(db, case).due_at == end_of("2026-11-17")
        assert "extension.refused" in notes(db, mediator)
        with pytest.raises(extending.ExtensionError, match="no longer open"):
            extending.answer_extension(proposal, case, claimant, agreed=True)
        # A new proposal may follow a refusal.
        again = extending.propose_extension(case, mediator, days=5, reason="再次请求")
    assert again.state == ExtensionState.OPEN


def test_bad_proposals_are_refused_with_a_reason(db, mediation, claimant):
    case, mediator = mediation
    bad = [
        ({"days": 5}, claimant, "Only the mediator"),
        ({"days": 5, "on_date": date(2026, 11, 30)}, mediator, "not both"),
        ({}, mediator, "not both"),
        ({"days": 31}, mediator, "1 to 30 days"),
        ({"on_date": date(2026, 11, 4)}, mediator, "in the past"),
        ({"on_date": date(2026, 11, 16)}, mediator, "must be after the current end"),
        ({"on_date": date(2026, 12, 30)}, mediator, "at most 30 days"),
    ]
    with freeze_time(T0 + timedelta(days=5)):  # 7 November; the period ends 17 November 24:00 Beijing
        for kwargs, who, message in bad:
            with pytest.raises(extending.ExtensionError, match=message):
                extending.propose_extension(case, who, reason="理由", **kwargs)
        with pytest.raises(extending.ExtensionError, match="Give the reason"):
            extending.propose_extension(case, mediator, days=3, reason="  ")
        proposal = extending.propose_extension(case, mediator, on_date=date(2026, 11, 20), reason="理由")
        assert proposal.new_due_at == end_of("2026-11-20")  # 24:00 of the agreed day
        with pytest.raises(extending.ExtensionError, match="already waiting"):
            extending.propose_extension(case, mediator, days=3, reason="理由")


def test_an_open_proposal_lapses_when_the_period_runs_out(db, mediation, claimant):
    case, mediator = mediation
    with freeze_time(T0 + timedelta(days=14)):
        proposal = extending.propose_extension(case, mediator, days=7, reason="理由")
        extending.answer_extension(proposal, case, claimant, agreed=True)
    assert sweep_at(db, end_of("2026-11-17")) == 1
    db.session.expire_all()
    assert case.state == CaseState.FAILED and proposal.state == ExtensionState.LAPSED
    assert period(db, case).state == DeadlineState.MISSED


def test_withdrawing_a_proposal(db, mediation, claimant):
    case, mediator = mediation
    with freeze_time(T0 + timedelta(days=2)):
        proposal = extending.propose_extension(case, mediator, days=7, reason="理由")
        with pytest.raises(extending.ExtensionError):
            extending.withdraw_extension(proposal, case, claimant)
        extending.withdraw_extension(proposal, case, mediator)
    assert proposal.state == ExtensionState.WITHDRAWN and "extension.withdrawn" in notes(db, claimant)


def test_the_case_page_proposes_and_the_parties_answer(db, mediation, make_client, claimant, respondent):
    case, mediator = mediation
    with freeze_time(T0 + timedelta(days=5)):
        as_mediator, as_claimant, as_respondent = (
            make_client(mediator),
            make_client(claimant),
            make_client(respondent),
        )
        page = as_mediator.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
        assert "Propose an extension" in page
        # A date in the past: a clear message, nothing stored.
        response = as_mediator.post(
            f"/cases/{case.id}/extension",
            data={"ext-new_date": "2026-11-01", "ext-reason": "理由"},
            headers=EN,
            follow_redirects=True,
        )
        assert response.status_code == 400 and "The new end date is in the past." in response.get_data(
            as_text=True
        )
        assert extending.open_proposal(case) is None
        # Not a date at all.
        response = as_mediator.post(
            f"/cases/{case.id}/extension",
            data={"ext-new_date": "next week", "ext-reason": "理由"},
            headers=EN,
            follow_redirects=True,
        )
        assert (
            response.status_code == 400
            and "Or: new end date: Not a valid date value." in response.get_data(as_text=True)
        )
        response = as_mediator.post(
            f"/cases/{case.id}/extension", data={"ext-days": "7", "ext-reason": "需要补充证据"}, headers=EN
        )
        assert response.status_code == 302
        proposal = extending.open_proposal(case)
        assert proposal is not None
        page = as_claimant.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
        assert "需要补充证据" in page and "I consent to the extension" in page
        # A refusal without a reason is sent back with a message.
        response = as_respondent.post(
            f"/cases/{case.id}/extension/{proposal.id}/answer",
            data={"extans-decision": "refuse"},
            headers=EN,
            follow_redirects=True,
        )
        assert "Say why you refuse the extension" in response.get_data(as_text=True)
        as_claimant.post(
            f"/cases/{case.id}/extension/{proposal.id}/answer", data={"extans-decision": "consent"}
        )
        as_respondent.post(
            f"/cases/{case.id}/extension/{proposal.id}/answer", data={"extans-decision": "consent"}
        )
    db.session.expire_all()
    assert proposal.state == ExtensionState.AGREED
    assert case.mediation_due_at == end_of("2026-11-24")
