"""The audit chain anchored outside the database: signed checkpoints at each signature, award and
ruling, printed on documents; verify finds truncation, rewriting, edits and forged checkpoints, and
reads only what follows the last verified checkpoint; the public page answers a party."""

import json
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from pypdf import PdfReader

from odr.audit import checkpoints, verify
from odr.audit.anchors import Checkpoint, FileAnchor
from odr.audit.models import AuditCheckpoint, AuditEntry, entry_hash
from odr.audit.operations import record
from odr.audit.signing import format_time, platform_key, signature_valid
from odr.core import storage
from tests import evidence_support
from tests.agreement_support import T0, apply_jointly
from tests.evidence_support import deposit

docket = evidence_support.docket  # the fixture
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def _log(app) -> list[Checkpoint]:
    """The checkpoints the file anchor holds."""
    return [c for _, c in FileAnchor(app.config).read()]


def _acts(n, make_org, action="test.act"):
    org = make_org()
    return [record(f"{action}{i}", org, details={"i": i}) for i in range(n)]


def _checkpoint(db):
    """Sign the head and commit, as the scheduler does: the checkpoint reaches the anchor."""
    checkpoint = checkpoints.make_checkpoint("interval")
    db.session.commit()
    return checkpoint


def _pdf_text(sha256):
    reader = PdfReader(BytesIO(storage.read(sha256)))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def _problems(report, kind):
    return [p for p in report.problems if p.kind == kind]


# Signing and anchoring -------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_with_the_key_outside_the_database_and_anchored_on_commit(app, db, make_org):
    entries = _acts(3, make_org)
    checkpoint = checkpoints.make_checkpoint("interval")
    assert (checkpoint.position, checkpoint.head_hash) == (entries[-1].position, entries[-1].hash)
    key = platform_key(app)
    assert Path(key.source).parent == Path(app.config["AUDIT_SIGNING_KEY_FILE"]).parent  # the temp dir
    assert signature_valid(
        key.public, checkpoint.position, checkpoint.head_hash, checkpoint.created_at, checkpoint.signature
    )
    assert not signature_valid(
        key.public, checkpoint.position - 1, checkpoint.head_hash, checkpoint.created_at, checkpoint.signature
    )
    assert _log(app) == []  # not before the chain it names is committed
    db.session.commit()
    assert _log(app) == [checkpoint]
    # The head has not moved: the same checkpoint serves, nothing new is signed.
    assert checkpoints.make_checkpoint("interval") == checkpoint
    db.session.commit()
    assert len(_log(app)) == 1


def test_a_rolled_back_checkpoint_is_never_anchored(app, db, make_org):
    _acts(1, make_org)
    db.session.commit()
    checkpoints.make_checkpoint("interval")
    db.session.rollback()
    db.session.commit()
    assert _log(app) == []


def test_the_key_can_come_from_the_environment(app, db, make_org, monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = Ed25519PrivateKey.generate()
    pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY", pem)
    _acts(1, make_org)
    checkpoint = checkpoints.make_checkpoint("interval")
    assert signature_valid(
        other.public_key(),
        checkpoint.position,
        checkpoint.head_hash,
        checkpoint.created_at,
        checkpoint.signature,
    )


def test_signatures_rulings_and_awards_are_each_checkpointed(
    app, db, effective, claimant, respondent, courts, liaison
):
    from odr.agreements import confirmation

    db.session.commit()
    signed = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action.in_(["agreement.signed", "agreement.last_signature"]))
    ).all()
    assert len(signed) == 4  # three signatures, the last of which made the agreement effective
    logged = {(c.position, c.head_hash): c for c in _log(app)}
    for entry in signed:
        assert logged[(entry.position, entry.hash)].reason == entry.action
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特88号")
    with freeze_time(T0 + timedelta(days=10)):
        confirmation.decide(
            application, liaison, confirm=True, ruling_number="（2026）桂0403民特88号", judge_name="黄法官"
        )
    db.session.commit()
    ruling = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "agreement.confirm"))
    logged = {(c.position, c.head_hash): c for c in _log(app)}
    assert logged[(ruling.position, ruling.hash)].reason == "agreement.confirm"


