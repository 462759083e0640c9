"""Helpers the views share: who is asking (their address), and sending a stored file as a download."""

from flask import abort, current_app, has_request_context, request, send_file, url_for

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


def external_url(endpoint: str, **values) -> str:
    """An absolute link to ENDPOINT for a mail: from the request's host, or ``PUBLIC_URL`` outside one."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)
