"""Whether the database connections the server processes may open fit in PostgreSQL.

Each process keeps a pool of DATABASE_POOL_SIZE connections and may open DATABASE_MAX_OVERFLOW
more under load; SERVER_PROCESSES processes share the server's max_connections with the
superusers' reserve and DATABASE_SPARE_CONNECTIONS kept free for migrations, psql and backups.
Past that PostgreSQL answers "too many clients already" and room messages go unanswered, so a
process refuses to start on a configuration that does not fit.
"""

import sqlalchemy as sa


class PoolTooLarge(RuntimeError):
    """The configured pools do not fit in PostgreSQL's max_connections."""


def connection_budget(app, engine) -> dict | None:
    """What the configuration asks of PostgreSQL and what it offers (None for other databases)."""
    if engine.dialect.name != "postgresql":
        return None
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    processes = app.config["SERVER_PROCESSES"]
    per_process = options.get("pool_size", 5) + options.get("max_overflow", 10)
    with engine.connect() as connection:
        settings = dict(
            connection.execute(
                sa.text(
                    "SELECT name, setting::int FROM pg_settings WHERE name IN "
                    "('max_connections', 'superuser_reserved_connections', 'reserved_connections')"
                )
            ).all()
        )
    reserved = settings.get("superuser_reserved_connections", 0) + settings.get("reserved_connections", 0)
    return {
        "processes": processes,
        "per_process": per_process,
        "spare": app.config["DATABASE_SPARE_CONNECTIONS"],
        "needed": processes * per_process + app.config["DATABASE_SPARE_CONNECTIONS"],
        "max_connections": settings["max_connections"],
        "reserved": reserved,
        "available": settings["max_connections"] - reserved,
    }


def check_pool(app, engine):
    """Raise PoolTooLarge, saying what to change, when the pools do not fit; else return a line
    describing the budget (or None on SQLite)."""
    budget = connection_budget(app, engine)
    if budget is None:
        return None
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    summary = (
        f"{budget['processes']} server process(es) × (pool {options.get('pool_size')} + overflow "
        f"{options.get('max_overflow')}) + {budget['spare']} spare = {budget['needed']} connections; "
        f"PostgreSQL accepts {budget['available']} (max_connections {budget['max_connections']} "
        f"minus {budget['reserved']} reserved)"
    )
    if budget["needed"] > budget["available"]:
        fits = max(0, (budget["available"] - budget["spare"]) // budget["processes"])
        raise PoolTooLarge(
            f"Database connections do not fit: {summary}. Lower DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW "
            f"to at most {fits} per process (SERVER_PROCESSES={budget['processes']}), or raise PostgreSQL's "
            f"max_connections."
        )
    return summary
