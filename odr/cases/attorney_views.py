"""Powers of attorney on the case page: the party files one, the clerk decides, either revokes."""

from flask import Blueprint, abort, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from odr.audit import labels
from odr.cases import attorneys, panels
from odr.cases.models import AttorneyScope, PowerOfAttorney, PowerState
from odr.cases.views import flash_form_errors, load_case, run
from odr.core.web import send_stored
from odr.extensions import db

bp = Blueprint("attorneys", __name__)
REQUIRED = _l("This field is required.")
labels.register(
    {
        "case.power_of_attorney_filed": _l("Power of attorney filed"),
        "case.power_of_attorney_approved": _l("Power of attorney approved by the clerk"),
        "case.power_of_attorney_rejected": _l("Power of attorney rejected by the clerk"),
        "case.power_of_attorney_revoked": _l("Power of attorney revoked"),
    }
)


class PowerForm(FlaskForm):
    agent_email = EmailField(
        _l("The agent's e-mail (their account on the platform)"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(_l("Enter a valid e-mail address."))],
    )
    scope = RadioField(
        _l("Authority granted"),
        choices=AttorneyScope.choices(),
        default=AttorneyScope.GENERAL.value,
        validators=[InputRequired(REQUIRED)],
    )
    document = FileField(_l("The signed power of attorney (PDF, PNG or JPEG)"))


class PowerDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[*AttorneyScope.choices(), SelectChoice(PowerState.REJECTED.value, _l("Reject"))],
        validators=[InputRequired(REQUIRED)],
    )
    reason = TextAreaField(
        _l("Reason (kept with the decision)"), validators=[DataRequired(REQUIRED), Length(max=2000)]
    )


class RevokePowerForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


def _load(case_id, power_id) -> tuple:
    case = load_case(case_id)
    power = db.session.get(PowerOfAttorney, power_id)
    if power is None or power.party.case_id != case.id:
        abort(404)
    return case, power


def _back(case):
    return redirect(url_for("cases.show", case_id=case.id, _anchor="attorneys"))


@bp.route("/cases/<int:case_id>/attorneys", methods=["POST"])
@login_required
def file_power(case_id):
    case = load_case(case_id)
    form = PowerForm(prefix="poa")
    if form.validate_on_submit():
        upload = form.document.data
        run(
            attorneys.file_power,
            case,
            current_user._get_current_object(),
            agent_email=form.agent_email.data,
            scope=form.scope.data,
            filename=getattr(upload, "filename", "") or "",
            data=upload.read() if upload else b"",
            success=_("The power of attorney has been filed; the clerk will check it."),
        )
    else:
        flash_form_errors(form)
    return _back(case)


@bp.route("/cases/<int:case_id>/attorneys/<int:power_id>/decide", methods=["POST"])
@login_required
def decide(case_id, power_id):
    case, power = _load(case_id, power_id)
    form = PowerDecisionForm(prefix=f"poa{power.id}")
    if form.validate_on_submit():
        approve = form.decision.data != PowerState.REJECTED.value
        run(
            attorneys.decide,
            power,
            current_user._get_current_object(),
            approve=approve,
            scope=form.decision.data if approve else None,
            reason=form.reason.data,
            success=_("The power of attorney has been approved.")
            if approve
            else _("The power of attorney has been rejected."),
        )
    else:
        flash_form_errors(form)
    return _back(case)


@bp.route("/cases/<int:case_id>/attorneys/<int:power_id>/revoke", methods=["POST"])
@login_required
def revoke(case_id, power_id):
    case, power = _load(case_id, power_id)
    form = RevokePowerForm(prefix=f"rev{power.id}")
    if form.validate_on_submit():
        run(
            attorneys.revoke,
            power,
            current_user._get_current_object(),
            form.reason.data,
            success=_("The power of attorney has been revoked."),
        )
    return _back(case)


@bp.route("/cases/<int:case_id>/attorneys/<int:power_id>/document")
@login_required
def document(case_id, power_id):
    """The power of attorney itself: for the clerk, the party that filed it and the agent it names."""
    case, power = _load(case_id, power_id)
    if not (
        case.is_clerk_of(current_user)
        or power.party.user_id == current_user.id
        or power.agent_id == current_user.id
    ):
        abort(403)
    return send_stored(power.sha256, power.filename, power.content_type)


def case_panel(case, user):
    """Who acts for whom: each party's agents, the form to appoint one, the clerk's decisions."""
    clerk = case.is_clerk_of(user)
    own = attorneys.principal_party(case, user)
    acting = case.power_of(user)
    if not (clerk or own or acting):
        return None
    powers = [a for p in case.parties for a in p.powers]
    visible = powers if clerk else [a for a in powers if a.party_id == (own or acting.party).id]
    can_file = own is not None and case.state not in attorneys.CLOSED_STATES
    if not visible and not can_file:
        return None
    return "cases/_attorneys_panel.html", {
        "powers": visible,
        "clerk": clerk,
        "own": own,
        "acting": acting,
        "form": PowerForm(prefix="poa") if can_file else None,
        "decision_forms": {
            a.id: PowerDecisionForm(prefix=f"poa{a.id}")
            for a in visible
            if clerk and a.state == PowerState.PENDING
        },
        "revoke_forms": {
            a.id: RevokePowerForm(prefix=f"rev{a.id}")
            for a in visible
            if a.state in (PowerState.PENDING, PowerState.APPROVED)
            and (clerk or (own and a.party_id == own.id))
        },
        "PowerState": PowerState,
    }


panels.register(case_panel)
