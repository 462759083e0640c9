"""The schema comes from the migrations, and they agree with the models."""

import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from odr.cases import numbering
from odr.cases.models import CaseNumberCounter
from odr.extensions import db as _db


def test_models_and_latest_migration_agree(app):
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], f"the models differ from the migrations; run `flask db migrate`: {diff}"


def test_concurrent_accepts_get_distinct_case_numbers(app):
    """Eight workers, each in its own transaction, take numbers at once: no number twice, none skipped."""
    prefix = "CONC"
    results, errors = [], []
    barrier = threading.Barrier(8)

    def worker():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                for _ in range(5):
                    results.append(numbering.next_sequence(prefix, 2026))
                    _db.session.commit()
                _db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert sorted(results) == list(range(1, 41))
    finally:
        with app.app_context():
            _db.session.execute(sa.delete(CaseNumberCounter).where(CaseNumberCounter.prefix == prefix))
            _db.session.commit()
            _db.session.remove()


@pytest.mark.parametrize("year", [2026, 2027])
def test_number_format(year):
    assert numbering.format_number("WZIP", year, 123) == f"WZIP-{year}-000123"
