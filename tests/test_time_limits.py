"""Every time limit counted the way Chinese law counts it (Civil Procedure Law 2023 art. 85), with
frozen time at each boundary: 23:59 of the last day is in time, 00:00 the next day is too late; a
last day on a Saturday, a Sunday or a public holiday moves to the next working day, a make-up
working day does not; months and years end on the corresponding date; hours run to the minute.
And the table the engine reads is the one docs/time-limits.md shows."""

import logging
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.cases import operations as case_ops
from odr.cases.models import CaseState
from odr.cases.workflow import TransitionError
from odr.core.timeutil import SHANGHAI
from odr.deadlines import calendar, limits
from odr.deadlines import operations as deadlines
from odr.deadlines.calendar import Count, add_months
from odr.deadlines.display import days_left, until_text
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from tests.deadline_support import T0, end_of, english, mediating_case, sweep_at  # noqa: F401

K = DeadlineKind
ROOT = Path(__file__).resolve().parent.parent


def at_nine(day: date) -> datetime:
    """09:00 Beijing time on DAY: the event that starts a period."""
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI).astimezone(UTC)


# The calendar ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_day", "ends_on", "why"),
    [
        ("2026-11-06", "2026-11-06", "a Friday: a working day"),
        ("2026-11-07", "2026-11-09", "a Saturday moves to Monday"),
        ("2026-11-08", "2026-11-09", "a Sunday moves to Monday"),
        ("2026-10-01", "2026-10-08", "National Day: the holiday runs to 7 Oct"),
        ("2026-10-10", "2026-10-10", "a Saturday that is a make-up working day"),
        ("2026-01-01", "2026-01-04", "New Year's Day 2026: Sunday 4 Jan is a make-up working day"),
        ("2026-02-14", "2026-02-14", "Saturday 14 Feb 2026, make-up working day before the Spring Festival"),
        ("2026-02-16", "2026-02-24", "the Spring Festival holiday runs to 23 Feb"),
    ],
)
def test_a_period_in_days_ends_at_24_00_of_its_last_working_day(db, last_day, ends_on, why):
    last = date.fromisoformat(last_day)
    start = at_nine(last - timedelta(days=30))
    assert calendar.period_end(Count.DAYS, start, 30) == end_of(ends_on), why


def test_the_day_of_the_event_is_not_counted_whatever_its_hour(db):
    late_evening = datetime(2026, 11, 2, 23, 59, tzinfo=SHANGHAI)
    early_morning = datetime(2026, 11, 2, 0, 1, tzinfo=SHANGHAI)
    assert calendar.period_end(Count.DAYS, late_evening, 3) == end_of("2026-11-05")
    assert calendar.period_end(Count.DAYS, early_morning, 3) == end_of("2026-11-05")


@pytest.mark.parametrize(
    ("start", "count", "n", "ends_on"),
    [
        ("2026-12-21", Count.YEARS, 2, "2028-12-21"),  # across 29 Feb 2028: not 730 days
        ("2028-02-29", Count.YEARS, 1, "2029-02-28"),  # no 29 Feb: the last day of February
        ("2026-01-31", Count.MONTHS, 1, "2026-02-28"),  # a Saturday, but a make-up working day
        ("2026-09-30", Count.MONTHS, 1, "2026-10-30"),
        ("2026-07-31", Count.MONTHS, 1, "2026-08-31"),
        ("2026-10-07", Count.MONTHS, 1, "2026-11-09"),  # Saturday 7 Nov: Monday 9 Nov
        ("2028-01-31", Count.MONTHS, 1, "2028-02-29"),  # a leap year's February (a Tuesday)
        ("2026-03-31", Count.MONTHS, 1, "2026-04-30"),
        ("2024-11-07", Count.YEARS, 2, "2026-11-09"),  # 7 Nov 2026 is a Saturday: Monday 9 Nov
        ("2024-10-01", Count.YEARS, 2, "2026-10-08"),  # National Day 2026: 8 Oct
    ],
)
def test_months_and_years_end_on_the_corresponding_date(db, start, count, n, ends_on):
    assert calendar.period_end(count, at_nine(date.fromisoformat(start)), n) == end_of(ends_on)


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 21), 24) == date(2028, 12, 21)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_hours_are_exact_to_the_minute_and_ignore_rest_days(db):
    friday_evening = datetime(2026, 11, 6, 18, 37, tzinfo=SHANGHAI)
    assert calendar.period_end(Count.HOURS, friday_evening, 48) == friday_evening + timedelta(hours=48)


