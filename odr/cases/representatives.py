"""Who acts for an organisation that is a party, and who signs for a party.

Civil Procedure Law art. 51: a legal person acts through its legal representative (法定代表人), any
other organisation through its principal person in charge (主要负责人). The party records that person
(at filing, when answering the invitation, or later on the case page); a company's own account signs
through them. An agent signs from their own account, under a power of attorney the clerk approved
with special authority (art. 62). Each signature keeps the natural person and the capacity.
"""

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from odr.accounts.models import PartyKind
from odr.audit.operations import record
from odr.cases.models import CaseParty, RepresentativeTitle
from odr.core.failures import UserError

# A person's name as an identity document gives it: Chinese characters (with the middle dot of
# minority and foreign names) or Latin letters, spaces, hyphens, apostrophes and full stops.
NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·・.\-' ]*$")
SELF_ZH = "本人"
AGENT_ZH = "委托代理人"
SPECIAL_AGENT_ZH = "委托代理人（特别授权）"


# The capacities a signature records, in the user's language.
TITLE_LABELS = {
    SELF_ZH: _l("in person"),
    "法定代表人": _l("Legal representative"),
    "主要负责人": _l("Principal person in charge"),
    AGENT_ZH: _l("Authorised agent"),
    SPECIAL_AGENT_ZH: _l("Authorised agent with special authority"),
    "调解员": _l("Mediator"),
}


def title_label(title_zh: str | None):
    return TITLE_LABELS.get(title_zh or "", title_zh or "")


class RepresentativeError(UserError):
    """A representative that cannot be recorded, or a signature that cannot be given in a capacity."""


def name_problem(name: str | None, company_name: str | None = None):
    """Why NAME is not the name of a natural person who can represent COMPANY_NAME (None when it is)."""
    name = (name or "").strip()
    if not name:
        return _l("Give the name of the legal representative, as on the business licence.")
    if not 2 <= len(name) <= 50:
        return _l("A person's name has 2 to 50 characters.")
    if not NAME_RE.match(name):
        return _l("Give a person's name: Chinese characters or letters, without digits or other signs.")
    if company_name and name == company_name.strip():
        return _l(
            "Give the natural person who represents %(company)s (its legal representative), not the"
            " organisation's own name.",
            company=company_name,
        )
    return None


def validate_name(form, field):
    """WTForms validator for an optional representative's name: checked when given."""
    if (field.data or "").strip():
        problem = name_problem(field.data)
        if problem:
            raise ValidationError(problem)


def clean(
    name: str | None, title=None, *, company_name=None
) -> tuple[str | None, RepresentativeTitle | None]:
    """NAME and TITLE as stored; (None, None) when no name is given; raises on a name that is not one."""
    name = (name or "").strip()
    if not name:
        return None, None
    problem = name_problem(name, company_name)
    if problem:
        raise RepresentativeError(problem)
    return name, RepresentativeTitle(title or RepresentativeTitle.LEGAL_REPRESENTATIVE)


def set_representative(party: CaseParty, user, *, name, title=None):
    """The organisation itself (its own account) or the clerk of the case records who represents it."""
    case = party.case
    if party.kind != PartyKind.COMPANY:
        raise RepresentativeError(_l("Only an organisation acts through a legal representative."))
    if party.user_id != getattr(user, "id", None) and not case.is_clerk_of(user):
        raise RepresentativeError(
            _l("Only %(party)s itself or the clerk of the case records who represents it.", party=party.name)
        )
    if awaiting_signature(party):
        raise RepresentativeError(
            _l(
                "The agreement is waiting for signatures and names the parties as they stand in it. Ask the"
                " mediator to reopen it before changing who represents %(party)s.",
                party=party.name,
            )
        )
    new_name, new_title = clean(name, title, company_name=party.name)
    if new_name is None:
        raise RepresentativeError(name_problem(None))
    before = {"name": party.representative, "title": party.representative_title}
    party.representative, party.representative_title = new_name, new_title
    if party.user_id == user.id:
        user.legal_representative = new_name
    record(
        "case.party_representative_recorded",
        party,
        case=case,
        actor=user,
        details={
            "party_id": party.id,
            "name": new_name,
            "title": new_title.value,
            "before": {"name": before["name"], "title": before["title"].value if before["title"] else None},
        },
    )


def adopt_from_account(party: CaseParty, user):
    """When PARTY, an organisation with no representative on the case, is linked to USER's account,
    it takes the legal representative the account gives."""
    if party.kind == PartyKind.COMPANY and not party.representative and user.legal_representative:
        party.representative = user.legal_representative
        party.representative_title = RepresentativeTitle.LEGAL_REPRESENTATIVE


def awaiting_signature(party: CaseParty) -> bool:
    from odr.agreements.models import AgreementState
    from odr.agreements.operations import current_agreement

    agreement = current_agreement(party.case)
    return agreement is not None and agreement.state == AgreementState.AWAITING_SIGNATURES


def signatory(case, party: CaseParty, user, *, agent_capacity: bool = False) -> tuple[str, str]:
    """The natural person who acts for PARTY when USER signs or applies, and in what capacity (Chinese),
    or RepresentativeError saying why USER cannot act for PARTY that way.

    AGENT_CAPACITY: a natural person's own account signs through the agent named on the case."""
    from odr.cases.attorneys import is_agent

    if is_agent(case, user):
        return user.name, SPECIAL_AGENT_ZH  # the power's special authority is checked before this
    if party.user_id != user.id:
        raise RepresentativeError(_l("You do not act for %(party)s in this case.", party=party.name))
    if party.kind != PartyKind.COMPANY:
        if agent_capacity and party.agent_name:
            return party.agent_name, AGENT_ZH
        return party.name, SELF_ZH
    if agent_capacity:
        raise RepresentativeError(
            _l(
                "An agent signs for %(party)s from their own account, under a power of attorney with special"
                " authority that the clerk approved (Civil Procedure Law art. 62). From the organisation's"
                " own account, its legal representative signs.",
                party=party.name,
            )
        )
    if not party.representative:
        raise RepresentativeError(
            _l(
                "No legal representative of %(party)s is recorded. Record who represents it on the case page"
                " first: an organisation signs through a named natural person.",
                party=party.name,
            )
        )
    return party.representative, party.representative_title.zh
