"""The audit chain: every act is linked to the one before; tampering is detected."""

import sqlalchemy as sa

from odr.audit.models import AuditEntry
from odr.audit.operations import record, verify_chain


def _entries(db, n, make_org):
    org = make_org()
    return [record(f"test.act{i}", org, details={"i": i}) for i in range(n)]


def test_entries_link_to_the_one_before(db, make_org):
    entries = _entries(db, 3, make_org)
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert [e.position for e in entries] == list(range(entries[0].position, entries[0].position + 3))
    result = verify_chain()
    assert result.ok, result.describe()


def test_altered_details_are_detected(db, make_org):
    entries = _entries(db, 4, make_org)
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entries[1].id).values(details='{"i":99}'))
    result = verify_chain()
    assert not result.ok
    assert result.position == entries[1].position
    assert "altered" in result.problem


def test_altered_actor_or_time_is_detected(db, make_org, make_user):
    entries = _entries(db, 2, make_org)
    other = make_user()
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entries[0].id).values(actor_id=other.id))
    assert verify_chain().position == entries[0].position


def test_removed_entry_is_detected(db, make_org):
    entries = _entries(db, 4, make_org)
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == entries[2].id))
    result = verify_chain()
    assert not result.ok
    assert result.position == entries[2].position
    assert "missing" in result.problem


def test_reordered_entries_are_detected(db, make_org):
    entries = _entries(db, 4, make_org)
    (a_id, a_pos), (b_id, b_pos) = (entries[1].id, entries[1].position), (entries[2].id, entries[2].position)
    # Swap the two entries' places in the chain (positions) through a free position.
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == a_id).values(position=-1))
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == b_id).values(position=a_pos))
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == a_id).values(position=b_pos))
    result = verify_chain()
    assert not result.ok
    assert result.position == a_pos


def test_verify_command_exit_codes(app, db, make_org):
    entries = _entries(db, 2, make_org)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["odr", "audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == entries[0].id).values(action="test.forged")
    )
    broken = runner.invoke(args=["odr", "audit", "verify"])
    assert broken.exit_code == 1
    assert f"position {entries[0].position}" in broken.output
