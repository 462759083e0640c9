"""The ODR platform: online resolution of intellectual-property disputes."""

from importlib.metadata import PackageNotFoundError, version

from flask import Flask

import config as config_module
from odr.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio

try:
    __version__ = version("odr-platform")
except PackageNotFoundError:
    __version__ = "0.1.0"


def create_app(config=None):
    """Make the application. CONFIG is a name ('testing', ...), a config object, or None for ODR_CONFIG."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=False,
    )
    if config is None or isinstance(config, str):
        config = config_module.load(config)
    app.config.from_object(config)
    app.config["ODR_VERSION"] = __version__
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_security(app)
    register_commands(app)
    return app


def register_converters(app):
    from odr.core import forms, inputs

    inputs.init_app(app)
    forms.init_app(app)


def register_extensions(app):
    from odr.accounts import sessions
    from odr.core import socket_sessions
    from odr.core.i18n import select_locale, select_timezone

    socket_sessions.init_app(app)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True, compare_type=True
    )
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load_user)
    login_manager.request_loader(sessions.load_user_from_remember_cookie)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"
    from odr.core.i18n import LOGIN_MESSAGE

    login_manager.login_message = LOGIN_MESSAGE
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "threading"),
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        channel=app.config.get("SOCKETIO_CHANNEL", "flask-socketio"),
    )


def register_blueprints(app):
    from odr.accounts.views import bp as accounts_bp
    from odr.admin.views import bp as admin_bp
    from odr.cases.views import bp as cases_bp
    from odr.core.views import bp as core_bp
    from odr.experts import access as expert_access
    from odr.experts.case_views import bp as assignments_bp
    from odr.experts.views import bp as experts_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(experts_bp)
    app.register_blueprint(assignments_bp)
    expert_access.init_app(app)
    from odr.deadlines import rules, views  # noqa: F401  (deadlines follow the audit chain; case panel)
    from odr.rooms import events, sessions  # noqa: F401  (Socket.IO handlers; case notices)
    from odr.rooms.views import bp as rooms_bp

    app.register_blueprint(rooms_bp)
    from odr.notifications import mail as _mail  # noqa: F401  (the outbox model)
    from odr.notifications import operations as _notifications  # noqa: F401  (listens to the audit chain)
    from odr.notifications import views as notification_views

    app.register_blueprint(notification_views.bp)
    notification_views.init_app(app)
    from odr.agreements import access as agreement_access
    from odr.agreements.court_views import bp as court_bp
    from odr.agreements.views import bp as agreements_bp

    app.register_blueprint(agreements_bp)
    app.register_blueprint(court_bp)
    agreement_access.init_app(app)
    from odr.deadlines import escalation, extending  # noqa: F401  (escalation texts; proposals lapse)
    from odr.deadlines.restday_views import bp as restdays_bp
    from odr.deadlines.views import bp as deadlines_bp
    from odr.handover import operations as _handover  # noqa: F401  (packages follow the case workflow)
    from odr.handover.views import bp as handover_bp

    app.register_blueprint(deadlines_bp)
    app.register_blueprint(restdays_bp)
    app.register_blueprint(handover_bp)
    from odr.evidence import labels as _evidence_labels  # noqa: F401  (timeline labels)
    from odr.evidence.views import bp as evidence_bp

    app.register_blueprint(evidence_bp)
    from odr.arbitration import access as arbitration_access
    from odr.arbitration import desk as _arbitration_desk
    from odr.arbitration.views import bp as arbitration_bp

    app.register_blueprint(arbitration_bp)
    arbitration_access.init_app(app)
    _arbitration_desk.init_app(app)
    from odr.cases.attorney_views import bp as attorneys_bp
    from odr.identity.views import bp as identity_bp
    from odr.policies.views import bp as policies_bp

    app.register_blueprint(policies_bp)

    app.register_blueprint(identity_bp)
    app.register_blueprint(attorneys_bp)
    from odr.survey import operations as _survey  # noqa: F401  (asks the parties when a case ends)
    from odr.survey.views import bp as survey_bp

    app.register_blueprint(survey_bp)
    from odr.stats.report_views import bp as reports_bp
    from odr.stats.views import bp as stats_bp

    app.register_blueprint(stats_bp)
    app.register_blueprint(reports_bp)
    from odr.audit import checkpoints as _checkpoints  # noqa: F401  (anchors the chain at each signature)
    from odr.audit.views import bp as audit_bp

    app.register_blueprint(audit_bp)
    from odr.registry import views as registry_views

    registry_views.init_app(app)


def register_template_helpers(app):
    from odr.core import templating
    from odr.deadlines import display

    templating.init_app(app)
    display.init_app(app)


def register_error_handlers(app):
    from odr.core import errors

    errors.init_app(app)


def register_security(app):
    from odr.core import security

    security.init_app(app)


def register_commands(app):
    from odr.cli import odr_cli

    app.cli.add_command(odr_cli)
