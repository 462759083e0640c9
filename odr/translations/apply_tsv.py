"""Fill the Chinese catalogue from a file of `English<TAB>Chinese` lines (new entries only).

Usage: python odr/translations/apply_tsv.py FILE.tsv
"""

import sys

from babel.messages.pofile import read_po, write_po

PATH = "odr/translations/zh/LC_MESSAGES/messages.po"
pairs = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if "\t" in line:
            source, target = line.rstrip("\n").split("\t", 1)
            pairs[source] = target
with open(PATH, "rb") as f:
    catalog = read_po(f, locale="zh")
filled, missing = 0, []
for message in catalog:
    if not message.id or isinstance(message.id, tuple):
        continue
    if message.string and "fuzzy" not in message.flags:
        continue
    if message.id in pairs:
        message.string = pairs[message.id]
        message.flags.discard("fuzzy")
        filled += 1
    else:
        missing.append(message.id)
with open(PATH, "wb") as f:
    write_po(f, catalog, width=110)
print(f"filled {filled}; still untranslated {len(missing)}")
for message_id in missing:
    print("  ", message_id)