def test_the_award_is_checkpointed_at_each_signature_and_at_issue(
    app, db, failed_case, claimant, respondent, commission, commission_clerk, panel
):
    from odr.arbitration import awards
    from tests.conftest import PASSWORD
    from tests.test_arbitration import _tribunal_of_three

    arbitration = _tribunal_of_three(
        db, failed_case, claimant, respondent, commission, commission_clerk, panel
    )
    with freeze_time(T0 + timedelta(days=40)):
        award = awards.draft_award(
            arbitration,
            panel[2],
            facts_found="事实",
            reasons="理由",
            decisions="驳回。",
            costs="由申请人承担。",
        )
        awards.review_award(award, commission_clerk)
        for arbitrator in (panel[2], panel[0], panel[1]):
            awards.sign_award(award, arbitrator, password=PASSWORD)
    db.session.commit()
    acts = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action.in_(["arbitration.award_signed", "arbitration.issue"]))
        .order_by(AuditEntry.position)
    ).all()
    assert [a.action for a in acts] == ["arbitration.award_signed"] * 3 + ["arbitration.issue"]
    logged = {(c.position, c.head_hash) for c in _log(app)}
    assert all((a.position, a.hash) in logged for a in acts)
    # The award prints the checkpoint of its last signature: the chain as it stood when it was issued.
    last_signature = acts[2]
    text = _pdf_text(award.pdf_sha256)
    assert f"存证校验点：第{last_signature.position}号·{last_signature.hash[:16]}" in text


def test_documents_print_the_checkpoint_that_names_them(app, db, docket, effective):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"])
    entry = exhibit.deposit_entry
    text = _pdf_text(exhibit.receipt_sha256)
    # The receipt's checkpoint names the deposit's own entry, signed.
    assert f"存证校验点：第{entry.position}号·{entry.hash[:16]}" in text
    assert entry.hash in text
    row = db.session.scalar(sa.select(AuditCheckpoint).where(AuditCheckpoint.position == entry.position))
    assert row.signature in text
    assert "/audit/checkpoint" in text
    # The signed agreement prints the checkpoint of its last signature.
    last = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "agreement.last_signature"))
    signed = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.position == last.position - 1))
    assert signed.action == "agreement.signed"
    assert f"存证校验点：第{signed.position}号·{signed.hash[:16]}" in _pdf_text(effective.signed_pdf_sha256)


# Verify -----------------------------------------------------------------------------------------------


def test_an_intact_chain_verifies_and_the_checkpoint_is_remembered(app, db, make_org):
    _acts(3, make_org)
    checkpoint = _checkpoint(db)
    report = verify.verify()
    assert report.ok, report.describe()
    assert report.verified_up_to == checkpoint
    assert json.loads(Path(app.config["AUDIT_VERIFIED_FILE"]).read_text())["position"] == checkpoint.position


def test_truncation_is_detected(app, db, make_org):
    positions = [e.position for e in _acts(5, make_org)]
    _checkpoint(db)
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.position > positions[2]))
    report = verify.verify(full=True)
    assert not report.ok
    (truncated,) = _problems(report, "truncated")
    assert truncated.position == positions[3]
    assert f"ends at position {positions[2]}" in truncated.message
    assert f"names position {positions[4]}" in truncated.message
    # Without the checkpoint the walk alone would have found nothing wrong.
    assert not [p for p in report.problems if p.kind != "truncated"]


def test_rewriting_an_entry_and_every_hash_after_it_is_detected(app, db, make_org):
    entries = _acts(6, make_org)
    first = _checkpoint(db)
    more = _acts(3, make_org, action="test.later")
    second = _checkpoint(db)
    # Edit the entry after the first checkpoint, then recompute its hash and every later one.
    target = entries[-1].position + 1
    rows = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.position >= more[0].position).order_by(AuditEntry.position)
    ).all()
    assert rows[0].position == target
    rows[0].details = '{"i":99}'
    prev = db.session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.position == target - 1))
    for row in rows:
        row.prev_hash = prev
        row.hash = entry_hash(row)
        prev = row.hash
    db.session.flush()
    from odr.audit.operations import verify_chain

    assert verify_chain().ok  # the chain links: only the checkpoint tells
    report = verify.verify(full=True)
    (rewritten,) = _problems(report, "rewritten")
    assert rewritten.position == second.position
    assert f"position {second.position}" in rewritten.message
    assert f"{first.position + 1}–{second.position}" in rewritten.message
    assert len(report.problems) == 1


