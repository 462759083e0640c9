"""The demo data of the list of infringers."""

import sqlalchemy as sa

from odr.registry.models import Entry, EntryState

EN = {"Accept-Language": "en"}


def test_the_demo_data_has_published_objected_and_repaired_entries(db, make_client):
    from odr import seed
    from odr.registry.models import RemovalReason

    seed.run()
    states = dict(db.session.execute(sa.select(Entry.credit_code, Entry.state)).all())
    assert sorted(s.value for s in states.values()) == [
        "objected",
        "published",
        "published",
        "published",
        "removed",
    ]
    repaired = db.session.scalars(sa.select(Entry).where(Entry.state == EntryState.REMOVED)).one()
    assert repaired.removal_reason == RemovalReason.REPAIR
    text = make_client().get("/infringers", headers=EN).get_data(as_text=True)
    assert "苍梧县聚香茶叶商行" in text and "岑*******" in text and "藤县宏达建材有限公司" not in text
    assert "梧州市金茗茶业有限公司" in make_client().get("/infringers/changes", headers=EN).get_data(
        as_text=True
    )
    assert seed.run() == 0
