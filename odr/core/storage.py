"""Files stored by their SHA-256, outside the web root; the type is read from the bytes."""

import hashlib
import io
import os
import tempfile
import zipfile
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
# Further types an evidence docket keeps: more images, office documents, audio and video.
MORE_SIGNATURES = [
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # .doc, .xls, .ppt (OLE2)
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"#!AMR", "audio/amr"),  # phone call recordings
    (b"\x1a\x45\xdf\xa3", "video/webm"),  # Matroska/WebM
]
RIFF_KINDS = {b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo", b"WEBP": "image/webp"}
OFFICE_ZIPS = [  # the part that tells an Office Open XML package's kind
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]
ODF_TYPES = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)
ZIP_FAMILY = ("application/zip", *(t for _, t in OFFICE_ZIPS), *ODF_TYPES)
# What `store` accepts when its caller names no types: what it always accepted.
DEFAULT_TYPES = ("application/pdf", "image/png", "image/jpeg", *ZIP_FAMILY)
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/zip": ".zip",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/webp": ".webp",
    "application/x-ole-storage": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/amr": ".amr",
    "audio/wav": ".wav",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/3gpp": ".3gp",
    "video/webm": ".webm",
    "video/x-msvideo": ".avi",
}
DEFAULT_REFUSAL = _l("This kind of file is not accepted. Upload a PDF, PNG or JPEG file.")


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
            return _zip_kind(data) if content_type == "application/zip" else content_type
    for magic, content_type in MORE_SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(b"RIFF") and data[8:12] in RIFF_KINDS:
        return RIFF_KINDS[data[8:12]]
    if data[4:8] == b"ftyp":
        return _iso_media_kind(data[8:12])
    if len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0 and data[1] & 0x06:
        return "audio/mpeg"  # an MP3 frame header without an ID3 tag
    return None


def _zip_kind(data: bytes) -> str:
    """A zip container's office kind (.docx, .xlsx, .pptx, OpenDocument) or plain zip."""
    mimetype = data[30:38] == b"mimetype" and data[38:120]
    if mimetype:
        for odf in ODF_TYPES:
            if mimetype.startswith(odf.encode()):
                return odf
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "application/zip"
    if "[Content_Types].xml" in names:
        for prefix, content_type in OFFICE_ZIPS:
            if any(name.startswith(prefix) for name in names):
                return content_type
    return "application/zip"


def _iso_media_kind(brand: bytes) -> str:
    if brand.startswith(b"M4A") or brand.startswith(b"M4B"):
        return "audio/mp4"
    if brand.startswith(b"qt"):
        return "video/quicktime"
    if brand.startswith(b"3g"):
        return "video/3gpp"
    return "video/mp4"


def root() -> Path:
    return Path(current_app.config["FILE_STORAGE_DIR"])


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise StorageError("not a SHA-256")
    return root() / sha256[:2] / sha256[2:4] / sha256


def limit_text(size: int) -> str:
    """A size limit as people read it: 20 MB, 1.5 MB, 500 KB, 64 B (never "0 MB")."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} B"


def store(data: bytes, *, allowed=None, max_size=None, refusal=None) -> StoredFile:
    """Keep DATA under its hash (once, however often it is stored) and describe it.

    ALLOWED names the content types the caller accepts (default: PDF, PNG, JPEG and zip
    containers); REFUSAL is the message for any other type.
    """
    max_size = max_size or current_app.config["MAX_UPLOAD_BYTES"]
    if not data:
        raise StorageError(_l("The file is empty."))
    if len(data) > max_size:
        raise StorageError(_l("The file is larger than %(size)s.", size=limit_text(max_size)))
    content_type = sniff(data)
    if content_type is None or content_type not in (allowed or DEFAULT_TYPES):
        raise StorageError(refusal or DEFAULT_REFUSAL)
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


def safe_filename(name: str, fallback: str = "file") -> str:
    """NAME as the user's file name only: no folders, no control characters, at most 255 characters.

    It is shown and offered as the download name, never used as a path.
    """
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".").strip()
    return name[:255] or fallback
