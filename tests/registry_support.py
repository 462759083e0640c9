"""Shared set-up for the tests of the list of infringers: a credit officer, an entity with an
account, and outside decisions recorded as a credit officer records them."""

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from odr.accounts.models import PartyKind, Role
from odr.registry import findings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Monday 1 March 2027, 10:00 in Beijing: 15 days later is Tuesday 16 March, a working day.
NOTICE_AT = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def officer(make_user):
    return make_user(Role.CREDIT_OFFICER, name="信用科科员", locale="en")


@pytest.fixture
def entity(make_user):
    """A company with a verified account on the platform."""
    return make_user(Role.PARTY, name="梧州市假冒茶叶有限公司", party_kind=PartyKind.COMPANY)


def external(
    officer,
    *,
    credit_code=None,
    name="梧州市假冒茶叶有限公司",
    on=date(2026, 6, 1),
    number=None,
    kind="company",
    id_number=None,
    willful=False,
    punitive=False,
    infringement=True,
    authority="梧州市中级人民法院",
    decision_kind="court_judgment",
    representative="张三",
):
    """Record an outside decision the way the officer's form does."""
    number = number or f"（{on.year}）桂04民初{on.toordinal() % 1000}号"
    return findings.record_external(
        officer,
        entity_kind=kind,
        entity_name=name,
        credit_code=credit_code,
        id_number=id_number,
        legal_representative=representative,
        decision_kind=decision_kind,
        number=number,
        decided_on=on,
        authority=authority,
        infringement=infringement,
        willful=willful,
        punitive=punitive,
        summary="判决被告停止侵权并赔偿损失。",
        filename="判决书.pdf",
        data=PDF,
    )


def published_entry(db, officer, entity, *, when=NOTICE_AT, willful=True):
    """An entry notified at WHEN and published by the sweep when nobody objected."""
    from odr.registry import operations
    from tests.deadline_support import sweep_at

    with freeze_time(when):
        external(
            officer, credit_code=entity.credit_code, name=entity.name, willful=willful, on=date(2027, 1, 5)
        )
        entry = _candidate(db, entity)
        operations.start_review(entry, officer)
        operations.notify_entity(entry, officer)
    sweep_at(db, entry.objection_due_at)
    db.session.refresh(entry)
    return entry


def _candidate(db, entity):
    import sqlalchemy as sa

    from odr.registry.models import Entry, EntryState

    return db.session.scalars(
        sa.select(Entry).where(Entry.credit_code == entity.credit_code, Entry.state == EntryState.CANDIDATE)
    ).one()
