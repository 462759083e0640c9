"""How long `flask odr audit verify` takes on a chain of 1,000,000 entries: in full, and
incrementally after a day's further entries.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_audit .venv/bin/python bench/audit_verify.py [ENTRIES]

The database named by BENCH_DATABASE_URL is emptied and migrated, then ENTRIES (default 1,000,000)
audit entries are loaded by COPY, hashed and chained as the platform chains them, with a signed
checkpoint every 5,000 entries (signatures and the scheduler's interval make them at about that
rate) written to a checkpoint log in a temporary directory, with a key made there.

Printed, from the same run: the full verify (every entry read, every checkpoint checked), then,
after DAY more entries (default 3,000) and their checkpoint, the incremental verify, which reads
only those.
"""

import hashlib
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import sqlalchemy as sa

import config
from odr import create_app

CHECKPOINT_EVERY = 5000
START = datetime(2024, 1, 1, tzinfo=UTC)


def load(url, first, count, prev, key, anchor):
    """COPY COUNT entries from position FIRST after PREV; sign a checkpoint every CHECKPOINT_EVERY
    and at the end. Returns the last hash."""
    from odr.audit.anchors import Checkpoint
    from odr.audit.models import canonical_json

    sha256 = hashlib.sha256
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY audit_entries (position, created_at, object_type, object_id, action, details, prev_hash, hash)"
            " FROM STDIN"
        ) as copy:
            buffer = []
            for position in range(first, first + count):
                when = START + timedelta(seconds=position * 60)
                stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%f")
                details = f'{{"n":{position}}}'
                text = (
                    f'{{"action":"bench.act","actor_id":null,"case_id":null,'
                    f'"created_at":"{stamp}+00:00","details":"{details.replace(chr(34), chr(92) + chr(34))}",'
                    f'"object_id":{position},"object_type":"platform","position":{position},"prev_hash":"{prev}"}}'
                )
                if position == first:  # the same bytes the platform hashes
                    expected = canonical_json(
                        {
                            "position": position,
                            "created_at": when.isoformat(timespec="microseconds"),
                            "actor_id": None,
                            "object_type": "platform",
                            "object_id": position,
                            "case_id": None,
                            "action": "bench.act",
                            "details": details,
                            "prev_hash": prev,
                        }
                    )
                    assert text == expected, (text, expected)
                digest = sha256(text.encode()).hexdigest()
                buffer.append(
                    f"{position}\t{stamp.replace('T', ' ')}\tplatform\t{position}\tbench.act\t{details}\t{prev}\t{digest}\n"
                )
                prev = digest
                last = position == first + count - 1
                if position % CHECKPOINT_EVERY == 0 or last:
                    at = when.replace(microsecond=0)
                    anchor.append(
                        Checkpoint(position, digest, at, key.id, key.sign(position, digest, at), "bench")
                    )
                if len(buffer) >= 50000:
                    copy.write("".join(buffer))
                    buffer.clear()
            copy.write("".join(buffer))
        conn.commit()
    return prev


def main():
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL to a scratch PostgreSQL database (it is emptied).")
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    day = int(os.environ.get("DAY", 3000))
    settings = config.Testing()  # a key and a checkpoint log of its own, in a temporary directory
    settings.SQLALCHEMY_DATABASE_URI = url
    app = create_app(settings)
    from odr.audit.anchors import FileAnchor
    from odr.audit.models import GENESIS_HASH
    from odr.audit.signing import platform_key
    from odr.audit.verify import verify
    from odr.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
        key = platform_key(app)
        anchor = FileAnchor(app.config)
        started = time.perf_counter()
        head = load(url, 1, entries, GENESIS_HASH, key, anchor)
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE audit_entries"))
        print(
            f"loaded {entries:,} entries, {entries // CHECKPOINT_EVERY:,} checkpoints: {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        full = verify(full=True)
        full_seconds = time.perf_counter() - started
        assert full.ok, full.describe()
        print(
            f"full verify:        {full.entries_read:>9,} entries read, {full.checkpoints:,} checkpoints: {full_seconds:6.2f} s"
        )
        db.session.remove()

        load(url, entries + 1, day, head, key, anchor)
        started = time.perf_counter()
        incremental = verify()
        incremental_seconds = time.perf_counter() - started
        assert incremental.ok and not incremental.full, incremental.describe()
        print(
            f"incremental verify: {incremental.entries_read:>9,} entries read, {incremental.checkpoints:,} checkpoints: "
            f"{incremental_seconds:6.2f} s  (chain of {incremental.head:,})"
        )
        print(f"log: {app.config['AUDIT_CHECKPOINT_LOG']}")


if __name__ == "__main__":
    main()