def test_a_year_without_a_schedule_counts_weekends_only_and_says_so(db, caplog):
    # 2027's schedule is not in the package: Friday 1 Jan 2027 is counted as a working day.
    with caplog.at_level(logging.WARNING, logger="odr.deadlines.calendar"):
        assert calendar.period_end(Count.DAYS, at_nine(date(2026, 12, 2)), 30) == end_of("2027-01-01")
    assert "no holiday schedule for 2027" in caplog.text
    # Once an administrator enters it, the same period moves past the holiday.
    from odr.deadlines import restdays

    restdays.import_csv("2027-01-01,holiday,元旦\n", actor=None)
    assert calendar.period_end(Count.DAYS, at_nine(date(2026, 12, 2)), 30) == end_of("2027-01-04")


# Every limit in the table ------------------------------------------------------------------------

DAY_KINDS = [k for k, lim in limits.LIMITS.items() if lim.count == Count.DAYS]


@pytest.mark.parametrize("kind", DAY_KINDS, ids=str)
@pytest.mark.parametrize(
    ("last_day", "ends_on"),
    [
        ("2026-11-06", "2026-11-06"),  # Friday
        ("2026-11-07", "2026-11-09"),  # Saturday
        ("2026-11-08", "2026-11-09"),  # Sunday
        ("2026-10-02", "2026-10-08"),  # National Day holiday
        ("2026-10-10", "2026-10-10"),  # make-up working day
    ],
)
def test_every_limit_in_days_moves_past_rest_days_only(db, kind, last_day, ends_on):
    length = limits.limit(kind).length_of("simple")
    start = at_nine(date.fromisoformat(last_day) - timedelta(days=length))
    assert limits.due(kind, start, key="simple") == end_of(ends_on)


@pytest.mark.parametrize("kind", [k for k, lim in limits.LIMITS.items() if lim.count == Count.HOURS], ids=str)
def test_every_limit_in_hours_is_exact(db, kind):
    start = datetime(2026, 11, 6, 18, 37, tzinfo=SHANGHAI)  # a Friday evening
    assert limits.due(kind, start) == start + timedelta(hours=limits.limit(kind).length_of())


def test_an_agreed_date_ends_at_24_00_of_that_date_even_on_a_saturday(db):
    assert limits.due(K.OBLIGATION_DUE, date(2026, 11, 7)) == end_of("2026-11-07")


def _fake(kind, n):
    """An object with no row behind it: the engine's rules apply, the handler finds nothing to do."""
    tables = {"cases", "assignments", "agreements", "confirmation_applications", "tribunal_seats"}
    return SimpleNamespace(__tablename__=sorted(tables)[n % len(tables)], id=-(10_000 + n))


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("kind", list(limits.LIMITS), ids=str)
def test_every_limit_allows_23_59_and_ends_at_00_00(db, kind):
    lim = limits.limit(kind)
    obj = _fake(kind, list(limits.LIMITS).index(kind))
    start = at_nine(date(2026, 11, 2))
    due = limits.due(kind, start, key="simple") if lim.count != Count.DATE else end_of("2026-11-12")
    with freeze_time(start):
        deadline = deadlines.create(kind, obj, due)
    # An act at the last minute is in time.
    assert deadlines.check_in_time(kind, obj, now=due - timedelta(minutes=1)) == deadline
    # At the limit: a bar refuses the act; a duty (the court's, the commission's) lets it through.
    if lim.duty:
        assert deadlines.check_in_time(kind, obj, now=due) == deadline
    elif lim.checked:
        with pytest.raises(deadlines.DeadlineError, match="Too late"):
            deadlines.check_in_time(kind, obj, now=due)
    # The sweep leaves it at 23:59 and acts at 00:00.
    sweep_at(db, due - timedelta(minutes=1))
    assert db.session.get(Deadline, deadline.id).state == DeadlineState.PENDING
    sweep_at(db, due)
    assert db.session.get(Deadline, deadline.id).state == DeadlineState.MISSED
    if lim.checked and not lim.duty:
        with pytest.raises(deadlines.DeadlineError, match="Too late"):
            deadlines.check_in_time(kind, obj, now=due - timedelta(minutes=1))  # swept: over


# Acts at the boundary, as users take them ---------------------------------------------------------


