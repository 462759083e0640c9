"""Where signed checkpoints are written, outside the database: the anchors.

An anchor receives each checkpoint once its transaction has committed. The default, ``file``,
appends a line of JSON to a file (AUDIT_CHECKPOINT_LOG) that the database's users cannot rewrite.
Another anchor, e.g. a court's or a notary's timestamping service, is a class with the same two
methods, registered under a name and listed in AUDIT_ANCHORS (see README, "Audit chain"):

    class CourtTimestamp(Anchor):
        name = "court"

        def __init__(self, config): ...
        def append(self, checkpoint): ...   # send checkpoint.message(), keep the service's token
        def read(self): ...                 # the checkpoints it holds, or None if it cannot say

    anchors.register(CourtTimestamp)
"""

import fcntl
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from odr.audit.signing import checkpoint_message, format_time, parse_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checkpoint:
    """On CREATED_AT the chain's entry at POSITION had hash HEAD_HASH, signed with key KEY_ID."""

    position: int
    head_hash: str
    created_at: datetime
    key_id: str
    signature: str
    reason: str = ""

    def message(self) -> bytes:
        return checkpoint_message(self.position, self.head_hash, self.created_at)

    def to_json(self) -> str:
        return json.dumps(
            {
                "position": self.position,
                "head_hash": self.head_hash,
                "time": format_time(self.created_at),
                "key_id": self.key_id,
                "signature": self.signature,
                "reason": self.reason,
            },
            sort_keys=True,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> "Checkpoint":
        """A checkpoint from a line of a checkpoint log; ValueError if it is not one."""
        try:
            data = json.loads(line)
            return cls(
                position=int(data["position"]),
                head_hash=str(data["head_hash"]),
                created_at=parse_time(str(data["time"])),
                key_id=str(data.get("key_id", "")),
                signature=str(data["signature"]),
                reason=str(data.get("reason", "")),
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
            raise ValueError(f"not a checkpoint: {error}") from None


class Anchor:
    """A place outside the database that keeps the signed checkpoints."""

    name = ""

    def __init__(self, config):
        self.config = config

    def append(self, checkpoint: Checkpoint) -> None:
        raise NotImplementedError

    def read(self) -> Iterable[tuple[int, Checkpoint | str]] | None:
        """Every checkpoint kept, as (line or sequence number, checkpoint) — or (number, problem text)
        for a record that is not a checkpoint. None if this anchor cannot be read back."""
        return None


class FileAnchor(Anchor):
    """An append-only file of checkpoints, one JSON object a line."""

    name = "file"

    def __init__(self, config):
        super().__init__(config)
        self.path = Path(config["AUDIT_CHECKPOINT_LOG"])

    def append(self, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (checkpoint.to_json() + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # several processes append; each line stays whole
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self):
        try:
            handle = self.path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        with handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    yield number, Checkpoint.from_json(line)
                except ValueError as error:
                    yield number, str(error)


KINDS: dict[str, type[Anchor]] = {}


def register(kind: type[Anchor]) -> type[Anchor]:
    """Make anchor class KIND available under its name for AUDIT_ANCHORS."""
    KINDS[kind.name] = kind
    return kind


register(FileAnchor)


def configured(config) -> list[Anchor]:
    """The anchors AUDIT_ANCHORS names (a comma-separated list; default "file")."""
    names = [n.strip() for n in str(config.get("AUDIT_ANCHORS") or "file").split(",") if n.strip()]
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        raise RuntimeError(f"Unknown audit anchor {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return [KINDS[name](config) for name in names]


def deliver(anchors: list[Anchor], checkpoint: Checkpoint) -> None:
    """Give CHECKPOINT to each anchor; one that fails is logged and does not stop the others."""
    for anchor in anchors:
        try:
            anchor.append(checkpoint)
        except Exception:
            logger.exception(
                "The %s anchor did not take the checkpoint at %d", anchor.name, checkpoint.position
            )
