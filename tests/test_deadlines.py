"""Deadlines with frozen time: the right action at the right moment, exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.cases import operations as case_ops
from odr.cases.models import CaseState
from odr.core.db import utcnow
from odr.deadlines import operations as deadlines
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from odr.experts import operations as expert_ops
from odr.experts.models import AssignmentState, ExpertProfile, Seat

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 2 Nov 2026, 09:00 in Beijing
END_NOV_9 = datetime(2026, 11, 9, 16, 0, tzinfo=UTC)  # 24:00 of Monday 9 Nov: T0 + 7 days (art. 85)


def sweep_at(db, when):
    db.session.commit()  # what the test set up is committed, as a sweep in another process would see it
    with freeze_time(when):
        return deadlines.sweep()


def deadline_of(db, kind, obj):
    return db.session.scalar(sa.select(Deadline).where(Deadline.kind == kind, Deadline.object_id == obj.id))


@pytest.fixture
def accepted_case(db, make_case, clerk, respondent):
    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
    return case


def test_respondent_silent_seven_days_means_not_mediated_once(db, accepted_case):
    deadline = deadline_of(db, DeadlineKind.RESPONDENT_ANSWER, accepted_case)
    assert deadline.due_at == END_NOV_9
    assert sweep_at(db, END_NOV_9 - timedelta(minutes=1)) == 0  # 23:59 of the last day
    assert accepted_case.state == CaseState.AWAITING_RESPONDENT
    assert sweep_at(db, END_NOV_9) == 1  # 00:00 the next day
    db.session.expire_all()
    assert accepted_case.state == CaseState.NOT_MEDIATED
    assert sweep_at(db, T0 + timedelta(days=8)) == 0  # acted on once
    assert deadline_of(db, DeadlineKind.RESPONDENT_ANSWER, accepted_case).state == DeadlineState.MISSED


def test_an_answer_in_time_meets_the_deadline(db, accepted_case, respondent):
    with freeze_time(T0 + timedelta(days=3)):
        case_ops.answer_invitation(accepted_case, respondent, consent=True)
    assert deadline_of(db, DeadlineKind.RESPONDENT_ANSWER, accepted_case).state == DeadlineState.MET
    assert sweep_at(db, T0 + timedelta(days=10)) == 0
    assert accepted_case.state == CaseState.AWAITING_MEDIATOR


def make_expert(db, make_user, clerk, name):
    user = make_user(Role.MEDIATOR, organisation=clerk.organisation, name=name)
    db.session.add(ExpertProfile(user=user, specialties=["geographical_indication"], max_open_cases=5))
    db.session.flush()
    return user


def test_silent_expert_is_replaced_and_mediation_period_runs_out(
    db, accepted_case, respondent, clerk, make_user
):
    first, second = make_expert(db, make_user, clerk, "甲"), make_expert(db, make_user, clerk, "乙")
    with freeze_time(T0 + timedelta(days=1)):
        case_ops.answer_invitation(accepted_case, respondent, consent=True)
        asked = expert_ops.propose(accepted_case, Seat.MEDIATOR, first, actor=clerk)
    assert sweep_at(db, T0 + timedelta(days=3, minutes=1)) == 1  # 48 hours later
    db.session.expire_all()
    assert asked.state == AssignmentState.EXPIRED
    following = next(a for a in accepted_case.assignments if a.state == AssignmentState.PROPOSED)
    assert following.expert_id == second.id
    with freeze_time(T0 + timedelta(days=4)):
        expert_ops.accept(following, second)
    period = deadline_of(db, DeadlineKind.MEDIATION_PERIOD, accepted_case)
    # simple track: 15 days from Friday 6 Nov end on Saturday 21 Nov, a rest day: Monday 23 Nov
    assert period.due_at == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert sweep_at(db, datetime(2026, 11, 23, 15, 59, tzinfo=UTC)) == 0
    assert sweep_at(db, datetime(2026, 11, 23, 16, 0, tzinfo=UTC)) == 1
    db.session.expire_all()
    assert accepted_case.state == CaseState.FAILED
    assert accepted_case.closing_reason == "调解期限届满未达成协议"


def test_work_missed_during_an_outage_is_done_at_the_next_sweep(db, make_case, clerk):
    with freeze_time(T0):
        cases = [make_case() for _ in range(3)]
        for case in cases:
            case_ops.accept_case(case, clerk)
    # The platform was down for two weeks: the first sweep after the start does everything due.
    assert sweep_at(db, T0 + timedelta(days=14)) == 3
    db.session.expire_all()
    assert {c.state for c in cases} == {CaseState.NOT_MEDIATED}


def test_extension_and_pause_arithmetic(db, accepted_case):
    deadline = deadline_of(db, DeadlineKind.RESPONDENT_ANSWER, accepted_case)
    with pytest.raises(deadlines.DeadlineError):
        deadlines.extend(deadline, T0 + timedelta(days=9), reason=" ", agreed_by=[])
    with pytest.raises(deadlines.DeadlineError):
        deadlines.extend(deadline, T0 + timedelta(days=6), reason="x", agreed_by=[1])
    deadlines.extend(deadline, T0 + timedelta(days=10), reason="被申请人请求延期", agreed_by=[2, 1])
    assert deadline.due_at == T0 + timedelta(days=10) and deadline.extensions == 1
    with freeze_time(T0 + timedelta(days=4)):
        deadlines.pause(deadline, reason="等待补充材料")
        assert deadline.remaining_seconds == 6 * 24 * 3600
    assert sweep_at(db, T0 + timedelta(days=12)) == 0  # a paused clock does not run out
    with freeze_time(T0 + timedelta(days=20)):
        deadlines.resume(deadline)
        # the six days left run from Sunday 22 Nov: Saturday 28 Nov, a rest day, so Monday 30 Nov
        assert deadline.due_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert sweep_at(db, datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == 0
    assert sweep_at(db, datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == 1


def test_session_reminders(db, make_case, clerk, claimant, respondent, make_user):
    from odr.rooms import operations as rooms
    from odr.rooms import sessions
    from odr.rooms.models import Message, Room, RoomKind

    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=True)
        mediator = make_expert(db, make_user, clerk, "调解员")
        expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
        joint = db.session.scalar(sa.select(Room).where(Room.case_id == case.id, Room.kind == RoomKind.JOINT))
        rooms.set_open(joint, mediator, True)
        sessions.schedule(
            joint,
            mediator,
            starts_at=T0 + timedelta(days=3),
            duration_minutes=60,
            agenda="调解",
            participant_ids=[claimant.id],
        )
    assert sweep_at(db, T0 + timedelta(days=2, minutes=1)) == 1  # 24 hours before
    assert sweep_at(db, T0 + timedelta(days=2, hours=23, minutes=1)) == 1  # 1 hour before
    notices = db.session.scalars(
        sa.select(Message.body).where(Message.room_id == joint.id, Message.body.like("%session_reminder%"))
    ).all()
    assert len(notices) == 2


def test_case_page_shows_running_time_limits(client, db, accepted_case, claimant):
    with freeze_time(T0 + timedelta(days=2)):
        page = client.login(claimant).get(f"/cases/{accepted_case.id}", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert "answer to the invitation" in text and "until 24:00 on 9 Nov 2026 · 5 days left" in " ".join(
        text.split()
    )


def test_only_one_process_leads_the_sweep(app):
    from odr.deadlines.scheduler import Leadership
    from odr.extensions import db as _db

    with app.app_context():
        first, second = Leadership(_db.engine), Leadership(_db.engine)
        try:
            if _db.engine.dialect.name != "postgresql":
                assert first.held() and second.held()  # the embedded default has one process
                return
            assert first.held() and not second.held()
            first.release()  # the leader goes away: the other takes over at its next tick
            assert second.held()
        finally:
            first.release()
            second.release()


def test_the_sweep_does_not_wait_for_the_statistics(app, db, monkeypatch):
    """Building the statistics the first time takes minutes over years of cases: the sweep's tick
    acts on what is due without them, and the statistics have a job of their own."""
    from odr.deadlines import scheduler
    from odr.stats import facts

    def refresh():
        raise AssertionError("the sweep's tick waited for the statistics")

    monkeypatch.setattr(facts, "refresh", refresh)
    due = Deadline(
        kind=DeadlineKind.SESSION_REMINDER_1H,
        object_type="mediation_sessions",
        object_id=-1,
        due_at=utcnow() - timedelta(minutes=1),
        state=DeadlineState.PENDING,
    )
    db.session.add(due)
    db.session.commit()
    leadership = scheduler.Leadership(db.engine)
    try:
        scheduler.tick(app, leadership)
        assert db.session.get(Deadline, due.id).state != DeadlineState.PENDING
        jobs = BackgroundScheduler(timezone="UTC")
        scheduler._schedule(jobs, app)
        assert {"deadline-sweep", "statistics-refresh"} <= {job.id for job in jobs.get_jobs()}
        called = []
        monkeypatch.setattr(facts, "refresh", lambda: called.append(True))
        scheduler.statistics_tick(app, leadership)
        assert called
    finally:
        leadership.release()


def test_dashboard_counts_down_the_next_time_limits(client, db, accepted_case, claimant, make_user):
    with freeze_time(T0 + timedelta(days=7, hours=12)):  # 21:00 of the last day
        page = (
            client.login(claimant).get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
        )
    assert accepted_case.number in page and "today is the last day" in page
    stranger = make_user()
    assert accepted_case.number not in client.login(stranger).get("/dashboard").get_data(as_text=True)


def test_overlapping_sweeps_act_on_each_deadline_once(app):
    """Two sweeps at once (as two processes would, e.g. during a leader hand-over): each due
    deadline is acted on exactly once. Runs on committed data, cleaned up afterwards."""
    import threading

    from odr.audit.models import AuditEntry
    from odr.extensions import db as _db

    with app.app_context():
        head = _db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.position), 0)))
        due = datetime.now(UTC) - timedelta(minutes=5)
        rows = [
            Deadline(
                kind=DeadlineKind.SESSION_REMINDER_1H,
                object_type="mediation_sessions",
                object_id=-(n + 1),
                due_at=due,
                state=DeadlineState.PENDING,
            )
            for n in range(40)
        ]
        _db.session.add_all(rows)
        _db.session.commit()
        ids = [d.id for d in rows]
        _db.session.remove()
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def sweeper():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                counts.append(deadlines.sweep())
                _db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert not errors, errors
        assert sum(counts) == 40
        with app.app_context():
            acted = _db.session.scalars(
                sa.select(AuditEntry.object_id).where(
                    AuditEntry.action == "deadline.acted", AuditEntry.position > head
                )
            ).all()
            assert sorted(acted) == sorted(ids)  # each once
            states = set(_db.session.scalars(sa.select(Deadline.state).where(Deadline.id.in_(ids))))
            assert states == {DeadlineState.MISSED}
    finally:
        with app.app_context():
            _db.session.execute(sa.delete(AuditEntry).where(AuditEntry.position > head))
            _db.session.execute(sa.delete(Deadline).where(Deadline.id.in_(ids)))
            _db.session.commit()
            _db.session.remove()