def test_a_plain_edit_is_detected_at_its_position(app, db, make_org):
    entries = _acts(4, make_org)
    _checkpoint(db)
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entries[1].id).values(details='{"i":7}'))
    report = verify.verify(full=True)
    (altered,) = _problems(report, "altered")
    assert altered.position == entries[1].position
    assert f"Entry at position {entries[1].position}: content altered" in altered.message


def test_a_checkpoint_whose_signature_does_not_verify_is_reported(app, db, make_org):
    entries = _acts(2, make_org)
    good = _checkpoint(db)
    # A forged line: the true head, a later time, and a signature made with another key.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from odr.audit.signing import checkpoint_message, encode_signature

    later = good.created_at + timedelta(hours=1)
    forged_sig = encode_signature(
        Ed25519PrivateKey.generate().sign(checkpoint_message(good.position, good.head_hash, later))
    )
    forged = Checkpoint(good.position, good.head_hash, later, good.key_id, forged_sig, "forged")
    FileAnchor(app.config).append(forged)
    with open(app.config["AUDIT_CHECKPOINT_LOG"], "a") as log:
        log.write("not json\n")
    report = verify.verify(full=True)
    (bad,) = _problems(report, "bad_signature")
    assert bad.position == entries[-1].position
    assert "does not verify with the platform's key" in bad.message
    (unreadable,) = _problems(report, "unreadable")
    assert "record 3" in unreadable.message
    assert report.checkpoints == 1  # the good one still counts


def test_verify_is_incremental_from_the_last_verified_checkpoint(app, db, make_org, monkeypatch):
    head = db.session.scalar(sa.select(sa.func.max(AuditEntry.position))) or 0
    _acts(10, make_org)
    first = _checkpoint(db)
    report = verify.verify()
    assert report.ok and report.full  # nothing remembered yet: everything
    assert report.entries_read == head + 10
    _acts(7, make_org, action="test.later")
    second = _checkpoint(db)

    read = []  # every entry position the walk reads
    original = verify.entry_hash

    def counting(entry):
        read.append(entry.position)
        return original(entry)

    monkeypatch.setattr(verify, "entry_hash", counting)
    report = verify.verify()
    assert report.ok, report.describe()
    assert not report.full and report.start == first.position + 1
    assert report.entries_read == 7 and read == list(range(first.position + 1, second.position + 1))
    assert report.verified_up_to == second
    read.clear()
    report = verify.verify()
    assert report.entries_read == 0 and read == []
    read.clear()
    report = verify.verify(full=True)
    assert report.ok and report.entries_read == second.position and len(read) == second.position


def test_incremental_verify_still_finds_a_rewrite_before_the_remembered_checkpoint(app, db, make_org):
    entries = _acts(5, make_org)
    checkpoint = _checkpoint(db)
    assert verify.verify().ok
    # Rewrite everything from the second entry on; the remembered checkpoint's hash no longer matches.
    rows = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.position >= entries[1].position).order_by(AuditEntry.position)
    ).all()
    rows[0].details = '{"i":42}'
    prev = entries[0].hash
    for row in rows:
        row.prev_hash = prev
        row.hash = entry_hash(row)
        prev = row.hash
    db.session.flush()
    report = verify.verify()
    assert [p.kind for p in report.problems] == ["rewritten"]
    assert report.problems[0].position == checkpoint.position
    assert report.full  # the remembered checkpoint failed: walked from the start


def test_the_verify_command(app, db, make_org):
    positions = [e.position for e in _acts(3, make_org)]
    _checkpoint(db)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["odr", "audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output and "(full)" in ok.output
    again = runner.invoke(args=["odr", "audit", "verify"])
    assert "0 read (incremental" in again.output
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.position == positions[-1]))
    broken = runner.invoke(args=["odr", "audit", "verify", "--full"])
    assert broken.exit_code == 1
    assert f"Truncated: the chain ends at position {positions[-2]}" in broken.output


def test_the_scheduler_signs_the_head_at_intervals(app, db, make_org):
    from odr.deadlines.scheduler import Leadership, checkpoint_tick

    entries = _acts(2, make_org)
    db.session.commit()
    leadership = Leadership(db.engine)
    try:
        checkpoint_tick(app, leadership)
    finally:
        # On PostgreSQL the leader's advisory lock lives as long as its connection: left held, this
        # test process would stay the leader and the scheduler processes of later tests never sweep.
        leadership.release()
    (logged,) = _log(app)
    assert (logged.position, logged.head_hash, logged.reason) == (
        entries[-1].position,
        entries[-1].hash,
        "interval",
    )


