"""`flask odr registry ...`: scheduled exports of the list and applying its rules."""

from pathlib import Path

import click
from flask.cli import AppGroup

from odr.extensions import db

registry_cli = AppGroup("registry", help="The list of repeat and willful infringers.")


@registry_cli.command("export")
@click.option("--what", type=click.Choice(["entries", "changes"]), default="entries", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="json", show_default=True)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="changes from this day (Beijing), YYYY-MM-DD"
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True)
def export_command(what, fmt, since, out_dir):
    """Write the published entries, or the changes since a day, and the manifest beside the file."""
    from odr.registry import exports

    if what == "changes" and since is None:
        raise click.UsageError("--since YYYY-MM-DD is needed for the changes")
    name, data, manifest = exports.build(what, fmt, since.date() if since else None, actor=None)
    db.session.commit()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(data)
    (out / (name + ".manifest.json")).write_bytes(exports.manifest_bytes(manifest))
    click.echo(f"{out / name}: {manifest['rows']} rows, SHA-256 {manifest['sha256']}")
    click.echo(f"audit chain position {manifest['audit']['position']} {manifest['audit']['hash']}")


@registry_cli.command("propose")
def propose_command():
    """Apply the rules to every recorded decision and propose the candidates they now reach."""
    from odr.registry.findings import propose_candidates

    made = propose_candidates()
    db.session.commit()
    click.echo(f"{len(made)} new candidates.")
