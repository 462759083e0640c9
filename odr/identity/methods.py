"""The ways an identity can be verified.

Each way is a ``Method``; whatever it checks, it ends by calling ``operations.grant``, which
records the decision and tells the rest of the platform (the cases link the account to the parties
it now provably holds). The clerk's check of uploaded documents is the method built here; a
real-name service (face or bank-card verification, as the court platforms use) is added by
registering another method whose view calls ``grant`` when the service answers yes.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Method:
    name: str
    label: object
    decided_by_clerk: bool  # True: a request waits in the clerks' queue; False: decided by a service


_METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    _METHODS[method.name] = method
    return method


def get(name: str) -> Method | None:
    return _METHODS.get(name)


def label(name: str):
    method = get(name)
    return method.label if method else name


def available() -> list[Method]:
    return list(_METHODS.values())


CLERK_DOCUMENTS = register(
    Method("clerk_documents", _l("Documents checked by a clerk of the mediation centre"), True)
)
