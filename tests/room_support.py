"""Rooms through the Socket.IO test client: a case in mediation with its rooms, and clients."""

import pytest
import sqlalchemy as sa

from odr.accounts.models import Role
from odr.cases import operations as case_ops
from odr.experts import operations as expert_ops
from odr.experts.models import ExpertProfile, Seat
from odr.extensions import db, socketio
from odr.rooms import operations
from odr.rooms.models import Room, RoomKind


@pytest.fixture
def mediation(db, make_case, clerk, claimant, respondent, make_user):
    """A case in mediation with its mediator and its three rooms; the joint room open. Nobody is
    counted in any room yet (user ids repeat between tests)."""
    from odr.rooms import presence

    presence._store = None
    case = make_case(respondents=[respondent])
    case_ops.accept_case(case, clerk)
    case_ops.answer_invitation(case, respondent, consent=True)
    mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="调解员")
    db.session.add(ExpertProfile(user=mediator, specialties=["geographical_indication"], max_open_cases=5))
    db.session.flush()
    expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
    rooms = {r.kind: r for r in db.session.scalars(sa.select(Room).where(Room.case_id == case.id))}
    operations.set_open(rooms[RoomKind.JOINT], mediator, True)
    db.session.flush()
    return {
        "case": case,
        "mediator": mediator,
        "claimant": claimant,
        "respondent": respondent,
        "rooms": rooms,
    }


class SocketClient:
    """The Socket.IO test client, each call in its own app context as in a real server (so no
    signed-in user or database session leaks from one call into the next)."""

    def __init__(self, app, flask_client):
        self.app = app
        with app.app_context():
            self.client = socketio.test_client(app, flask_test_client=flask_client)
        db.session.expire_all()

    def _call(self, name, *args, **kwargs):
        db.session.flush()
        with self.app.app_context():
            result = getattr(self.client, name)(*args, **kwargs)
        db.session.expire_all()
        return result

    def emit(self, *args, **kwargs):
        return self._call("emit", *args, **kwargs)

    def disconnect(self):
        return self._call("disconnect")

    def get_received(self):
        return self.client.get_received()

    def is_connected(self):
        return self.client.is_connected()


def sio(app, make_client, user):
    """A Socket.IO client signed in as USER (through a real login session cookie)."""
    return SocketClient(app, make_client(user))


@pytest.fixture
def room_limits(app):
    """room_limits(event="3 per minute", ...) sets those per-user limits for the test, counting from zero."""
    from odr.rooms import ratelimits

    saved = dict(app.config["ROOM_RATE_LIMITS"])

    def set_limits(**limits):
        app.config["ROOM_RATE_LIMITS"].update(limits)
        ratelimits.reset()

    yield set_limits
    app.config["ROOM_RATE_LIMITS"] = saved
    ratelimits.reset()
