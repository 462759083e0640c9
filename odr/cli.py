"""`flask odr ...`: commands for operators."""

import gc
import os
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from odr.extensions import db
from odr.registry.cli import registry_cli

odr_cli = AppGroup("odr", help="Operate the ODR platform.")


@odr_cli.command("seed")
def seed_command():
    """Create the demo organisations, accounts and cases (safe to run again)."""
    from odr import seed

    created = seed.run()
    db.session.commit()
    click.echo(f"Demo data ready ({created} new records).")
    seed.print_accounts(click.echo)


@odr_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host, port):
    """Serve the platform with Socket.IO on HOST:PORT."""
    from odr.core.security import QuietRequestHandler
    from odr.extensions import socketio

    if current_app.config["SOCKETIO_ASYNC_MODE"] == "gevent":
        # gevent patches the standard library before anything else is imported: start afresh.
        os.execv(sys.executable, [sys.executable, "-m", "odr.serve", "--host", host, "--port", str(port)])

    # Flask refuses app.run() inside a `flask` command unless told this is deliberate.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    # Objects made at start-up live as long as the process: keep them out of garbage collection.
    gc.collect()
    gc.freeze()
    app = current_app._get_current_object()
    check_database_pool(app)
    if app.config["SCHEDULER_IN_WEB_PROCESS"]:
        from odr.deadlines.scheduler import start_in_background

        start_in_background(app)
    click.echo(f"ODR platform on http://{host}:{port}/  (Ctrl+C to stop)")
    socketio.run(
        current_app._get_current_object(),
        host=host,
        port=port,
        debug=False,
        use_reloader=False,
        allow_unsafe_werkzeug=True,
        log_output=False,
        request_handler=QuietRequestHandler,
    )


def check_database_pool(app):
    """Refuse to start when the processes' database pools would not fit in PostgreSQL."""
    from odr.core.pool import PoolTooLarge, check_pool

    try:
        summary = check_pool(app, db.engine)
    except PoolTooLarge as error:
        raise click.ClickException(str(error)) from None
    if summary:
        click.echo(summary)


stats_cli = AppGroup("stats", help="Statistics.")
odr_cli.add_command(stats_cli)


@stats_cli.command("rebuild")
def stats_rebuild():
    """Recompute the per-case facts and the rollups from the audit chain (the scheduler keeps them
    up to date; this starts again from nothing)."""
    from odr.stats.facts import rebuild

    cases = rebuild()
    db.session.commit()
    click.echo(f"Statistics rebuilt from {cases} cases.")


report_cli = AppGroup("report", help="Reports.")
odr_cli.add_command(report_cli)


@report_cli.command("annual")
@click.argument("year", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Where to write the PDF.")
def report_annual(year, output):
    """Write YEAR's IP protection report (Chinese PDF), from the statistics' rollups."""
    from odr.stats import report
    from odr.stats.facts import refresh

    refresh()  # fold in what happened since the scheduler's last tick
    db.session.commit()
    path = output or f"ip-protection-report-{year}.pdf"
    data = report.render(year)
    with open(path, "wb") as out:
        out.write(data)
    click.echo(f"{path}: {len(data)} bytes")


audit_cli = AppGroup("audit", help="The tamper-evident audit chain.")
odr_cli.add_command(audit_cli)


@audit_cli.command("verify")
@click.option(
    "--full", is_flag=True, help="Walk every entry, not only those after the last verified checkpoint."
)
def audit_verify(full):
    """Check the chain against itself and the signed checkpoints; exit 1 if it was altered,
    rewritten or truncated, or a checkpoint's signature does not verify."""
    from odr.audit.signing import KeyMissing
    from odr.audit.verify import verify

    try:
        report = verify(full=full)
    except KeyMissing as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.describe())
    sys.exit(0 if report.ok else 1)


@audit_cli.command("checkpoint")
def audit_checkpoint():
    """Sign the chain's head now and hand the checkpoint to the anchors."""
    from odr.audit.checkpoints import make_checkpoint
    from odr.audit.signing import format_time

    checkpoint = make_checkpoint("command")
    db.session.commit()
    if checkpoint is None:
        click.echo("The audit chain is empty: nothing to sign.")
    else:
        click.echo(
            f"Checkpoint: position {checkpoint.position}, head {checkpoint.head_hash}, "
            f"{format_time(checkpoint.created_at)}, signature {checkpoint.signature}"
        )


@audit_cli.command("key")
@click.option("--create", is_flag=True, help="Make a key file at AUDIT_SIGNING_KEY_FILE if there is none.")
def audit_key(create):
    """Show where the checkpoint key is and its public half (to publish)."""
    from odr.audit.signing import KeyMissing, create_key_file, load_key, public_pem

    config = current_app.config
    try:
        key = load_key({**config, "AUDIT_CREATE_KEY": False})
        made = False
    except KeyMissing as error:
        path = config.get("AUDIT_SIGNING_KEY_FILE")
        if not (create and path and not config.get("AUDIT_SIGNING_KEY") and not os.path.exists(path)):
            raise click.ClickException(str(error)) from None
        key, made = create_key_file(path), True
    click.echo(f"{'Created a' if made else 'The'} checkpoint key: {key.source} (key id {key.id})")
    click.echo(public_pem(key.public).strip())


user_cli = AppGroup("user", help="Accounts.")
odr_cli.add_command(user_cli)


