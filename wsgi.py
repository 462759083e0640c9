"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi``."""

import gc

from odr import create_app

app = create_app()

# Objects made at start-up live as long as the process: keep them out of garbage collection.
gc.collect()
gc.freeze()
