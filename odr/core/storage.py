"""Files stored by their SHA-256, outside the web root; the type is read from the bytes."""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.core.failures import UserError

# Leading bytes of the types the platform accepts, and the type each means.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),  # .docx, .xlsx and other office files are zip containers
]
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "application/zip": ".zip"}


class StorageError(UserError, ValueError):
    """A file the platform will not keep; the message is shown to the user."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes declare, or None when the platform does not accept them."""
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def root() -> Path:
    return Path(current_app.config["FILE_STORAGE_DIR"])


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise StorageError("not a SHA-256")
    return root() / sha256[:2] / sha256[2:4] / sha256


def store(data: bytes, *, allowed=None, max_size=None) -> StoredFile:
    """Keep DATA under its hash (once, however often it is stored) and describe it."""
    max_size = max_size or current_app.config["MAX_UPLOAD_BYTES"]
    if not data:
        raise StorageError(_l("The file is empty."))
    if len(data) > max_size:
        raise StorageError(_l("The file is larger than %(mb)d MB.", mb=max_size // (1024 * 1024)))
    content_type = sniff(data)
    if content_type is None or (allowed and content_type not in allowed):
        raise StorageError(_l("This kind of file is not accepted. Upload a PDF, PNG or JPEG file."))
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    return StoredFile(digest, len(data), content_type)


def read(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()