@user_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="clerk, mediator, arbitrator, technical_investigator, court_liaison or admin; repeatable",
)
@click.option("--organisation", help="Name of the organisation the account belongs to")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--locale", default="zh_CN", type=click.Choice(["zh_CN", "en"]))
def user_create(email, name, roles, organisation, password, locale):
    """Create a staff or expert account."""
    from odr.accounts.models import STAFF_ROLES, Organisation
    from odr.accounts.operations import AccountError, create_staff_user

    allowed = {r.value for r in STAFF_ROLES}
    unknown = [r for r in roles if r not in allowed]
    if unknown:
        raise click.BadParameter(f"unknown role(s) {', '.join(unknown)}; use {', '.join(sorted(allowed))}")
    org = None
    if organisation:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation))
        if org is None:
            raise click.BadParameter(f"no organisation named {organisation!r}", param_hint="--organisation")
    try:
        user = create_staff_user(
            email=email, password=password, name=name, roles=roles, organisation=org, locale=locale
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(r.value for r in user.roles))}.")


org_cli = AppGroup("org", help="Organisations.")
odr_cli.add_command(org_cli)


@org_cli.command("create")
@click.option("--name", required=True)
@click.option(
    "--kind",
    required=True,
    type=click.Choice(
        [
            "mediation_committee",
            "arbitration_commission",
            "basic_court",
            "intermediate_court",
            "park_station",
            "notary",
        ]
    ),
)
@click.option("--name-en")
@click.option("--region")
def org_create(name, kind, name_en, region):
    """Create an organisation."""
    from odr.accounts.operations import AccountError, create_organisation

    try:
        org = create_organisation(name=name, kind=kind, name_en=name_en, region=region)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created organisation {org.name} ({org.kind.value}).")


experts_cli = AppGroup("experts", help="The expert pool.")
odr_cli.add_command(experts_cli)


@experts_cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--default-password", help="Initial password for rows without a password column")
@click.option("--dry-run", is_flag=True, help="Check the file and report, but import nothing")
def experts_import(csv_file, default_password, dry_run):
    """Import experts from CSV_FILE (columns: email,name,roles,organisation,...; lists separated by ';')."""
    from odr.experts.importer import import_csv

    report = import_csv(csv_file.read(), default_password=default_password)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in report.lines():
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was imported.")
    sys.exit(1 if report.rejected else 0)


@odr_cli.command("scheduler")
def scheduler_command():
    """Run the deadline sweep as a process of its own (set SCHEDULER_IN_WEB_PROCESS=0 for the web)."""
    from odr.deadlines.scheduler import run_forever

    click.echo("Deadline sweep running (Ctrl+C to stop).")
    run_forever(current_app._get_current_object())


@odr_cli.command("sweep")
def sweep_command():
    """Act once on every deadline that has fallen due."""
    from odr.deadlines.operations import sweep

    click.echo(f"Acted on {sweep()} deadlines.")


odr_cli.add_command(registry_cli)

evidence_cli = AppGroup("evidence", help="The evidence docket.")
odr_cli.add_command(evidence_cli)


@evidence_cli.command("verify")
@click.argument("file", type=click.File("rb"))
@click.option("--receipt", type=click.File("rb"), help="The deposit receipt (PDF) issued for FILE")
def evidence_verify(file, receipt):
    """Check FILE against the deposits (and RECEIPT against the receipt issued); exit 1 if it does not match."""
    from odr.evidence.cli import describe_verification
    from odr.evidence.operations import verify

    result = verify(file.read(), receipt.read() if receipt else None)
    for line in describe_verification(result):
        click.echo(line)
    sys.exit(0 if result.matches else 1)


rest_days_cli = AppGroup("rest-days", help="The rest-day table the legal calendar counts with.")
odr_cli.add_command(rest_days_cli)


@rest_days_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def rest_days_import(file):
    """Import FILE, lines `date,kind,name` (kind: holiday or workday), e.g. next year's schedule."""
    from odr.deadlines.restdays import RestDayError, import_csv

    try:
        count = import_csv(file.read(), source=f"import {getattr(file, 'name', '')}"[:100])
    except RestDayError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Imported {count} days.")


@rest_days_cli.command("seed")
def rest_days_seed():
    """Add the days the installed chinesecalendar package knows and the table lacks."""
    from odr.deadlines.restdays import seed_from_package

    added = seed_from_package()
    db.session.commit()
    click.echo(f"Added {added} days.")


@rest_days_cli.command("check")
def rest_days_check():
    """List the years in use (this one, the next, those of running deadlines) the table does not cover."""
    from odr.core.db import utcnow
    from odr.core.timeutil import local
    from odr.deadlines.restdays import uncovered_years, years_in_use

    missing = uncovered_years(years_in_use(local(utcnow())))
    if missing:
        click.echo(f"WARNING: no holiday schedule for {', '.join(map(str, missing))}: weekends only.")
        sys.exit(1)
    click.echo("Every year in use has its holiday schedule.")


@odr_cli.command("time-limits")
@click.option("--output", type=click.Path(dir_okay=False), help="Write to this file instead of printing")
def time_limits_command(output):
    """The table of time limits as Markdown (docs/time-limits.md is this, for the default settings)."""
    from odr.deadlines.docs import time_limits_markdown

    text = time_limits_markdown()
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)
