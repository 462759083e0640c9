"""Verifying the audit chain against itself and against the signed checkpoints.

Walking the chain (each entry's hash recomputed and linked to the one before) finds an entry edited
in place. It cannot find the last entries deleted, nor an entry edited with every later hash
recomputed: the chain still links. The checkpoints, signed with a key outside the database and kept
by the anchors, find both: the chain ends before a checkpoint's position (truncation), or the entry
at a checkpoint's position no longer has the signed hash (rewriting).

Verification is incremental: the last checkpoint verified is remembered (AUDIT_VERIFIED_FILE, outside
the database), the next run checks that the chain still has its hash and walks only the entries after
it. Every checkpoint's position is still compared, so a rewrite anywhere is found; an edit in place
before the remembered checkpoint is found by a full walk (``--full``).
"""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from odr.audit import anchors
from odr.audit.anchors import Checkpoint
from odr.audit.models import GENESIS_HASH, HASHED_FIELDS, AuditEntry, entry_hash
from odr.audit.signing import format_time, platform_key, signature_valid
from odr.core.db import utcnow
from odr.extensions import db

MAX_PROBLEMS = 50


@dataclass
class Problem:
    kind: str  # altered, unlinked, missing, reordered, truncated, rewritten, bad_signature, unreadable
    position: int | None
    message: str


@dataclass
class Report:
    full: bool
    start: int = 1  # the first position walked
    head: int = 0  # the chain's last position
    entries_read: int = 0  # entries whose hash was recomputed
    checkpoints: int = 0  # checkpoints whose signature verified
    problems: list[Problem] = field(default_factory=list)
    verified_up_to: Checkpoint | None = None  # the checkpoint remembered for the next run
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        how = "full" if self.full else f"incremental, from position {self.start}"
        lines = [
            f"Audit chain: {self.head} entries; {self.entries_read} read ({how}); "
            f"{self.checkpoints} signed checkpoints checked."
        ]
        if self.note:
            lines.append(self.note)
        if self.ok:
            lines.append("Audit chain intact.")
            if self.verified_up_to:
                lines.append(
                    f"Verified up to the checkpoint at position {self.verified_up_to.position} "
                    f"({format_time(self.verified_up_to.created_at)}); the next run starts there."
                )
        else:
            lines.append(f"Audit chain BROKEN: {len(self.problems)} problem(s).")
            lines += [f"- {p.message}" for p in self.problems]
        return "\n".join(lines)


def walk(start: int = 1, prev_hash: str = GENESIS_HASH, batch_size: int = 5000) -> Iterator:
    """Walk the chain from position START (whose predecessor has PREV_HASH): yield each Problem
    found, and the number of entries read as the last item."""
    expected_position, expected_prev, last_id, read = start, prev_hash, 0, 0
    columns = [getattr(AuditEntry, name) for name in ("id", "hash", *HASHED_FIELDS)]
    while True:
        rows = db.session.execute(
            sa.select(*columns)
            .where(AuditEntry.position >= expected_position)
            .order_by(AuditEntry.position)
            .limit(batch_size)
        ).all()
        if not rows:
            yield read
            return
        for entry in rows:
            read += 1
            if entry.position != expected_position:
                yield Problem(
                    "missing",
                    expected_position,
                    f"Entry at position {expected_position}: missing (the chain jumps to {entry.position}).",
                )
            elif entry.prev_hash != expected_prev:
                yield Problem(
                    "unlinked",
                    entry.position,
                    f"Entry at position {entry.position}: does not link to the entry before it "
                    "(that entry was edited, removed or reordered).",
                )
            if entry_hash(entry) != entry.hash:
                yield Problem(
                    "altered",
                    entry.position,
                    f"Entry at position {entry.position}: content altered (hash mismatch).",
                )
            if entry.id <= last_id:
                yield Problem(
                    "reordered", entry.position, f"Entry at position {entry.position}: entries reordered."
                )
            last_id = entry.id
            expected_prev = entry.hash
            expected_position = entry.position + 1


def read_checkpoints(public_key) -> tuple[list[Checkpoint], list[Problem]]:
    """The checkpoints the anchors hold whose signature verifies, sorted; and the problems found."""
    valid, problems, seen = [], [], set()
    for anchor in anchors.configured(current_app.config):
        records = anchor.read()
        if records is None:
            continue
        for number, item in records:
            if isinstance(item, str):
                problems.append(
                    Problem("unreadable", None, f"Checkpoint log ({anchor.name}) record {number}: {item}.")
                )
                continue
            if not signature_valid(
                public_key, item.position, item.head_hash, item.created_at, item.signature
            ):
                problems.append(
                    Problem(
                        "bad_signature",
                        item.position,
                        f"Checkpoint at position {item.position} ({format_time(item.created_at)}, "
                        f"{anchor.name} record {number}): its signature does not verify with the "
                        "platform's key; the checkpoint was forged or altered.",
                    )
                )
                continue
            if (item.position, item.head_hash) not in seen:
                seen.add((item.position, item.head_hash))
                valid.append(item)
    valid.sort(key=lambda c: (c.position, c.created_at))
    return valid, problems


