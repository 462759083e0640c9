"""The buttons users click, posted as the browser sends them (the page's own form, its field names and
defaults): each of these once broke a real user while the operations' tests stayed green."""

import sqlalchemy as sa

from odr.extensions import db
from odr.rooms import operations
from odr.rooms.models import Message, Room, RoomKind
from tests.form_support import submit


def rooms_of(case) -> dict:
    return {r.kind: r for r in db.session.scalars(sa.select(Room).where(Room.case_id == case.id))}


def test_the_mediator_moves_the_joint_room_to_a_caucus(in_mediation, make_client):
    """转至: the joint room's "Move" form takes the mediator to the chosen caucus room."""
    rooms = rooms_of(in_mediation["case"])
    joint, caucus = rooms[RoomKind.JOINT], rooms[RoomKind.CAUCUS_RESPONDENT]
    operations.set_open(joint, in_mediation["mediator"], True)
    mediator = make_client(in_mediation["mediator"])
    response = submit(
        mediator, f"/rooms/{joint.id}", action="/move", values={"to": RoomKind.CAUCUS_RESPONDENT.value}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rooms/{caucus.id}")
    assert db.session.get(Room, caucus.id).is_open
    notice = db.session.scalars(
        sa.select(Message).where(Message.room_id == joint.id).order_by(Message.seq.desc())
    ).first()
    assert '"moved"' in notice.body and RoomKind.CAUCUS_RESPONDENT.value in notice.body
    page = mediator.get(f"/rooms/{joint.id}").get_data(as_text=True)
    assert "The mediator continues in another room" in page  # the notice's text reaches the page