@pytest.fixture
def two_accepted_cases(db, make_case, clerk, respondent):
    with freeze_time(T0):  # Monday 2 Nov 2026, 09:00 Beijing: 7 days to 24:00 on Monday 9 Nov
        cases = [make_case(respondents=[respondent]) for _ in range(2)]
        for case in cases:
            case_ops.accept_case(case, clerk)
    return cases


@pytest.mark.usefixtures("english")
def test_the_respondent_answers_at_23_59_of_the_7th_day_but_not_at_00_00(db, two_accepted_cases, respondent):
    in_time, too_late = two_accepted_cases
    end = end_of("2026-11-09")
    with freeze_time(end - timedelta(seconds=1)):
        case_ops.answer_invitation(in_time, respondent, consent=True)
    assert in_time.state == CaseState.AWAITING_MEDIATOR
    with freeze_time(end), pytest.raises(TransitionError, match="ended at 24:00 on 9 Nov 2026"):
        case_ops.answer_invitation(too_late, respondent, consent=True)  # before any sweep ran
    assert too_late.state == CaseState.AWAITING_RESPONDENT
    assert sweep_at(db, end) == 1
    db.session.expire_all()
    assert too_late.state == CaseState.NOT_MEDIATED
    assert in_time.state == CaseState.AWAITING_MEDIATOR


@pytest.mark.usefixtures("english")
def test_a_consent_to_an_extension_after_the_period_ended_is_refused(
    db, make_case, make_user, clerk, claimant, respondent
):
    from odr.deadlines import extending

    case, mediator = mediating_case(db, make_case, make_user, clerk, respondent)
    with freeze_time(T0 + timedelta(days=10)):
        proposal = extending.propose_extension(case, mediator, days=10, reason="双方正在协商")
        extending.answer_extension(proposal, case, claimant, agreed=True)
    # The period (15 days from Monday 2 Nov) ended at 24:00 on Tuesday 17 Nov; the last consent
    # comes on the 18th, before the sweep: it must not revive the mediation.
    too_late = freeze_time(end_of("2026-11-17") + timedelta(hours=2))
    with too_late, pytest.raises(extending.ExtensionError, match="ended at 24:00 on 17 Nov 2026"):
        extending.answer_extension(proposal, case, respondent, agreed=True)
    assert sweep_at(db, end_of("2026-11-17") + timedelta(hours=3)) == 1
    db.session.expire_all()
    assert case.state == CaseState.FAILED


def test_the_courts_late_acceptance_is_allowed_and_recorded_late(
    db, effective, claimant, respondent, courts, liaison
):
    from odr.agreements import confirmation
    from tests.agreement_support import apply_jointly

    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    due = end_of("2026-12-07")  # applied Thursday 3 Dec; 3 days end on Sunday: Monday 7 Dec
    assert application.acceptance_due_at == due
    assert sweep_at(db, due) >= 1  # escalated when the limit passed
    with freeze_time(due + timedelta(days=1)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特17号")
    row = db.session.scalar(
        sa.select(Deadline).where(Deadline.kind == K.COURT_ACCEPTANCE, Deadline.object_id == application.id)
    )
    assert row.state == DeadlineState.MET and row.late and row.outcome.endswith("(late)")


# What users read ------------------------------------------------------------------------------------


def test_a_limit_reads_as_its_last_day_and_hour_with_the_days_left(app):
    from flask_babel import force_locale

    due = end_of("2026-12-31")
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert until_text(due) == "至2026年12月31日24:00止"
        with force_locale("en"):
            assert until_text(due) == "until 24:00 on 31 Dec 2026"
    assert days_left(due, datetime(2026, 12, 26, 10, 0, tzinfo=SHANGHAI)) == 5
    assert days_left(due, datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI)) == 0
    assert days_left(due, datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI)) == -1
    hourly = datetime(2026, 11, 8, 18, 37, tzinfo=SHANGHAI)
    with app.test_request_context(), force_locale("en"):
        assert until_text(hourly) == "until 18:37 on 8 Nov 2026"


def test_the_docs_list_every_limit_as_the_engine_counts_it(app):
    from odr.deadlines.docs import time_limits_markdown

    with app.app_context():
        expected = time_limits_markdown()
    written = (ROOT / "docs" / "time-limits.md").read_text(encoding="utf-8")
    assert written == expected, "run: flask --app wsgi odr time-limits --output docs/time-limits.md"
    for kind in limits.LIMITS:
        assert f"(`{kind.value}`)" in written
    assert "docs/time-limits.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_kind_of_deadline_is_in_the_table():
    assert set(limits.LIMITS) == set(DeadlineKind)


