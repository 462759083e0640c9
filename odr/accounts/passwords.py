"""The password policy: at least 10 characters, and not guessable by zxcvbn's estimate (common
passwords, words, names, dates, keyboard patterns, the user's own name or e-mail)."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", well beyond online guessing
MAX_CHECKED = (
    72  # zxcvbn refuses longer ones (its time grows with length): a longer one is judged by its start
)


def weakness(password: str, user_inputs=()) -> str | None:
    """Why PASSWORD is refused (a message for the user), or None when it is good enough."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    inputs = [str(i) for i in user_inputs if i]
    for value in list(inputs):
        inputs.extend(part for part in value.replace("@", " ").replace(".", " ").split() if len(part) > 2)
    result = zxcvbn(password[:MAX_CHECKED], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    matches = result.get("sequence", [])
    if any(m.get("dictionary_name") == "passwords" for m in matches) and len(matches) <= 2:
        return _l("This is one of the most common passwords. Choose another.")
    if any(m.get("dictionary_name") == "user_inputs" for m in matches):
        return _l("The password contains your name or e-mail address, which is easy to guess.")
    return _l(
        "This password is easy to guess (a common word, name, date, keyboard row or repetition)."
        " Add a few unrelated words or characters."
    )


def policy(*fields):
    """A form validator: the password must pass ``weakness``; FIELDS name the form fields (name,
    e-mail) whose values it must not lean on."""

    def validate(form, field):
        inputs = [getattr(form, name).data for name in fields if hasattr(form, name)]
        extra = getattr(form, "password_user_inputs", None)
        if extra:
            inputs.extend(extra)
        problem = weakness(field.data, inputs)
        if problem:
            raise ValidationError(problem)

    return validate
