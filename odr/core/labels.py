"""Enumerations whose members carry a translated label."""

import enum

import sqlalchemy as sa
from wtforms import SelectChoice


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members are declared as ``NAME = "value", _l("Label")``."""

    def __new__(cls, value, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self):
        return self._label if self._label is not None else self.value

    @classmethod
    def choices(cls, members=None):
        return [SelectChoice(m.value, m.label) for m in (members or cls)]


def zh(text) -> str:
    """TEXT (a lazy translation or a labelled value) in Chinese, whatever the request's language:
    the language of the platform's documents."""
    from flask_babel import force_locale

    with force_locale("zh_CN"):
        return str(getattr(text, "label", text))


def label(value):
    """The translated label of an enumerated value, or the value itself."""
    return getattr(value, "label", value)


def enum_type(enum_cls, length=40):
    """A column type storing ENUM_CLS by value, as a plain string."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda cls: [m.value for m in cls],
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=length,
    )
