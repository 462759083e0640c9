"""Settlement agreements: drafting rules, versions, finalising and signing, taking effect."""

import hashlib
from datetime import timedelta

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from odr.agreements import documents, operations
from odr.agreements import workflow as agreement_workflow
from odr.agreements.models import AgreementState, ObligationState, SignerCapacity
from odr.agreements.operations import AgreementError, DraftInvalid
from odr.agreements.workflow import TRANSITIONS, AgreementAction
from odr.cases.models import CaseState
from odr.cases.workflow import Capacity, TransitionError
from odr.core import storage
from odr.experts.models import AssignmentState
from odr.rooms.models import Message, MessageKind
from tests.agreement_support import (
    T0,
    day,
    draft_and_finalise,
    standard_items,
)
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def english(app, db):
    """Messages are read in English here (outside a request the platform speaks Chinese)."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield


def pages(sha256):
    from io import BytesIO

    return PdfReader(BytesIO(storage.read(sha256))).pages


# Drafting ------------------------------------------------------------------------------------------


def test_versions_are_kept_and_unchanged_content_is_refused(db, in_mediation):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        v2 = operations.save_version(agreement, mediator, facts="事实", items=standard_items(case))
        with pytest.raises(AgreementError, match="Nothing changed"):
            operations.save_version(agreement, mediator, facts="事实", items=standard_items(case))
        items = standard_items(case)
        items[0]["values"]["amount"] = "35,000"
        v3 = operations.save_version(agreement, mediator, facts="事实", items=items, note="金额调整")
    assert [v.number for v in agreement.versions] == [1, 2]  # the first save is version 1
    assert v2.content["clauses"][0]["values"]["amount"] == "30000.00"
    assert v3.content["clauses"][0]["values"]["amount"] == "35000.00"
    assert v2.content_sha256 != v3.content_sha256
    with pytest.raises(AgreementError, match="already has an agreement"):
        operations.start_agreement(case, mediator)


@pytest.mark.parametrize(
    ("index", "field", "value", "message"),
    [
        (0, "amount", "-5", "Enter an amount"),
        (0, "amount", "0", "more than zero"),
        (0, "amount", "12.345", "at most two decimals"),
        (0, "due", day(-1), "in the future"),
        (0, "due", "31/12/2026", "YYYY-MM-DD"),
        (0, "creditor", "99999", "party of this case"),
        (1, "platform", "", "required"),
    ],
)
def test_bad_values_are_refused_next_to_their_field(db, in_mediation, index, field, value, message):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        items = standard_items(case)
        items[index]["values"][field] = value
        with pytest.raises(DraftInvalid) as caught:
            operations.save_version(agreement, mediator, facts="事实", items=items)
    assert message in str(caught.value.errors[index][field])
    assert len(agreement.versions) == 1


def test_instalments_must_be_in_order_and_add_up(db, in_mediation):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    claimant, respondent = case.claimants[0], case.respondents[0]

    def instalments(total, schedule):
        return [
            {
                "key": "instalments",
                "values": {
                    "debtor": str(respondent.id),
                    "creditor": str(claimant.id),
                    "total": total,
                    "schedule": schedule,
                },
            }
        ]

    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        with pytest.raises(DraftInvalid) as caught:
            operations.save_version(
                agreement,
                mediator,
                facts="f",
                items=instalments("30000", f"{day(10)} 10000\n{day(40)} 10000"),
            )
        assert "add up to 20,000.00" in str(caught.value.errors[0]["schedule"])
        with pytest.raises(DraftInvalid) as caught:
            operations.save_version(
                agreement,
                mediator,
                facts="f",
                items=instalments("20000", f"{day(40)} 10000\n{day(10)} 10000"),
            )
        assert "date order" in str(caught.value.errors[0]["schedule"])
        with pytest.raises(DraftInvalid) as caught:
            operations.save_version(agreement, mediator, facts="f", items=instalments("20000", "tomorrow 5"))
        assert "Line 1" in str(caught.value.errors[0]["schedule"])
        version = operations.save_version(
            agreement, mediator, facts="f", items=instalments("20000", f"{day(10)} 10000\n{day(40)} 10000.00")
        )
    assert version.number == 1


def test_same_party_on_both_sides_and_empty_drafts_are_refused(db, in_mediation):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        items = standard_items(case)
        items[0]["values"]["creditor"] = items[0]["values"]["debtor"]
        with pytest.raises(DraftInvalid) as caught:
            operations.save_version(agreement, mediator, facts="", items=[])
        assert set(caught.value.errors) == {"facts", "clauses"}
        with pytest.raises(DraftInvalid) as caught:
            operations.save_version(agreement, mediator, facts="f", items=items)
        assert "different party" in str(caught.value.errors[0]["creditor"])


def test_sharing_posts_a_notice_in_the_joint_room(db, in_mediation):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        operations.save_version(agreement, mediator, facts="f", items=standard_items(case))
        operations.share_version(agreement, mediator)
    notices = db.session.query(Message).filter(Message.kind == MessageKind.SYSTEM).all()
    assert any('"agreement_shared"' in m.body and '"version": 1' in m.body for m in notices)
    assert agreement.state == AgreementState.UNDER_REVIEW


def test_only_a_shared_version_is_finalised_and_a_party_cannot_draft(db, in_mediation, claimant):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        with pytest.raises(TransitionError):
            operations.start_agreement(case, claimant)
        agreement = operations.start_agreement(case, mediator)
        operations.save_version(agreement, mediator, facts="f", items=standard_items(case))
        with pytest.raises(AgreementError, match="Share this version"):
            operations.finalise(agreement, mediator)
        operations.share_version(agreement, mediator)
        with pytest.raises(TransitionError):
            operations.save_version(agreement, claimant, facts="g", items=standard_items(case))
    # A date that has passed since drafting is caught when finalising.
    with freeze_time(T0 + timedelta(days=6)), pytest.raises(DraftInvalid):
        operations.finalise(agreement, mediator)


# Signing -------------------------------------------------------------------------------------------


def test_signing_binds_to_the_final_pdf_and_the_last_signature_makes_it_effective(
    db, in_mediation, claimant, respondent
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        version = agreement.final_version
        data = storage.read(version.pdf_sha256)
        assert hashlib.sha256(data).hexdigest() == version.pdf_sha256
        with pytest.raises(AgreementError, match="password is not correct"):
            operations.sign(agreement, claimant, version_id=version.id, password="wrong")
        assert version.signatures == []
        operations.sign(agreement, claimant, version_id=version.id, password=PASSWORD, ip_address="10.1.2.3")
        with pytest.raises(AgreementError, match="already signed"):
            operations.sign(agreement, claimant, version_id=version.id, password=PASSWORD)
        with pytest.raises(AgreementError, match="capacity"):
            operations.sign(
                agreement, respondent, version_id=version.id, password=PASSWORD, capacity="mediator"
            )
        operations.sign(agreement, respondent, version_id=version.id, password=PASSWORD)
        assert agreement.state == AgreementState.AWAITING_SIGNATURES
        operations.sign(agreement, mediator, version_id=version.id, password=PASSWORD)
    signature = version.signatures[0]
    assert (signature.signer, signature.capacity, signature.ip_address) == (
        claimant,
        SignerCapacity.PARTY,
        "10.1.2.3",
    )
    assert signature.hash_signed == version.pdf_sha256
    assert agreement.state == AgreementState.EFFECTIVE
    assert agreement.effective_at == T0
    assert case.state == CaseState.SETTLED
    assert len(pages(agreement.signed_pdf_sha256)) == len(pages(version.pdf_sha256)) + 1
    signed_text = "".join(p.extract_text() for p in pages(agreement.signed_pdf_sha256))
    assert version.pdf_sha256[:16] in signed_text.replace("\n", "")
    assert operations.verify_signed_pdf(agreement) == []
    obligations = sorted(agreement_obligations(agreement), key=lambda o: o.due_on)
    assert [(o.clause_key, o.due_on.isoformat(), o.state) for o in obligations] == [
        ("remove_listings", day(5), ObligationState.PENDING),
        ("payment", day(20), ObligationState.PENDING),
    ]
    assert obligations[1].amount == 30000 and obligations[1].debtor == case.respondents[0]


def agreement_obligations(agreement):
    from odr.agreements.performance import obligations_of

    return obligations_of(agreement)


def test_a_version_no_longer_final_cannot_be_signed(db, in_mediation, claimant):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        old = agreement.final_version
        operations.reopen(agreement, mediator, "被申请人要求延长付款期限")
        with pytest.raises(AgreementError, match="not waiting for signatures"):
            operations.sign(agreement, claimant, version_id=old.id, password=PASSWORD)
        items = standard_items(case)
        items[0]["values"]["due"] = day(30)
        operations.save_version(agreement, mediator, facts="f2", items=items)
        operations.share_version(agreement, mediator)
        operations.finalise(agreement, mediator)
        with pytest.raises(AgreementError, match="no longer the final one"):
            operations.sign(agreement, claimant, version_id=old.id, password=PASSWORD)
        operations.sign(agreement, claimant, version_id=agreement.final_version_id, password=PASSWORD)
    assert agreement.final_version.number == 2


def test_altering_the_stored_pdf_after_signing_is_detected(db, in_mediation, claimant, respondent):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        operations.sign(agreement, claimant, version_id=agreement.final_version_id, password=PASSWORD)
    path = storage.path_for(agreement.final_version.pdf_sha256)
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace(b"/Producer", b"/Producex", 1))
        problems = operations.verify_signed_pdf(agreement)
        assert "agreement PDF altered or missing" in problems
        assert any("signature" in p for p in problems)
        with freeze_time(T0), pytest.raises(AgreementError, match="does not match its fingerprint"):
            operations.sign(agreement, respondent, version_id=agreement.final_version_id, password=PASSWORD)
    finally:
        path.write_bytes(original)
    assert operations.verify_signed_pdf(agreement) == []


def test_finalised_pdf_is_rendered_once_and_reproducible(db, in_mediation):
    from odr.agreements import pdf

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
    version = agreement.final_version
    again = pdf.render_agreement(documents.agreement_data(version))
    assert hashlib.sha256(again).hexdigest() == version.pdf_sha256
    text = "".join(p.extract_text() for p in pages(version.pdf_sha256))
    assert case.number in text and "淘宝网" in text and "30,000.00" in text


# The transition table --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(AgreementState))
def test_every_action_in_every_state(
    db, effective, claimant, respondent, in_mediation, liaison, courts, state
):
    """Each (state, action) pair, for each capacity: allowed exactly where the table says."""
    from tests.agreement_support import apply_jointly

    apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    if state in (AgreementState.DRAFT, AgreementState.UNDER_REVIEW, AgreementState.AWAITING_SIGNATURES):
        # An agreement in the making belongs to a case in mediation, its mediator serving.
        for assignment in effective.case.assignments:
            assignment.state = AssignmentState.ACCEPTED
        effective.case.state = CaseState.MEDIATING
    actors = {
        Capacity.CLAIMANT: claimant,
        Capacity.RESPONDENT: respondent,
        Capacity.MEDIATOR: in_mediation["mediator"],
        Capacity.COURT_LIAISON: liaison,
        Capacity.SYSTEM: None,
    }
    for action in AgreementAction:
        rule = TRANSITIONS.get((state, action))
        for capacity, actor in actors.items():
            effective.state = state
            if rule is not None and capacity in rule[1]:
                assert agreement_workflow.check(effective, action, actor=actor, capacity=capacity) == rule[0]
            else:
                with pytest.raises(TransitionError):
                    agreement_workflow.apply(effective, action, actor=actor, capacity=capacity)
                assert effective.state == state


def test_table_covers_the_lifecycle():
    sources = {state for state, _ in TRANSITIONS}
    finals = {AgreementState.REJECTED, AgreementState.ABANDONED}
    assert finals.isdisjoint(sources)
    assert sources | finals | {AgreementState.ENFORCEMENT_REQUESTED} == set(AgreementState)
    # A performed agreement leaves its state only when an undertaking, which binds on, is broken.
    assert {a for s, a in TRANSITIONS if s == AgreementState.PERFORMED} == {AgreementAction.BREACH}


def test_a_draft_is_abandoned_when_mediation_ends_without_agreement(db, in_mediation):
    from odr.cases import workflow as case_workflow
    from odr.cases.workflow import Action

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = operations.start_agreement(case, mediator)
        operations.save_version(agreement, mediator, facts="f", items=standard_items(case))
        operations.share_version(agreement, mediator)
        case_workflow.apply(case, Action.TERMINATE, actor=mediator, capacity=Capacity.MEDIATOR)
    assert agreement.state == AgreementState.ABANDONED
    notice = db.session.query(Message).filter(Message.body.like('%"agreement_shared"%')).one()
    assert f'"link": "/agreements/{agreement.id}/versions/1"' in notice.body
