"""What every response tells the browser about itself, and where the client's address comes from.

One short after-request hook instead of a package: the policy is small, fixed, and tested header
by header (tests/test_security_headers.py). Scripts and styles come only from our own static
files, so no page may carry an inline script, inline event handler or inline style.
"""

from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import WSGIRequestHandler

# Each directive closes what the platform does not use; 'self' covers the Socket.IO websocket.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Bootstrap's stylesheet draws its form icons from data: URIs
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
    ]
)

# Nothing on the platform uses the camera, the microphone, location or payments.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

SERVER_NAME = "ODR"


def security_headers(response):
    """Add the platform's security headers to RESPONSE (kept when a view already set one)."""
    from flask import current_app

    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Invitation links carry a token in their address: never tell another site where a user came from.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    hsts_seconds = current_app.config.get("HSTS_SECONDS", 0)
    if hsts_seconds:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains")
    return response


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler without its and Python's versions in the Server header."""

    def version_string(self):
        return SERVER_NAME


def trust_proxies(app):
    """Read the client's address (and scheme and host) from the TRUSTED_PROXIES nearest proxies' headers.

    With no trusted proxy (the default) X-Forwarded-* are ignored: anyone can send them.
    """
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_app(app):
    app.after_request(security_headers)
    trust_proxies(app)
