"""What each room event must carry, checked before anything else is done with it.

A payload that is not what the page's script sends (a number too big for the database, a flag
where a number belongs, no object at all) is answered "invalid"; only a well-formed request for a
room the user may not enter is answered "you may not enter".
"""

from flask_babel import lazy_gettext as _l

# Room ids and message numbers are PostgreSQL `integer` columns.
MAX_NUMBER = 2**31 - 1


class Invalid(ValueError):
    """The payload is malformed; the message says which part, in the user's language."""


def _number(value, field, minimum=0):
    # bool is an int in Python; JSON's true is not a number.
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_NUMBER:
        raise Invalid(_l("The request was not understood (%(field)s is not a valid number).", field=field))
    return value


def _text(value, field):
    if not isinstance(value, str):
        raise Invalid(_l("The request was not understood (%(field)s is not text).", field=field))
    return value


def _flag(value, field):
    if not isinstance(value, bool):
        raise Invalid(_l("The request was not understood (%(field)s is not true or false).", field=field))
    return value


def _room_id(value, field):
    return _number(value, field, minimum=1)


def _seq(value, field):
    return _number(value, field)


def _positive(value, field):
    return _number(value, field, minimum=1)


# event -> {field: (check, required)}; fields not named here are ignored.
FIELDS = {
    "join": {"room_id": (_room_id, True), "last_seq": (_seq, False)},
    "leave": {"room_id": (_room_id, True)},
    "send": {"room_id": (_room_id, True), "client_id": (_text, True), "body": (_text, True)},
    "sync": {"room_id": (_room_id, True), "after_seq": (_seq, False)},
    "history": {"room_id": (_room_id, True), "before_seq": (_positive, False)},
    "typing": {"room_id": (_room_id, True), "typing": (_flag, False)},
    "read": {"room_id": (_room_id, True), "seq": (_seq, True)},
}


def check(event: str, data) -> dict:
    """The fields of EVENT's payload DATA, checked; an optional field sent as null counts as absent."""
    if not isinstance(data, dict):
        raise Invalid(_l("The request was not understood (it carries no fields)."))
    checked = {}
    for field, (check_field, required) in FIELDS[event].items():
        value = data.get(field)
        if value is None:
            if required:
                raise Invalid(_l("The request was not understood (%(field)s is missing).", field=field))
            continue
        checked[field] = check_field(value, field)
    return checked
