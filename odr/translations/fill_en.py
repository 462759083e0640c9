"""Fill the English catalogue: the source text is English, so each entry translates to itself.

Run by `make messages` after the catalogues are updated.
"""

import sys

from babel.messages.pofile import read_po, write_po

path = sys.argv[1] if len(sys.argv) > 1 else "odr/translations/en/LC_MESSAGES/messages.po"
with open(path, "rb") as f:
    catalog = read_po(f, locale="en")
for message in catalog:
    if message.id and not (message.string if isinstance(message.string, str) else any(message.string)):
        message.string = message.id
    message.flags.discard("fuzzy")
with open(path, "wb") as f:
    write_po(f, catalog, width=110)
