"""The buttons users click, posted as the browser sends them (the page's own form, its field names and
defaults): each of these once broke a real user while the operations' tests stayed green."""

from datetime import timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from odr.agreements import confirmation, performance
from odr.agreements.models import AgreementState, ObligationState
from odr.extensions import db
from odr.rooms import operations
from odr.rooms.models import Message, Room, RoomKind
from tests.agreement_support import T0, apply_jointly
from tests.form_support import submit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


def confirmed(effective, claimant, respondent, courts, liaison):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特90号")
        confirmation.decide(
            application, liaison, confirm=True, ruling_number="（2026）桂0403民特90号", judge_name="黄法官"
        )
    return application


def test_proof_of_performance_reaches_the_other_side(
    db, effective, claimant, respondent, courts, liaison, make_client
):
    """The obliged party reports with a proof file; the creditor downloads exactly that file."""
    confirmed(effective, claimant, respondent, courts, liaison)
    listing = min(performance.obligations_of(effective), key=lambda o: o.due_on)
    case_page = f"/cases/{effective.case_id}"
    with freeze_time(T0 + timedelta(days=4)):
        debtor = make_client(respondent)
        response = submit(
            debtor,
            case_page,
            action=f"/obligations/{listing.id}/report",
            values={"report-text": "两个商品链接均已删除，见截图。"},
            upload=("删除截图.png", PNG),
        )
        assert response.status_code == 302
        assert listing.state == ObligationState.REPORTED
        creditor = make_client(claimant)
        page = creditor.get(case_page).get_data(as_text=True)
        assert f"/obligations/{listing.id}/proof" in page and "删除截图.png" in page
        proof = creditor.get(f"/obligations/{listing.id}/proof")
        assert proof.status_code == 200 and proof.data == PNG
        proof.close()


def test_materials_the_court_asks_for_reach_the_court(
    db, effective, claimant, respondent, courts, liaison, make_client
):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特91号")
        confirmation.request_materials(application, liaison, "请提交商标注册证复印件")
    assert effective.state == AgreementState.MATERIALS_REQUESTED
    with freeze_time(T0 + timedelta(days=5)):
        party = make_client(claimant)
        response = submit(
            party,
            f"/cases/{effective.case_id}",
            action=f"/confirmations/{application.id}/materials",
            values={"materials-reply": "附商标注册证。"},
            upload=("商标注册证.pdf", PDF),
        )
        assert response.status_code == 302
        request_ = application.material_requests[0]
        assert request_.supplied_at is not None and request_.file_name == "商标注册证.pdf"
        court_page = make_client(liaison).get(f"/court/applications/{application.id}").get_data(as_text=True)
        assert f"/materials/{request_.id}" in court_page or "商标注册证.pdf" in court_page
        download = make_client(liaison).get(f"/materials/{request_.id}")
        assert download.status_code == 200 and download.data == PDF
        download.close()