def _hashes_at(positions: list[int]) -> dict[int, str]:
    found = {}
    for i in range(0, len(positions), 500):
        chunk = positions[i : i + 500]
        found.update(
            db.session.execute(
                sa.select(AuditEntry.position, AuditEntry.hash).where(AuditEntry.position.in_(chunk))
            ).all()
        )
    return found


def check_against(checkpoints: list[Checkpoint], head: int) -> tuple[list[Problem], list[Checkpoint]]:
    """Truncation and rewriting: CHECKPOINTS compared with the chain, whose last position is HEAD.
    Returns the problems and the checkpoints the chain still matches."""
    problems, matching = [], []
    beyond = [c for c in checkpoints if c.position > head]
    if beyond:
        last = beyond[-1]
        problems.append(
            Problem(
                "truncated",
                head + 1,
                f"Truncated: the chain ends at position {head}, but the checkpoint signed "
                f"{format_time(last.created_at)} names position {last.position}; entries "
                f"{head + 1}–{last.position} (at least) were deleted.",
            )
        )
    within = [c for c in checkpoints if c.position <= head]
    hashes = _hashes_at(sorted({c.position for c in within}))
    previous = 0
    for checkpoint in within:
        now = hashes.get(checkpoint.position)
        if now == checkpoint.head_hash:
            matching.append(checkpoint)
            previous = checkpoint.position
        elif now is None:
            problems.append(
                Problem(
                    "missing",
                    checkpoint.position,
                    f"Entry at position {checkpoint.position}: missing, though the checkpoint of "
                    f"{format_time(checkpoint.created_at)} signed it.",
                )
            )
        else:
            problems.append(
                Problem(
                    "rewritten",
                    checkpoint.position,
                    f"Rewritten: the entry at position {checkpoint.position} no longer has the hash "
                    f"signed in the checkpoint of {format_time(checkpoint.created_at)}; entries in "
                    f"{previous + 1}–{checkpoint.position} were changed and the hashes after them recomputed.",
                )
            )
    return problems, matching


def _state_path() -> Path:
    return Path(current_app.config["AUDIT_VERIFIED_FILE"])


def remembered() -> dict | None:
    """The last verified checkpoint (position and head hash), if one is remembered."""
    try:
        data = json.loads(_state_path().read_text())
        return {"position": int(data["position"]), "head_hash": str(data["head_hash"])}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def remember(checkpoint: Checkpoint) -> None:
    path = _state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(
        json.dumps(
            {
                "position": checkpoint.position,
                "head_hash": checkpoint.head_hash,
                "checkpoint_time": format_time(checkpoint.created_at),
                "verified_at": format_time(utcnow()),
            }
        )
    )
    os.replace(temporary, path)  # a crash leaves the old state or the new one, never half


def verify(full: bool = False, batch_size: int = 5000) -> Report:
    """Check the chain against itself and the signed checkpoints; remember the newest checkpoint
    verified when all is well. FULL walks every entry instead of those after the remembered one."""
    report = Report(full=full)
    checkpoints, report.problems = read_checkpoints(platform_key(current_app).public)
    report.checkpoints = len(checkpoints)
    report.head = db.session.scalar(sa.select(sa.func.max(AuditEntry.position))) or 0
    problems, matching = check_against(checkpoints, report.head)
    report.problems += problems
    start, prev_hash = 1, GENESIS_HASH
    if not full:
        state = remembered()
        if state and any(
            (c.position, c.head_hash) == (state["position"], state["head_hash"]) for c in matching
        ):
            start, prev_hash = state["position"] + 1, state["head_hash"]
        else:
            report.full = True
            report.note = (
                "No verified checkpoint remembered (or the chain no longer matches it): verifying in full."
                if not state
                else f"The remembered checkpoint at position {state['position']} no longer matches: verifying in full."
            )
    report.start = start
    for item in walk(start, prev_hash, batch_size):
        if not isinstance(item, Problem):
            report.entries_read = item
        elif len(report.problems) < MAX_PROBLEMS:
            report.problems.append(item)
        else:
            report.note = f"Stopped after {MAX_PROBLEMS} problems."
            break
    if report.ok and matching:
        report.verified_up_to = matching[-1]
        remember(matching[-1])
    return report