# The public page ---------------------------------------------------------------------------------------


def _query(checkpoint, **changes):
    values = {
        "position": checkpoint.position,
        "hash": checkpoint.head_hash,
        "time": format_time(checkpoint.created_at),
        "signature": checkpoint.signature,
    }
    values.update(changes)
    return values


def _answer(page):
    import re

    found = re.search(r'data-testid="checkpoint-result"[^>]*', page)
    return found.group(0) if found else ""


def test_the_page_confirms_a_document_checkpoint_to_anyone(app, db, client, make_org):
    _acts(2, make_org)
    checkpoint = _checkpoint(db)
    # The link a document's QR code carries, opened without signing in.
    url = checkpoints.check_url(checkpoint)
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-signed="yes" data-chain="same"' in _answer(page)
    assert "Signed by the platform’s key." in page
    key = platform_key(app)
    assert key.id in page and "BEGIN PUBLIC KEY" in page
    pem = client.get("/audit/public-key.pem")
    assert pem.status_code == 200 and b"BEGIN PUBLIC KEY" in pem.data


def test_the_page_tells_an_altered_value_or_chain(app, db, client, make_org):
    entries = _acts(3, make_org)
    checkpoint = _checkpoint(db)
    # A value changed on the document: the signature no longer matches.
    changed = client.get(
        "/audit/checkpoint", query_string=_query(checkpoint, time="2026-01-01T00:00:00Z"), headers=EN
    )
    assert 'data-signed="no" data-chain="same"' in _answer(changed.get_data(as_text=True))
    # The chain rewritten at that position since.
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entries[-1].id).values(hash="f" * 64))
    rewritten = client.get("/audit/checkpoint", query_string=_query(checkpoint), headers=EN).get_data(
        as_text=True
    )
    assert 'data-signed="yes" data-chain="different"' in _answer(rewritten)
    assert "The chain now has a different hash at position" in rewritten
    # The entry removed.
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == entries[-1].id))
    gone = client.get("/audit/checkpoint", query_string=_query(checkpoint), headers=ZH).get_data(as_text=True)
    assert 'data-signed="yes" data-chain="absent"' in _answer(gone)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("position", "0", "The position is a whole number from 1"),
        ("position", "99999999999999999999", "The position is a whole number from 1"),
        ("position", "١٢", "The position is a whole number from 1"),
        ("hash", "abc", "The hash has 64 characters"),
        ("hash", "g" * 64, "The hash has 64 characters"),
        ("time", "yesterday", "Write the time as on the document"),
        ("time", "2026-02-30T10:00:00Z", "This time is not a real date and time."),
        ("signature", "A" * 85 + "\x01", "The signature has 86 characters"),
        ("signature", "", "Enter the signature."),
    ],
)
def test_bad_input_gets_a_clear_message(app, db, client, make_org, field, value, message):
    _acts(1, make_org)
    checkpoint = _checkpoint(db)
    response = client.get("/audit/checkpoint", query_string=_query(checkpoint, **{field: value}), headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'data-result="invalid"' in page


def test_bad_input_is_answered_in_chinese(app, db, client, make_org):
    _acts(1, make_org)
    checkpoint = _checkpoint(db)
    response = client.get("/audit/checkpoint", query_string=_query(checkpoint, hash="xyz"), headers=ZH)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The hash has 64 characters" not in page
    assert 'data-result="invalid"' in page


def test_a_document_links_to_the_configured_address_not_the_requests_host(app, db, make_org):
    _acts(1, make_org)
    checkpoint = checkpoints.make_checkpoint("document")
    with app.test_request_context("/", base_url="http://attacker.example"):
        url = checkpoints.check_url(checkpoint)
    assert url.startswith(app.config["PUBLIC_URL"].rstrip("/") + "/audit/checkpoint?position=")


def test_without_a_readable_key_the_page_says_checking_is_unavailable(app, db, client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY", None)
    monkeypatch.setitem(app.config, "AUDIT_SIGNING_KEY_FILE", str(tmp_path / "gone.pem"))
    monkeypatch.setitem(app.config, "AUDIT_CREATE_KEY", False)
    for path in ("/audit/checkpoint", "/audit/public-key.pem"):
        response = client.get(path, headers=EN)
        assert response.status_code == 503, path
        assert "cannot be read just now" in response.get_data(as_text=True)
