"""The base of every refusal the platform explains to the user (its message is shown as is)."""


class UserError(Exception):
    """Something the user asked that cannot be done; str() is a message in the user's language."""
