"""Access as the domain has it, each tried as the other role would try it through the pages: a caucus's
record stays with its side and the mediator; the mediator (or the tribunal) decides who reads the
technical opinions; an expert released from a case reads what they did and acts on nothing; the
commission's clerk has no mediation pages in a dispute filed directly for arbitration."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from freezegun import freeze_time

from odr.arbitration import operations as arb_ops
from odr.arbitration.models import SeatRole
from odr.cases.models import CaseState
from odr.experts.models import Assignment, AssignmentState
from odr.rooms import sessions
from odr.rooms.models import Room, RoomKind
from tests.agreement_support import T0
from tests.arbitration_support import accepted_arbitration, seat_and_accept


def _rooms(db, case):
    return {r.kind: r for r in db.session.scalars(sa.select(Room).where(Room.case_id == case.id))}


def test_a_caucus_record_is_for_its_side_and_the_mediator_not_the_clerk(db, mediation, clerk, make_client):
    case, mediator = mediation["case"], mediation["mediator"]
    claimant, respondent = mediation["claimant"], mediation["respondent"]
    rooms = mediation["rooms"]
    caucus = rooms[RoomKind.CAUCUS_CLAIMANT]
    session = sessions.schedule(
        caucus,
        mediator,
        starts_at=T0 + timedelta(days=30),
        duration_minutes=30,
        agenda="背对背：申请人的底价",
        participant_ids=[claimant.id],
    )
    db.session.flush()
    url = f"/rooms/{caucus.id}/transcript.pdf"
    for outsider in (clerk, respondent):
        client = make_client(outsider)
        assert client.get(url).status_code == 404, outsider.name
        assert client.get(f"/sessions/{session.id}").status_code == 404, outsider.name
        assert client.get(f"/sessions/{session.id}/record.pdf").status_code == 404, outsider.name
        assert f'href="{url}"' not in client.get(f"/cases/{case.id}").text
    for insider in (claimant, mediator):
        client = make_client(insider)
        response = client.get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), insider.name
        response.close()
        assert client.get(f"/sessions/{session.id}").status_code == 200
    # The joint room's record goes to the file: the clerk and both sides read it.
    joint = f"/rooms/{rooms[RoomKind.JOINT].id}/transcript.pdf"
    for reader in (clerk, claimant, respondent, mediator):
        response = make_client(reader).get(joint)
        assert response.status_code == 200, reader.name
        response.close()


def test_only_the_mediator_decides_who_reads_the_technical_opinions(
    db, in_mediation, clerk, claimant, make_client
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    for outsider in (clerk, claimant):
        make_client(outsider).post(f"/cases/{case.id}/opinion-visibility", data={"v-visibility": "parties"})
        assert case.opinion_visibility == "neutrals", outsider.name
    make_client(mediator).post(f"/cases/{case.id}/opinion-visibility", data={"v-visibility": "parties"})
    assert case.opinion_visibility == "parties"


def test_in_arbitration_the_tribunal_decides_who_reads_the_opinions(
    db, failed_case, claimant, commission, commission_clerk, panel, in_mediation, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    url = f"/cases/{failed_case.id}/opinion-visibility"
    # Neither the commission's clerk nor the mediator released when the mediation failed.
    for outsider in (commission_clerk, in_mediation["mediator"]):
        make_client(outsider).post(url, data={"v-visibility": "parties"})
        assert failed_case.opinion_visibility == "neutrals", outsider.name
    make_client(panel[0]).post(url, data={"v-visibility": "parties"})
    assert failed_case.opinion_visibility == "parties"


def test_a_released_mediator_reads_the_record_but_no_longer_edits_or_enters(
    db, effective, in_mediation, make_client
):
    case, mediator = effective.case, in_mediation["mediator"]
    assert case.state == CaseState.SETTLED
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.expert_id == mediator.id))
    assert assignment.state == AssignmentState.RELEASED
    rooms = _rooms(db, case)
    client = make_client(mediator)
    versions_before = len(effective.versions)
    assert client.get(f"/agreements/{effective.id}/edit").status_code == 403
    client.post(f"/agreements/{effective.id}/edit", data={"facts": "改写的事实", "n": "0"})
    db.session.refresh(effective)
    assert len(effective.versions) == versions_before
    assert client.get(f"/rooms/{rooms[RoomKind.JOINT].id}").status_code == 404
    # What they did stays readable: the case, the agreement they drafted, the rooms' records.
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert client.get(f"/agreements/{effective.id}/versions/1").status_code == 200
    response = client.get(f"/rooms/{rooms[RoomKind.CAUCUS_RESPONDENT].id}/transcript.pdf")
    assert response.status_code == 200
    response.close()


def test_the_commission_clerk_gets_no_mediator_choice_in_an_arbitration_only_case(
    db, claimant, respondent, commission, commission_clerk, make_client
):
    from tests.conftest import respondent_data

    with freeze_time(T0):
        arbitration = arb_ops.apply_directly(
            claimant,
            commission_id=commission.id,
            basis="合同第九条：提交梧州仲裁委员会仲裁。",
            respondents=[respondent_data(respondent)],
            title="商标许可使用费纠纷",
            ip_type="trademark",
            dispute_kind="licence_contract",
            industry="liubao_tea",
            place="offline",
            claim_amount=Decimal("90000"),
            remedies="支付许可使用费90000元",
            facts="被申请人未按约支付许可使用费。",
            online_consent=True,
        )
        arb_ops.accept(arbitration, commission_clerk)
    client = make_client(commission_clerk)
    case_id = arbitration.case_id
    assert client.get(f"/cases/{case_id}").status_code == 200
    for seat in ("mediator", "technical_investigator"):
        assert client.get(f"/cases/{case_id}/experts/{seat}").status_code in (403, 404), seat
    assert client.get(f"/cases/{case_id}/choose-mediator").status_code in (403, 404)
