"""The Chinese and English catalogues are complete and keep every placeholder."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "odr" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_catalogue_is_complete(language):
    with open(ROOT / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    with open(ROOT / "messages.pot", "rb") as f:
        template = read_po(f)
    missing, broken = [], []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or "fuzzy" in message.flags:
            missing.append(ids[0])
        elif any(sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(ids[0])) for s in strings):
            broken.append(ids[0])
    assert not missing, f"untranslated ({language}): {missing[:10]}"
    assert not broken, f"placeholders differ ({language}): {broken[:10]}"
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id}, "run `make messages`"