# The rest-day table ----------------------------------------------------------------------------------


def test_the_table_is_seeded_with_2026_holidays_and_make_up_days(db):
    from odr.deadlines.models import RestDay, RestDayKind

    workdays = db.session.scalars(
        sa.select(RestDay.day).where(
            RestDay.kind == RestDayKind.WORKDAY,
            RestDay.day >= date(2026, 1, 1),
            RestDay.day <= date(2026, 12, 31),
        )
    ).all()
    assert sorted(workdays) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert db.session.get(RestDay, date(2026, 10, 1)).name == "国庆节"


@pytest.mark.usefixtures("english")
def test_administrators_edit_and_import_rest_days(client, db, make_user):
    from odr.accounts.models import Role
    from odr.deadlines.models import RestDay, RestDayKind

    admin = make_user(Role.ADMIN)
    EN = {"Accept-Language": "en"}
    with freeze_time("2026-12-01 02:00:00"):
        page = client.login(admin).get("/admin/rest-days?year=2027", headers=EN).get_data(as_text=True)
        assert "No holiday schedule for 2027" in page
        response = client.post(
            "/admin/rest-days/import",
            data={
                "rows": "2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-20,workday,春节调休上班\n"
            },
            headers=EN,
            follow_redirects=True,
        )
        text = response.get_data(as_text=True)
        assert "3 days imported" in text and "No holiday schedule for 2027" not in text
        assert db.session.get(RestDay, date(2027, 2, 20)).kind == RestDayKind.WORKDAY
        bad = client.post(
            "/admin/rest-days/import",
            data={"rows": "2027-13-01,holiday,x"},
            headers=EN,
            follow_redirects=True,
        )
        assert bad.status_code == 200 and "Line 1" in bad.get_data(as_text=True)
        weekday = client.post(
            "/admin/rest-days/set",
            data={"day": "2027-03-03", "kind": "workday", "name": "x"},
            headers=EN,
            follow_redirects=True,
        )
        assert "is a weekday already" in weekday.get_data(as_text=True)
        client.post("/admin/rest-days/set", data={"day": "2027-04-05", "kind": "holiday", "name": "清明节"})
        assert db.session.get(RestDay, date(2027, 4, 5)).name == "清明节"
        client.post("/admin/rest-days/2027-04-05/remove")
        assert db.session.get(RestDay, date(2027, 4, 5)) is None
        admin.locale = "zh_CN"  # the kind of a day, not of an organisation ("机构类型")
        page = client.get("/admin/rest-days?year=2027").get_data(as_text=True)
        assert "<th>日期类型</th>" in page and "机构类型" not in page
    other = make_user(Role.CLERK)
    assert client.login(other).get("/admin/rest-days").status_code in (302, 403)


