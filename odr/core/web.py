"""Helpers the views share: who is asking (their address), and sending a stored file as a download."""

from flask import abort, request, send_file

from odr.core import storage


def send_stored(sha256: str | None, filename: str, content_type: str | None = "application/pdf"):
    """The file stored under SHA256 as an attachment named FILENAME; 404 when there is none."""
    if not sha256:
        abort(404)
    try:
        path = storage.path_for(sha256)
    except storage.StorageError:
        abort(404)
    if not path.exists():
        abort(404)
    response = send_file(
        path, mimetype=content_type or "application/octet-stream", as_attachment=True, download_name=filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def client_ip() -> str:
    """The address the request came from, for signatures and logs.

    X-Forwarded-For is read only through the configured number of trusted proxies (ProxyFix, see
    ``odr.core.security``); a header the client sent itself changes nothing.
    """
    return request.remote_addr or ""
