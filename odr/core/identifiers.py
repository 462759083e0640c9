"""Chinese identifiers whose check digits the platform verifies."""

from datetime import date

# GB 32100-2015: unified social credit code (统一社会信用代码).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11643-1999: resident identity card number (居民身份证号码).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalise(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a credit code that starts with FIRST17."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why CODE is not a valid credit code ('length', 'charset', 'check_digit'), or None."""
    code = normalise(code)
    if len(code) != 18:
        return "length"
    if any(c not in USCC_CHARSET for c in code):
        return "charset"
    if uscc_check_char(code[:17]) != code[17]:
        return "check_digit"
    return None


def id_check_char(first17: str) -> str:
    """The 18th character of a resident ID number that starts with FIRST17."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_problem(number: str) -> str | None:
    """Why NUMBER is not a valid 18-digit resident ID number, or None."""
    number = normalise(number)
    if len(number) != 18:
        return "length"
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "charset"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date"
    if id_check_char(number[:17]) != number[17]:
        return "check_digit"
    return None
