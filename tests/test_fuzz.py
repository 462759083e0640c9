"""Property-based fuzzing of every page and form each demo role reaches: no input gets a server
error, and an input the platform refuses changes nothing.

`make test` sends a bounded number of mutated requests (ODR_FUZZ_EXAMPLES, default below, spread
over the roles, the same each run); `make fuzz` sends many more, freshly random, and prints the
figures.
"""

import logging
import os
import time
from collections import Counter

from hypothesis import HealthCheck, given, settings

from odr import seed
from tests.fuzz_support import (
    REFUSAL_MAY_WRITE,
    WriteWatch,
    demo_users,
    discover,
    mutated_request,
    refused,
    sign_in,
)

EXAMPLES = int(os.environ.get("ODR_FUZZ_EXAMPLES", "330"))
LONG_RUN = "ODR_FUZZ_EXAMPLES" in os.environ


class Errors(logging.Handler):
    """The errors the platform logged while answering the last request (its traceback on a 500)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))


def _fuzz_role(db, client, user, targets, examples, *, watch, errors, figures, failures):
    """Send EXAMPLES mutated requests to TARGETS as USER, each rolled back afterwards."""
    connection = db.session.connection()
    who = user.email if user else "visitor"

    @settings(
        max_examples=examples,
        derandomize=not LONG_RUN,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutated_request(targets))
    def fuzz(case):
        target, request = case
        savepoint = connection.begin_nested()
        try:
            sign_in(client, user)
            watch.reset()
            errors.records.clear()
            response = request.send(client)
            figures["requests"] += 1
            figures[response.status_code] += 1
            where = f"{who}: {request.method} {request.path} [{request.note}]"
            if response.status_code == 500:
                last = errors.records[-1].strip().splitlines()[-1] if errors.records else ""
                failures[(target.endpoint, last)] = f"{where} -> 500\n" + "\n".join(errors.records)
            elif watch.committed and target.endpoint not in REFUSAL_MAY_WRITE and refused(client, response):
                failures[(target.endpoint, "write")] = (
                    f"{where} was refused ({response.status_code}) but changed the database"
                )
            response.close()
        finally:
            savepoint.rollback()
            db.session.expire_all()

    fuzz()


def test_no_input_gets_a_server_error_or_changes_what_is_refused(app, db, client):
    seed.run()
    db.session.flush()
    users = demo_users(db)
    per_role = max(1, EXAMPLES // len(users))
    figures = Counter()
    failures = {}  # one example of each distinct failure: (endpoint, error) -> what was sent
    errors = Errors()
    app.logger.addHandler(errors)
    started = time.monotonic()
    try:
        with WriteWatch() as watch:
            for user in users:
                t0 = time.monotonic()
                targets = discover(app, client, user, per_endpoint=3 if LONG_RUN else 1)
                figures["discovery_ms"] += int(1000 * (time.monotonic() - t0))
                figures["targets"] += len(targets)
                _fuzz_role(
                    db,
                    client,
                    user,
                    targets,
                    per_role,
                    watch=watch,
                    errors=errors,
                    figures=figures,
                    failures=failures,
                )
    finally:
        app.logger.removeHandler(errors)
    seconds = time.monotonic() - started
    statuses = ", ".join(
        f"{k}: {v}" for k, v in sorted((k, v) for k, v in figures.items() if isinstance(k, int))
    )
    print(
        f"\nfuzz: {figures['requests']} requests to {figures['targets']} pages and forms of "
        f"{len(users)} roles in {seconds:.0f} s (finding them {figures['discovery_ms'] / 1000:.0f} s); "
        f"{len(failures)} distinct failures; statuses {statuses}"
    )
    assert not failures, f"{len(failures)} distinct failures:\n\n" + "\n\n".join(failures.values())
    assert figures["requests"] >= per_role * len(users)
