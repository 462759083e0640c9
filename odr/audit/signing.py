"""The platform's checkpoint key (Ed25519), kept outside the database, and what it signs.

A checkpoint says "on TIME the audit chain's entry at POSITION had hash HEAD_HASH". The signed
message is plain text, so anyone holding the public key can check it with any Ed25519 tool:

    odr-audit-checkpoint/1\\n<position>\\n<head hash, 64 hex>\\n<time, YYYY-MM-DDTHH:MM:SSZ>\\n

The signature is written in base64url without padding (86 characters).
"""

import base64
import binascii
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

logger = logging.getLogger(__name__)

MESSAGE_PREFIX = "odr-audit-checkpoint/1"
HASH_RE = re.compile(r"[0-9a-f]{64}")
SIGNATURE_RE = re.compile(r"[A-Za-z0-9_-]{86}")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


class KeyMissing(RuntimeError):
    """No checkpoint key is configured, or the one configured cannot be read."""


def checkpoint_message(position: int, head_hash: str, created_at: datetime) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    return f"{MESSAGE_PREFIX}\n{position}\n{head_hash}\n{format_time(created_at)}\n".encode()


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """TEXT as written in a checkpoint (2026-12-01T19:20:03Z); ValueError otherwise."""
    text = text.strip()
    if not TIME_RE.fullmatch(text):
        raise ValueError("not a checkpoint time")
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def encode_signature(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_signature(text: str) -> bytes:
    """The 64 signature bytes of TEXT (base64url, 86 characters); ValueError otherwise."""
    text = (text or "").strip()
    if not SIGNATURE_RE.fullmatch(text):
        raise ValueError("not a checkpoint signature")
    return base64.urlsafe_b64decode(text + "==")


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name of PUBLIC_KEY: the first 16 hex digits of the SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_raw(public_key)).hexdigest()[:16]


def public_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@dataclass(frozen=True)
class PlatformKey:
    private: Ed25519PrivateKey
    source: str  # where it was read from, for messages (never the key itself)

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def id(self) -> str:
        return key_id(self.public)

    def sign(self, position: int, head_hash: str, created_at: datetime) -> str:
        return encode_signature(self.private.sign(checkpoint_message(position, head_hash, created_at)))


def signature_valid(public_key: Ed25519PublicKey, position, head_hash, created_at, signature: str) -> bool:
    """Whether SIGNATURE is PUBLIC_KEY's signature of this checkpoint."""
    try:
        public_key.verify(decode_signature(signature), checkpoint_message(position, head_hash, created_at))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def _from_text(text: str, source: str) -> PlatformKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise KeyMissing(f"The checkpoint key in {source} cannot be read: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyMissing(f"The checkpoint key in {source} is not an Ed25519 private key")
    return PlatformKey(key, source)


def create_key_file(path) -> PlatformKey:
    """Write a new Ed25519 private key to PATH (PEM, readable by its owner only) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # O_EXCL: never overwrite a key (the checkpoints signed with it would no longer verify).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return PlatformKey(key, str(path))


def load_key(config) -> PlatformKey:
    """The platform's key as CONFIG says: AUDIT_SIGNING_KEY (the key itself, from the environment)
    or AUDIT_SIGNING_KEY_FILE (a PEM file); a development key file is made when allowed and missing."""
    if config.get("AUDIT_SIGNING_KEY"):
        return _from_text(config["AUDIT_SIGNING_KEY"], "AUDIT_SIGNING_KEY")
    path = config.get("AUDIT_SIGNING_KEY_FILE")
    if not path:
        raise KeyMissing("No checkpoint key: set AUDIT_SIGNING_KEY_FILE or AUDIT_SIGNING_KEY")
    try:
        return _from_text(Path(path).read_text(), str(path))
    except FileNotFoundError:
        if not config.get("AUDIT_CREATE_KEY"):
            raise KeyMissing(f"The checkpoint key file {path} does not exist") from None
    key = create_key_file(path)
    logger.warning("Created a development checkpoint key in %s", path)
    return key


def platform_key(app) -> PlatformKey:
    """APP's key, read once per configured source."""
    cache = app.extensions.setdefault("odr_audit_key", {})
    source = (app.config.get("AUDIT_SIGNING_KEY"), app.config.get("AUDIT_SIGNING_KEY_FILE"))
    if source not in cache:
        cache[source] = load_key(app.config)
    return cache[source]
