"""The notifications page and the bell's count."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from odr.extensions import db
from odr.notifications import links, operations
from odr.notifications.models import Notification

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index():
    notes = db.session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    me = current_user._get_current_object()
    visible = links.visible_cases(notes, me)  # one query, not one access check per notification
    rows = [
        # plain values: the commit below expires the notifications, and reading them again would
        # cost a query each
        (note.created_at, operations.text_of(note), links.link_for(note, me, visible), note.read_at is None)
        for note in notes
    ]
    # Opening the list is reading it: the bell clears (what was new stays marked on this page).
    if any(unread for *_x, unread in rows):
        operations.mark_all_read(me)
        db.session.commit()
    return render_template("notifications/index.html", rows=rows)


def init_app(app):
    @app.context_processor
    def bell():
        if current_user and current_user.is_authenticated:
            return {"unread_notifications": operations.unread_count(current_user)}
        return {"unread_notifications": 0}
