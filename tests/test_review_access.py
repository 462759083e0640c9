"""Who may reach which page, file and action of the newer parts (hearing room, agreements,
arbitration, evidence), and that bad input is refused rather than failing."""

from datetime import timedelta

from freezegun import freeze_time

from odr.arbitration.models import SeatRole
from odr.rooms import operations as rooms
from odr.rooms import sessions
from tests.agreement_support import T0
from tests.arbitration_support import accepted_arbitration, seat_and_accept


def _hearing(failed_case, claimant, commission, commission_clerk, panel):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    return arbitration


def test_the_mediator_of_the_failed_mediation_cannot_reach_the_hearing_record(
    db, failed_case, in_mediation, claimant, respondent, commission, commission_clerk, panel, make_client
):
    _hearing(failed_case, claimant, commission, commission_clerk, panel)
    room = rooms.ensure_hearing_room(failed_case)
    with freeze_time(T0 + timedelta(days=17)):
        session = sessions.schedule(
            room,
            panel[0],
            starts_at=T0 + timedelta(days=20),
            duration_minutes=60,
            agenda="开庭审理",
            participant_ids=[claimant.id, respondent.id],
        )
        db.session.flush()
        mediator = make_client(in_mediation["mediator"])
        assert mediator.get(f"/rooms/{room.id}").status_code == 404
        assert mediator.get(f"/rooms/{room.id}/transcript.pdf").status_code == 404
        assert mediator.get(f"/sessions/{session.id}").status_code == 404
        assert mediator.get(f"/sessions/{session.id}/record.pdf").status_code == 404
        # the tribunal still has them
        arbitrator = make_client(panel[0])
        assert arbitrator.get(f"/sessions/{session.id}").status_code == 200
