"""Room pages, files shared in rooms, the mediator's controls, sessions, minutes and records."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from odr.accounts.models import User
from odr.cases import panels
from odr.cases.models import CaseState
from odr.cases.views import flash_form_errors, run
from odr.cases.workflow import Capacity, capacities
from odr.core import storage
from odr.core.db import utcnow
from odr.core.inputs import form_id
from odr.core.labels import zh
from odr.extensions import db
from odr.rooms import labels, operations, sessions
from odr.rooms.forms import AttendanceForm, MinutesAnswerForm, MinutesForm, SessionForm
from odr.rooms.models import (
    MEDIATION_ROOMS,
    MediationSession,
    Message,
    MessageKind,
    Room,
    RoomKind,
    SessionState,
)
from odr.rooms.operations import RoomError
from odr.rooms.pdf import render_record

bp = Blueprint("rooms", __name__)


def _me():
    return current_user._get_current_object()


def _load_room(room_id) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or not operations.can_join(room, current_user):
        abort(404)
    return room


def _back(room):
    return redirect(url_for("rooms.show", room_id=room.id))


def _overseers(room) -> set[Capacity]:
    """Who sees all of ROOM's sessions and records besides their participants (see
    ``operations.record_readers``: never the failed mediation's mediator in the hearing room, never the
    clerk in a caucus)."""
    return set(operations.record_readers(room))


# The case page's section ---------------------------------------------------------------------------


def case_panel(case, user):
    rooms = operations.rooms_for(case, user)
    held = capacities(case, user)
    every_room = db.session.scalars(sa.select(Room).where(Room.case_id == case.id).order_by(Room.id)).all()
    records = [r for r in every_room if operations.can_read_record(r, user)]
    if not rooms and not records and Capacity.CLERK not in held:
        return None
    case_sessions = db.session.scalars(
        sa.select(MediationSession)
        .where(MediationSession.case_id == case.id)
        .order_by(MediationSession.starts_at)
    ).all()
    visible = [s for s in case_sessions if user.id in (s.participants or []) or held & _overseers(s.room)]
    form, session_room = None, None
    if Capacity.MEDIATOR in held and case.state == CaseState.MEDIATING and rooms:
        session_room = rooms[0]
    hearing = next((r for r in rooms if r.kind == RoomKind.HEARING), None)
    if hearing is not None and operations.is_mediator(hearing, user) and operations.is_active(hearing):
        session_room = hearing
    if session_room is not None:
        form = _session_form(session_room)
    return "rooms/_case_panel.html", {
        "rooms": rooms,
        "sessions": visible,
        "session_form": form,
        "session_room": session_room,
        "records": records,
    }


panels.register(case_panel)


def _session_form(room, formdata=None):
    form = SessionForm(formdata=formdata) if formdata is not None else SessionForm(formdata=None)
    form.participants.choices = [SelectChoice(u.id, u.name) for u in sessions.participants_of(room)]
    if formdata is None:
        form.participants.data = [u.id for u in sessions.participants_of(room)]
    return form


# The room ------------------------------------------------------------------------------------------


@bp.route("/rooms/<int:room_id>")
@login_required
def show(room_id):
    room = _load_room(room_id)
    mediator = operations.is_mediator(room, current_user)
    others = [r for r in operations.rooms_for(room.case, current_user) if r.id != room.id]
    members = (
        [u for u in sessions.participants_of(room) if operations.can_be_muted(room, u)] if mediator else []
    )
    investigators = [
        a.expert
        for a in room.case.assignments
        if a.seat.value == "technical_investigator" and a.state.value == "accepted"
    ]
    return render_template(
        "rooms/show.html",
        room=room,
        case=room.case,
        mediator=mediator,
        others=others,
        members=members,
        investigators=investigators,
        muted=operations.muted_users(room),
        cannot_post=operations.why_not_post(room, current_user),
        inactive=None if operations.is_active(room) else str(operations.INACTIVE_TEXT),
        system_texts=labels.system_templates(),
        param_labels=labels.param_labels(),
        kinds=list(MEDIATION_ROOMS) if room.kind in MEDIATION_ROOMS else [],
    )


@bp.route("/rooms/<int:room_id>/files", methods=["POST"])
@login_required
def upload(room_id):
    room = _load_room(room_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return jsonify(ok=False, error=_("Choose a file to share.")), 400
    try:
        message = operations.share_file(
            room, _me(), upload.filename, upload.read(), client_id=request.form.get("client_id") or None
        )
        db.session.commit()
    except (RoomError, storage.StorageError) as error:
        db.session.rollback()
        return jsonify(ok=False, error=str(error)), 400
    return jsonify(ok=True, seq=message.seq, id=message.id)


@bp.route("/rooms/files/<int:message_id>")
@login_required
def download(message_id):
    message = db.session.get(Message, message_id)
    if message is None or message.kind != MessageKind.FILE:
        abort(404)
    _load_room(message.room_id)
    path = storage.path_for(message.file_sha256)
    if not path.exists():
        abort(404)
    response = send_file(
        path, mimetype=message.file_type, as_attachment=True, download_name=message.file_name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _control(room_id, operation, *args, success=None):
    room = _load_room(room_id)
    run(operation, room, _me(), *args, success=success)
    return _back(room)


@bp.route("/rooms/<int:room_id>/open", methods=["POST"])
@login_required
def open_room(room_id):
    return _control(room_id, operations.set_open, True, success=_("The room is open."))


@bp.route("/rooms/<int:room_id>/close", methods=["POST"])
@login_required
def close_room(room_id):
    return _control(room_id, operations.set_open, False, success=_("The room is closed."))


@bp.route("/rooms/<int:room_id>/mute/<int:user_id>", methods=["POST"])
@login_required
def mute(room_id, user_id):
    target = db.session.get(User, user_id) or abort(404)
    muted = request.form.get("muted") == "1"
    done = (
        _("%(name)s is muted in this room.", name=target.name)
        if muted
        else _("%(name)s may write in this room again.", name=target.name)
    )
    return _control(room_id, operations.set_muted, target, muted, success=done)


@bp.route("/rooms/<int:room_id>/invite/<int:user_id>", methods=["POST"])
@login_required
def invite(room_id, user_id):
    guest = db.session.get(User, user_id) or abort(404)
    return _control(room_id, operations.invite, guest, success=_("Invited."))


@bp.route("/rooms/<int:room_id>/move", methods=["POST"])
@login_required
def move(room_id):
    room = _load_room(room_id)
    try:
        target_kind = RoomKind(request.form.get("to"))
    except ValueError:
        abort(400)
    target = run(operations.move_to, room, _me(), target_kind)
    return redirect(url_for("rooms.show", room_id=target.id)) if isinstance(target, Room) else _back(room)


# Other parts of the platform lay out a session's record their own way for their kind of room
# (the arbitration package: a hearing record, 庭审笔录): RoomKind -> function(room, session) -> bytes.
RECORD_LAYOUTS: dict = {}


def _record_pdf(room, session=None):
    if session is not None and room.kind in RECORD_LAYOUTS:
        return RECORD_LAYOUTS[room.kind](room, session)
    messages = db.session.scalars(
        sa.select(Message).where(Message.room_id == room.id).order_by(Message.seq)
    ).all()
    transcript = [
        (
            m.seq,
            m.created_at,
            m.sender.name if m.sender else "平台",
            labels.render_system(m.body)
            if m.kind == MessageKind.SYSTEM
            else (f"[文件] {m.file_name} SHA-256 {m.file_sha256}" if m.kind == MessageKind.FILE else m.body),
        )
        for m in messages
    ]
    data = {
        "case_number": room.case.number,
        "case_title": room.case.title,
        "room_label": zh(room.kind),
        "generated_at": utcnow(),
        "transcript": transcript,
        "session": None,
    }
    if session is not None:
        minutes = session.minutes
        attendance = {a.user_id: a.present for a in session.attendance}
        people = {
            u.id: u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(session.participants)))
        }
        status = sessions.minutes_status(minutes) if minutes else {}
        data["session"] = {
            "starts_at": session.starts_at,
            "agenda": session.agenda,
            "participants": [
                (people.get(uid, str(uid)), attendance.get(uid)) for uid in session.participants
            ],
            "minutes_text": minutes.text if minutes else "",
            "minutes_version": minutes.version if minutes else 0,
            "confirmations": [
                (
                    people.get(uid, str(uid)),
                    "确认无误" if c and c.agreed else (f"有异议：{c.objection}" if c else "尚未确认"),
                )
                for uid, c in status.items()
            ],
        }
    return render_record(data)


def _pdf_response(data, name):
    from io import BytesIO

    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.route("/rooms/<int:room_id>/transcript.pdf")
@login_required
def transcript(room_id):
    room = db.session.get(Room, room_id) or abort(404)
    if not operations.can_read_record(room, current_user):
        abort(404)
    return _pdf_response(_record_pdf(room), f"{room.case.number}-{room.kind.value}-transcript.pdf")


# Sessions and minutes ------------------------------------------------------------------------------


@bp.route("/rooms/<int:room_id>/sessions", methods=["POST"])
@login_required
def schedule(room_id):
    # The room the address names, then the one chosen on the form among that case's rooms.
    named = _load_room(room_id)
    room = _load_room(form_id("room_id", room_id))
    if room.case_id != named.case_id:
        abort(404)
    form = _session_form(room, formdata=request.form)
    if form.validate_on_submit():
        run(
            sessions.schedule,
            room,
            _me(),
            starts_at=form.starts_at_utc(),
            duration_minutes=form.duration_minutes.data,
            agenda=form.agenda.data,
            participant_ids=form.participants.data,
            success=_("The session is scheduled."),
        )
    else:
        flash_form_errors(form)
    return redirect(url_for("cases.show", case_id=room.case_id) + "#rooms")


def _load_session(session_id) -> MediationSession:
    session = db.session.get(MediationSession, session_id)
    if session is None or not session.case.can_view(current_user):
        abort(404)
    held = capacities(session.case, current_user)
    if current_user.id not in (session.participants or []) and not held & _overseers(session.room):
        abort(404)
    return session


@bp.route("/sessions")
@login_required
def calendar():
    return render_template("rooms/calendar.html", sessions=sessions.sessions_for(_me()))


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def session_page(session_id):
    session = _load_session(session_id)
    mediator = operations.is_mediator(session.room, current_user)
    minutes_form = MinutesForm(prefix="m")
    answer_form = MinutesAnswerForm(prefix="a")
    attendance_form = AttendanceForm(prefix="att")
    people = db.session.scalars(
        sa.select(User).where(User.id.in_(session.participants)).order_by(User.name)
    ).all()
    attendance_form.present.choices = [SelectChoice(u.id, u.name) for u in people]
    which = request.form.get("which")
    if request.method == "POST":
        if which == "minutes" and minutes_form.validate_on_submit():
            if run(
                sessions.write_minutes, session, _me(), minutes_form.text.data, success=_("Minutes saved.")
            ):
                return redirect(request.path)
        elif which == "answer" and answer_form.validate_on_submit() and session.minutes:
            agreed = answer_form.answer.data == "agree"
            if run(
                sessions.answer_minutes,
                session.minutes,
                _me(),
                agreed=agreed,
                objection=answer_form.objection.data,
                success=_("Your answer is recorded."),
            ):
                return redirect(request.path)
        elif which == "attendance" and attendance_form.validate_on_submit():
            if run(
                sessions.record_attendance,
                session,
                _me(),
                attendance_form.present.data,
                success=_("Attendance recorded."),
            ):
                return redirect(request.path)
        elif which == "cancel":
            if run(sessions.cancel, session, _me(), success=_("The session is cancelled.")):
                return redirect(request.path)
        else:
            flash(_("Please correct the marked fields; nothing was saved."), "danger")
    if request.method == "GET" and session.minutes:
        minutes_form.text.data = session.minutes.text
    if request.method == "GET":
        attendance_form.present.data = [a.user_id for a in session.attendance if a.present]
    status = sessions.minutes_status(session.minutes) if session.minutes else {}
    return render_template(
        "rooms/session.html",
        session=session,
        case=session.case,
        mediator=mediator,
        people=people,
        minutes_form=minutes_form,
        answer_form=answer_form,
        attendance_form=attendance_form,
        status=status,
        states=SessionState,
    )


@bp.route("/sessions/<int:session_id>/record.pdf")
@login_required
def session_record(session_id):
    session = _load_session(session_id)
    return _pdf_response(
        _record_pdf(session.room, session), f"{session.case.number}-session-{session.id}.pdf"
    )
