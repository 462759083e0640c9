"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi``."""

import gc
import os

from odr import create_app

app = create_app()
if not os.environ.get("FLASK_RUN_FROM_CLI"):
    from odr.core.pool import check_pool
    from odr.extensions import db

    with app.app_context():  # refuse to start when the database pools would not fit in PostgreSQL
        summary = check_pool(app, db.engine)
    if summary:
        print(summary, flush=True)
# Under gunicorn, each process may sweep (one at a time, by advisory lock); `flask` commands that
# import this module (db upgrade, seed, ...) must not.
if app.config["SCHEDULER_IN_WEB_PROCESS"] and not os.environ.get("FLASK_RUN_FROM_CLI"):
    from odr.deadlines.scheduler import start_in_background

    start_in_background(app)  # with several processes, one of them sweeps (advisory lock)

# Objects made at start-up live as long as the process: keep them out of garbage collection.
gc.collect()
gc.freeze()
