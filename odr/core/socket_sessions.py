"""The signed cookie session, read once per Socket.IO connection instead of at every event.

Flask opens the session of each request context it pushes; Flask-SocketIO pushes one for every
event and then replaces that session with the connection's own copy, made at its first event. So
from the second event on, the copy is handed out directly: no signature check, no decompression,
no JSON parsing of the cookie per event.
"""

from flask.sessions import SecureCookieSessionInterface

SAVED = "saved_session"  # where Flask-SocketIO keeps the connection's copy in its WSGI environ


class SocketAwareSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        saved = request.environ.get(SAVED)
        if saved is not None:
            return saved
        return super().open_session(app, request)


def init_app(app):
    app.session_interface = SocketAwareSessionInterface()
