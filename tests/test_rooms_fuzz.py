"""A property-based fuzz of the room events (Hypothesis): whatever a client sends, it gets an
answer it can act on, nothing fails on the server, and a room's numbering stays gapless.

Bounded for `make test`; ODR_FUZZ_EXAMPLES=5000 runs it longer.
"""

import os

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odr.extensions import db
from odr.rooms.models import Message, RoomKind
from odr.rooms.payloads import FIELDS
from tests.room_support import sio

EVENTS = sorted(FIELDS)
ANSWER_CODES = {"invalid", "forbidden", "rate_limited", "closed", "muted", "too_long"}
NAMES = sorted({field for fields in FIELDS.values() for field in fields})

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # unbounded: numbers far past what the database holds
    st.integers(min_value=-3, max_value=60),
    st.floats(allow_nan=False),
    st.text(max_size=80),
    st.sampled_from(["", " ", "1", "null", "x" * 65, "长" * 4001]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def payloads(room_ids):
    """Payloads shaped like the real ones (known field names, real room ids) and anything else."""
    fields = st.dictionaries(
        st.sampled_from(NAMES) | st.text(max_size=10),
        st.sampled_from(room_ids) | values,
        max_size=5,
    )
    with_room = st.builds(
        lambda room_id, rest: {"room_id": room_id, **rest}, st.sampled_from(room_ids), fields
    )
    return st.one_of(with_room, fields, values)


def test_every_event_gets_an_answer_whatever_it_carries(app, mediation, make_client):
    rooms = mediation["rooms"]
    room_ids = [room.id for room in rooms.values()] + [10**6]
    member = sio(app, make_client, mediation["claimant"])
    examples = int(os.environ.get("ODR_FUZZ_EXAMPLES", 150))

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=examples <= 150,  # the same cases in every `make test`
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(event=st.sampled_from(EVENTS), payload=payloads(room_ids), extra=st.lists(values, max_size=2))
    def fuzz(event, payload, extra):
        if not member.is_connected():  # a fuzzed "leave" never disconnects, but be sure
            raise AssertionError("the server dropped the client")
        answer = member.emit(event, payload, *extra, callback=True)
        assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool), answer
        if answer["ok"]:
            if event == "send":
                assert isinstance(answer["seq"], int) and answer["seq"] >= 1
        else:
            assert answer["code"] in ANSWER_CODES, answer
            assert isinstance(answer["error"], str) and answer["error"]

    fuzz()
    for room in rooms.values():
        seqs = db.session.scalars(
            sa.select(Message.seq).where(Message.room_id == room.id).order_by(Message.seq)
        ).all()
        assert seqs == list(range(1, len(seqs) + 1)), room.kind
    assert rooms[RoomKind.JOINT].id in room_ids
