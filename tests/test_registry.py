"""The list of repeat and willful infringers, walked with frozen time: candidates from an award,
from an accepted enforcement application and from an outside decision; the objection period to
24:00 of its last day; objections decided; publication expiry; credit repair; masking."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from freezegun import freeze_time

from odr.accounts.models import PartyKind, Role
from odr.audit.models import AuditEntry
from odr.audit.operations import verify_chain
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from odr.notifications.models import Notification
from odr.registry import findings, operations, public
from odr.registry.findings import RegistryError
from odr.registry.models import Change, ChangeKind, Entry, EntryState, FindingSource, ListType, RepairState
from odr.registry.workflow import TRANSITIONS, Action, Capacity, TransitionError
from tests.agreement_support import T0
from tests.arbitration_support import accepted_arbitration, review_and_sign, seat_and_accept
from tests.conftest import valid_id_number, valid_uscc
from tests.deadline_support import sweep_at
from tests.registry_support import NOTICE_AT, PDF, _candidate, external, published_entry


@pytest.fixture(autouse=True)
def english(app, db):
    with app.test_request_context(), force_locale("en"):
        yield


def entries_of(db, credit_code):
    return db.session.scalars(
        sa.select(Entry).where(Entry.credit_code == credit_code).order_by(Entry.id)
    ).all()


def test_an_issued_award_and_an_outside_judgment_make_a_repeat_candidate(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, officer
):
    from odr.arbitration import awards
    from odr.arbitration.models import SeatRole

    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with freeze_time(T0 + timedelta(days=30)):
        award = awards.draft_award(
            arbitration,
            panel[0],
            facts_found="被申请人销售侵权商品",
            reasons="构成商标侵权",
            decisions="被申请人停止侵权并赔偿50,000元。",
            costs="仲裁费由被申请人承担。",
        )
    review_and_sign(award, commission_clerk, [panel[0]], T0 + timedelta(days=30, hours=2))
    assert award.issued_at is not None
    found = db.session.scalars(
        sa.select(findings.Finding).where(findings.Finding.credit_code == respondent.credit_code)
    ).all()
    assert [(f.source, f.number, f.infringement, f.authority) for f in found] == [
        (FindingSource.AWARD, award.number, True, commission.name)
    ]
    assert entries_of(db, respondent.credit_code) == []  # one finding: not yet repeat

    # A judgment more than 5 years before does not count; one within 5 years does.
    with freeze_time(T0 + timedelta(days=31)):
        external(officer, credit_code=respondent.credit_code, name=respondent.name, on=date(2021, 12, 1))
        assert entries_of(db, respondent.credit_code) == []
        external(officer, credit_code=respondent.credit_code, name=respondent.name, on=date(2022, 1, 2))
    [entry] = entries_of(db, respondent.credit_code)
    assert entry.state == EntryState.CANDIDATE and entry.list_type == ListType.REPEAT
    assert [f.decided_on.isoformat() for f in entry.findings] == ["2022-01-02", "2026-12-31"]
    assert entry.rules == {"repeat_count": 2, "repeat_years": 5, "objection_days": 15, "publication_years": 3}
    assert "5年内至少2次" in entry.basis
    # Proposing again adds nothing while the entry is open.
    assert findings.propose_candidates() == []


def test_an_accepted_enforcement_application_makes_a_non_performance_candidate(
    db, failed_case, claimant, respondent, commission, commission_clerk, panel, courts, make_user
):
    from odr.agreements import performance as agreement_performance
    from odr.arbitration import awards, performance
    from odr.arbitration.models import SeatRole

    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with freeze_time(T0 + timedelta(days=30)):
        award = awards.draft_award(
            arbitration,
            panel[0],
            facts_found="事实",
            reasons="理由",
            decisions="赔偿50,000元。",
            costs="被申请人承担。",
        )
    review_and_sign(award, commission_clerk, [panel[0]], T0 + timedelta(days=30, hours=2))
    with freeze_time(performance.due_moment(award) + timedelta(days=2)):
        application = performance.apply_for_enforcement(award, claimant, facts="被申请人至今未支付赔偿金。")
        assert [e.list_type for e in entries_of(db, respondent.credit_code)] == []  # applied, not accepted
        court_officer = make_user(Role.COURT_LIAISON, organisation=courts["intermediate"])
        agreement_performance.court_records_enforcement(application, court_officer, "（2027）桂04执5号")
    [entry] = entries_of(db, respondent.credit_code)
    assert entry.list_type == ListType.NON_PERFORMANCE
    assert [(f.source, f.number, f.non_performance) for f in entry.findings] == [
        (FindingSource.ENFORCEMENT, "（2027）桂04执5号", True)
    ]


def test_an_outside_decision_needs_a_valid_code_a_finding_and_its_document(db, officer, entity):
    good = entity.credit_code
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(RegistryError, match="check digit"):
        external(officer, credit_code=bad)
    with pytest.raises(RegistryError, match="what the decision found"):
        external(officer, credit_code=good, infringement=False)
    finding = external(officer, credit_code=good, willful=True)
    assert len(finding.document_sha256) == 64
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "registry.finding_recorded")
    ).all()
    assert audit[-1].data["document_sha256"] == finding.document_sha256
    [entry] = entries_of(db, good)
    assert entry.list_type == ListType.WILLFUL


def test_the_objection_period_ends_at_24_00_of_its_last_day_and_then_the_entry_is_published(
    db, officer, entity
):
    with freeze_time(NOTICE_AT):
        external(officer, credit_code=entity.credit_code, name=entity.name, punitive=True)
        entry = _candidate(db, entity)
        operations.start_review(entry, officer)
        operations.notify_entity(entry, officer)
    # Noticed Monday 1 March 2027: the 15 days end at 24:00 Beijing time on Tuesday 16 March.
    assert entry.objection_due_at.isoformat() == "2027-03-16T16:00:00+00:00"
    deadline = db.session.scalars(
        sa.select(Deadline).where(
            Deadline.kind == DeadlineKind.REGISTRY_OBJECTION, Deadline.object_id == entry.id
        )
    ).one()
    assert deadline.due_at == entry.objection_due_at
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == entity.id)).all()
    assert [n.code for n in told] == ["registry.notified"]

    # One second before midnight nothing is due; at midnight the objection is refused and the sweep publishes.
    assert sweep_at(db, entry.objection_due_at - timedelta(seconds=1)) == 0
    with freeze_time(entry.objection_due_at), pytest.raises(RegistryError, match="period to object ended"):
        operations.object_to(entry, entity, text="不服")
    db.session.rollback()
    assert sweep_at(db, entry.objection_due_at) == 1
    db.session.refresh(entry)
    assert entry.state == EntryState.PUBLISHED
    assert entry.published_at == entry.objection_due_at
    assert entry.publishing_authority == "梧州市市场监督管理局"
    # Published 17 March 2027 (Beijing): three years to the corresponding date, Sunday 17 March 2030,
    # so the period runs to the next working day.
    assert public.export_row(entry)["publication_end"] == "2030-03-18"
    [change] = db.session.scalars(sa.select(Change).where(Change.entry_id == entry.id)).all()
    assert change.kind == ChangeKind.PUBLISHED and change.record["status"] == "published"


def test_an_objection_on_the_last_day_is_heard_and_upheld(db, officer, entity, make_user):
    with freeze_time(NOTICE_AT):
        external(officer, credit_code=entity.credit_code, name=entity.name, willful=True)
        entry = _candidate(db, entity)
        operations.start_review(entry, officer)
        operations.notify_entity(entry, officer)
    stranger = make_user(Role.PARTY)
    # Anyone can type a company's credit code: an account not verified to hold it is not the entity.
    pretender = make_user(Role.PARTY, credit_code=entity.credit_code, verified=False)
    with freeze_time(entry.objection_due_at - timedelta(seconds=1)):
        for user in (stranger, pretender):
            with pytest.raises(RegistryError, match="entity itself"):
                operations.object_to(entry, user, text="不服")
        operations.object_to(entry, entity, text="该判决已被二审撤销，附二审判决书。")
    assert entry.state == EntryState.OBJECTED
    assert sweep_at(db, entry.objection_due_at + timedelta(days=1)) == 0  # the deadline was met
    db.session.refresh(entry)
    assert entry.state == EntryState.OBJECTED
    with freeze_time(entry.objection_due_at + timedelta(days=3)):
        with pytest.raises(RegistryError, match="reasons"):
            operations.decide_objection(entry, officer, decision="upheld_withdrawn", reasons=" ")
        operations.decide_objection(
            entry, officer, decision="upheld_withdrawn", reasons="原判决已被撤销，不予列入。"
        )
    assert entry.state == EntryState.WITHDRAWN and entry.withdrawal_reasons.startswith("原判决")
    assert db.session.scalars(sa.select(Change).where(Change.entry_id == entry.id)).all() == []
    assert public.export_row(entry)["status"] == "withdrawn"


def test_an_objection_upheld_in_part_corrects_the_entry_before_it_is_published(db, officer, entity):
    with freeze_time(NOTICE_AT):
        external(officer, credit_code=entity.credit_code, name="梧州市假冒茶业公司", willful=True)
        entry = _candidate(db, entity)
        operations.start_review(entry, officer)
        operations.notify_entity(entry, officer)
        operations.object_to(entry, entity, text="名称有误")
        with pytest.raises(RegistryError, match="what is corrected"):
            operations.decide_objection(entry, officer, decision="upheld_corrected", reasons="名称更正")
        operations.decide_objection(
            entry,
            officer,
            decision="upheld_corrected",
            reasons="名称更正",
            corrections={"entity_name": entity.name},
        )
    assert entry.state == EntryState.PUBLISHED and entry.entity_name == entity.name
    assert entry.objection_decision == "upheld_corrected"
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "registry_entries", AuditEntry.object_id == entry.id
        )
    ).all()
    assert actions == [
        "registry.propose",
        "registry.review",
        "registry.notify",
        "registry.object",
        "registry.uphold_correct",
    ]


def test_publication_ends_after_three_years_and_the_removal_is_published(db, officer, entity):
    entry = published_entry(db, officer, entity)
    assert entry.state == EntryState.PUBLISHED
    assert sweep_at(db, entry.expires_at - timedelta(seconds=1)) == 0
    assert sweep_at(db, entry.expires_at) == 1
    db.session.refresh(entry)
    assert entry.state == EntryState.REMOVED and entry.removal_reason.value == "expiry"
    kinds = db.session.scalars(
        sa.select(Change.kind).where(Change.entry_id == entry.id).order_by(Change.id)
    ).all()
    assert kinds == [ChangeKind.PUBLISHED, ChangeKind.REMOVED]
    assert public.published().where(Entry.id == entry.id) is not None
    assert db.session.scalars(public.published()).all() == []
    with freeze_time(entry.expires_at + timedelta(days=1)):
        operations.archive(entry, officer)
    assert entry.state == EntryState.ARCHIVED
    assert verify_chain().ok


def test_credit_repair_removes_the_entry_before_its_time(db, officer, entity, make_user):
    entry = published_entry(db, officer, entity)
    when = entry.published_at + timedelta(days=200)
    with freeze_time(when):
        with pytest.raises(RegistryError, match="listed entity"):
            operations.apply_for_repair(
                entry, make_user(Role.PARTY), performance="x", commitment="y", filename="p.pdf", data=PDF
            )
        with pytest.raises(RegistryError, match="commitment"):
            operations.apply_for_repair(
                entry, entity, performance="已全额赔偿", commitment="", filename="p.pdf", data=PDF
            )
        first = operations.apply_for_repair(
            entry,
            entity,
            performance="已全额赔偿",
            commitment="承诺不再侵权",
            filename="付款凭证.pdf",
            data=PDF,
        )
        operations.decide_repair(first, officer, grant=False, reasons="付款凭证不清楚")
        second = operations.apply_for_repair(
            entry,
            entity,
            performance="已全额赔偿，附法院结案通知",
            commitment="承诺不再侵权",
            filename="结案通知.pdf",
            data=PDF,
        )
        operations.decide_repair(second, officer, grant=True, reasons="已履行完毕并作出信用承诺")
    assert first.state == RepairState.REFUSED and second.state == RepairState.GRANTED
    assert entry.state == EntryState.REMOVED and entry.removal_reason.value == "repair"
    publication = db.session.scalars(
        sa.select(Deadline).where(
            Deadline.kind == DeadlineKind.REGISTRY_PUBLICATION, Deadline.object_id == entry.id
        )
    ).one()
    assert publication.state == DeadlineState.CANCELLED
    removal = db.session.scalars(sa.select(Change).where(Change.kind == ChangeKind.REMOVED)).one()
    assert removal.record["status"] == "removed_repair" and "信用修复" in removal.note
    counts = public.counts_by_period(date(2027, 1, 1), date(2027, 12, 31))
    assert counts == {"published": 1, "under_objection": 0, "repaired": 1, "removed": 0, "on_list_at_end": 0}


def test_a_natural_person_is_masked_and_the_id_number_is_never_kept(db, officer):
    number = valid_id_number(77)
    with freeze_time(NOTICE_AT):
        finding = external(
            officer, kind="person", id_number=number, name="王小明", willful=True, representative=None
        )
        entry = db.session.scalars(sa.select(Entry).where(Entry.entity_key == finding.entity_key)).one()
        operations.start_review(entry, officer)
        with pytest.raises(RegistryError, match="record how the notice was served"):
            operations.notify_entity(entry, officer)
        operations.notify_entity(entry, officer, service_record="2027-03-01 邮寄送达，EMS 1234567890")
    sweep_at(db, entry.objection_due_at)
    db.session.refresh(entry)
    row = public.export_row(entry)
    assert row["entity_name"] == "王**" and entry.public_name == "王**"
    assert number not in str(row) and row["unified_social_credit_code"] is None
    assert finding.id_number_hash and not hasattr(finding, "id_number")
    assert public.listed_entries_for(id_number=number) == [entry]
    # Masked names are not searchable by the full name.
    assert db.session.scalars(public.published("王小明")).all() == []


def test_only_credit_officers_change_entries(db, officer, entity, make_user, clerk):
    admin = make_user(Role.ADMIN)
    with freeze_time(NOTICE_AT):
        external(officer, credit_code=entity.credit_code, willful=True)
        entry = _candidate(db, entity)
        for user in (admin, clerk, entity):
            with pytest.raises(RegistryError, match="credit officer"):
                operations.start_review(entry, user)
            with pytest.raises(RegistryError, match="credit officer"):
                operations.withdraw(entry, user, reasons="x")
    assert entry.state == EntryState.CANDIDATE


def test_the_transition_table_refuses_what_it_does_not_list(db, officer, entity):
    from odr.registry import workflow

    with freeze_time(NOTICE_AT):
        external(officer, credit_code=entity.credit_code, willful=True)
        entry = _candidate(db, entity)
    for state in EntryState:
        for action in Action:
            entry.state = state
            allowed = TRANSITIONS.get((state, action))
            for capacity in Capacity:
                if allowed and capacity in allowed[1]:
                    assert workflow.check(entry, action, capacity) == allowed[0]
                else:
                    with pytest.raises(TransitionError):
                        workflow.check(entry, action, capacity)


def test_a_sole_trader_from_a_platform_record_is_masked(db, officer):
    code = "92" + valid_uscc(5)[2:17]
    from odr.core.identifiers import uscc_check_char

    code = code + uscc_check_char(code)
    with freeze_time(NOTICE_AT):
        external(
            officer, credit_code=code, kind="sole_trader", name="李四", representative="李四", willful=True
        )
    entry = entries_of(db, code)[0]
    assert entry.public_name == "李*" and entry.public_representative == "李*"
    assert PartyKind.PERSON.value == "person"


def test_the_receiving_courts_judgment_is_a_platform_record_for_the_list(
    db, failed_case, respondent, courts, make_user, officer
):
    from odr.handover import operations as handovers

    handover = handovers.handover_of(failed_case)
    court = courts["intermediate"]
    handovers.send(handover, court)
    judge_aide = make_user(Role.COURT_LIAISON, organisation=court)
    elsewhere = make_user(Role.COURT_LIAISON, organisation=courts["wanxiu"])
    party = failed_case.respondents[0]
    values = dict(
        party_id=party.id,
        number="（2027）桂04知民初3号",
        decided_on=date(2027, 2, 1),
        infringement=True,
        willful=False,
        punitive=True,
        summary="判决停止侵权并赔偿。",
        filename="判决书.pdf",
        data=PDF,
    )
    with freeze_time(NOTICE_AT):
        with pytest.raises(RegistryError, match="court that received"):
            findings.record_court_judgment(handover, elsewhere, **values)
        with pytest.raises(RegistryError, match="what the decision found"):
            findings.record_court_judgment(
                handover, judge_aide, **{**values, "infringement": False, "punitive": False}
            )
        finding = findings.record_court_judgment(handover, judge_aide, **values)
        with pytest.raises(RegistryError, match="already recorded"):
            findings.record_court_judgment(handover, judge_aide, **values)
    assert (finding.source, finding.authority, finding.credit_code) == (
        FindingSource.COURT,
        court.name,
        respondent.credit_code,
    )
    [entry] = entries_of(db, respondent.credit_code)
    assert entry.list_type == ListType.WILLFUL and entry.findings == [finding]


def test_a_last_day_on_a_weekend_moves_the_end_to_the_next_working_day(db, officer, entity):
    # Noticed Friday 5 March 2027: the 15th day is Saturday 20 March, so the period runs to Monday 22 March.
    with freeze_time(datetime(2027, 3, 5, 2, 0, tzinfo=UTC)):
        external(officer, credit_code=entity.credit_code, name=entity.name, willful=True)
        entry = _candidate(db, entity)
        operations.start_review(entry, officer)
        operations.notify_entity(entry, officer)
    assert entry.objection_due_at.isoformat() == "2027-03-22T16:00:00+00:00"


def test_an_objection_period_ending_on_national_day_runs_to_the_end_of_the_holiday(db, officer, entity):
    # Noticed Wednesday 16 September 2026: the 15th day is 1 October, National Day; the holiday runs
    # to 7 October, so the entity may object until 24:00 on Thursday 8 October.
    with freeze_time(datetime(2026, 9, 16, 2, 0, tzinfo=UTC)):
        external(officer, credit_code=entity.credit_code, name=entity.name, willful=True, on=date(2026, 5, 1))
        entry = _candidate(db, entity)
        operations.start_review(entry, officer)
        operations.notify_entity(entry, officer)
    assert entry.objection_due_at.isoformat() == "2026-10-08T16:00:00+00:00"
    with freeze_time(datetime(2026, 10, 8, 15, 59, tzinfo=UTC)):
        operations.object_to(entry, entity, text="节后最后一日提出异议")
    assert entry.state == EntryState.OBJECTED
