"""A case in mediation at a known time, for the deadline, extension and hand-over tests."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from odr.accounts.models import Role
from odr.cases import operations as case_ops
from odr.deadlines import operations as deadlines
from odr.experts import operations as expert_ops
from odr.experts.models import ExpertProfile, Seat

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def sweep_at(db, when):
    db.session.commit()  # what the test set up is committed, as a sweep in another process would see it
    with freeze_time(when):
        return deadlines.sweep()


def make_expert(db, make_user, organisation, name):
    user = make_user(Role.MEDIATOR, organisation=organisation, name=name)
    db.session.add(ExpertProfile(user=user, specialties=["geographical_indication"], max_open_cases=5))
    db.session.flush()
    return user


def mediating_case(db, make_case, make_user, clerk, respondent, *, at=T0, **fields):
    """A case accepted, consented to and taken on by a mediator at AT (simple track: 15 days)."""
    with freeze_time(at):
        case = make_case(respondents=[respondent], **fields)
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=True)
        mediator = make_expert(db, make_user, clerk.organisation, "调解员甲")
        expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
    return case, mediator


def notes(db, user, code=None):
    from odr.notifications.models import Notification

    query = sa.select(Notification.code).where(Notification.user_id == user.id).order_by(Notification.id)
    codes = db.session.scalars(query).all()
    return [c for c in codes if code is None or c == code]


@pytest.fixture
def english(app, db):
    """Messages raised by operations outside a request read in English (the default is Chinese)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def end_of(day: str):
    """24:00 Beijing time of DAY ('2026-11-09'), the instant a period in days ending that day ends."""
    from datetime import date

    from odr.deadlines.calendar import end_of_day

    return end_of_day(date.fromisoformat(day))