def test_the_cli_imports_a_schedule_and_checks_the_years_in_use(app, db, tmp_path):
    from odr.deadlines.models import RestDay

    schedule = tmp_path / "2027.csv"
    schedule.write_text("date,kind,name\n2027-10-01,holiday,国庆节\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["odr", "rest-days", "import", str(schedule)])
    assert result.exit_code == 0 and "Imported 1 days" in result.output
    assert db.session.get(RestDay, date(2027, 10, 1)).name == "国庆节"
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-10-05,sometimes,x\n", encoding="utf-8")
    result = runner.invoke(args=["odr", "rest-days", "import", str(bad)])
    assert result.exit_code == 1


def test_the_years_checked_for_a_schedule_are_those_running_limits_end_in(db):
    """This year, the next, and each year a pending limit ends in; closed limits do not count."""
    from odr.deadlines.restdays import years_in_use

    def add(due, state=DeadlineState.PENDING):
        db.session.add(
            Deadline(kind=K.RESPONDENT_ANSWER, object_type="cases", object_id=-1, due_at=due, state=state)
        )

    db.session.execute(sa.delete(Deadline))
    now = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert years_in_use(now) == {2026, 2027}
    add(datetime(2029, 1, 1, 0, 30, tzinfo=UTC))
    add(datetime(2029, 12, 31, 15, 59, tzinfo=UTC))
    add(datetime(2031, 6, 1, tzinfo=UTC), DeadlineState.MET)
    add(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    db.session.flush()
    assert years_in_use(now) == {2026, 2027, 2029}


# An act racing the sweep ------------------------------------------------------------------------------


def test_an_act_and_the_sweep_racing_on_one_deadline_exactly_one_wins(app):
    """Committed rows, two threads with their own connections: the respondent's answer (checked at
    one second before the limit) and the sweep (at the limit) run at once, twelve times."""
    from odr.extensions import db as _db

    kind = K.RESPONDENT_ANSWER
    outcomes = []
    for n in range(12):
        obj = SimpleNamespace(__tablename__="cases", id=-(50_000 + n))
        with app.app_context():
            due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
            row = Deadline(
                kind=kind, object_type="cases", object_id=obj.id, due_at=due, state=DeadlineState.PENDING
            )
            _db.session.add(row)
            _db.session.commit()
            deadline_id = row.id
            _db.session.remove()
        barrier = threading.Barrier(2)
        result = {}

        def act(obj=obj, due=due, result=result, barrier=barrier):
            with app.app_context():
                try:
                    barrier.wait()
                    deadlines.check_in_time(kind, obj, now=due - timedelta(seconds=1))
                    deadlines.meet(kind, obj, outcome="answered")
                    _db.session.commit()
                    result["act"] = True
                except deadlines.DeadlineError:
                    _db.session.rollback()
                    result["act"] = False
                finally:
                    _db.session.remove()

        def sweep(due=due, barrier=barrier):
            with app.app_context():
                try:
                    barrier.wait()
                    deadlines.sweep(now=due)
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=act), threading.Thread(target=sweep)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        with app.app_context():
            state = _db.session.get(Deadline, deadline_id).state
            _db.session.execute(sa.delete(Deadline).where(Deadline.id == deadline_id))
            _db.session.commit()
            _db.session.remove()
        assert (result["act"], state) in ((True, DeadlineState.MET), (False, DeadlineState.MISSED)), (
            result,
            state,
        )
        outcomes.append(state)
    assert len(outcomes) == 12


# SQLite: the sweep and a page's writes ------------------------------------------------------------------


def test_on_sqlite_the_sweep_holds_the_write_lock_briefly_and_a_page_write_never_fails(app, monkeypatch):
    """40 due deadlines whose action takes 60 ms each (as failing a mediation and rendering its
    hand-over does): the sweep's transactions stay under a second, and a page writing all along
    never fails with "database is locked"."""
    import time

    from odr.extensions import db as _db

    with app.app_context():
        engine = _db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    kind = K.SESSION_REMINDER_1H

    def slow(deadline):
        time.sleep(0.06)
        return "nothing to do"

    monkeypatch.setitem(deadlines._ACTIONS, kind, slow)
    held = []
    began = {}

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        began[id(connection)] = time.monotonic()

    @sa.event.listens_for(engine, "commit")
    def on_commit(connection):
        if id(connection) in began:
            held.append(time.monotonic() - began.pop(id(connection)))

    with app.app_context():
        due = datetime.now(UTC) - timedelta(minutes=1)
        rows = [
            Deadline(kind=kind, object_type="mediation_sessions", object_id=-(70_000 + n), due_at=due)
            for n in range(40)
        ]
        _db.session.add_all(rows)
        _db.session.commit()
        ids = [r.id for r in rows]
        _db.session.remove()
    failures, waits, stop = [], [], threading.Event()

    def page_writes():
        from odr.deadlines.models import RestDay, RestDayKind

        with app.app_context():
            n = 0
            while not stop.is_set():
                start = time.monotonic()
                try:
                    _db.session.merge(RestDay(day=date(2099, 1, 1), kind=RestDayKind.HOLIDAY, name=f"w{n}"))
                    _db.session.commit()
                except Exception as error:
                    _db.session.rollback()
                    failures.append(repr(error))
                waits.append(time.monotonic() - start)
                n += 1
                time.sleep(0.02)
            _db.session.remove()

    writer = threading.Thread(target=page_writes)
    writer.start()
    try:
        with app.app_context():
            assert deadlines.sweep() >= 40
            _db.session.remove()
    finally:
        stop.set()
        writer.join(30)
        sa.event.remove(engine, "begin", on_begin)
        sa.event.remove(engine, "commit", on_commit)
        with app.app_context():
            _db.session.execute(sa.delete(Deadline).where(Deadline.id.in_(ids)))
            _db.session.execute(sa.text("DELETE FROM rest_days WHERE day = '2099-01-01'"))
            _db.session.commit()
            _db.session.remove()
    assert failures == []
    assert waits and max(waits) < 1.0, max(waits)
    assert held and max(held) < 1.0, max(held)
