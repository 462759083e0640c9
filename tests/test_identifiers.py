"""Check digits of unified social credit codes and resident ID numbers."""

import pytest

from odr.core.identifiers import id_number_problem, uscc_problem


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91450400MA5K3B7L24", " 91450421ma5l0d1p4j "])
def test_valid_credit_codes(code):
    assert uscc_problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y44", "check_digit"),
        ("91110000100000000X", "check_digit"),
        ("9135010", "length"),
        ("91350100M000100YI3", "charset"),
    ],
)
def test_invalid_credit_codes(code, problem):
    assert uscc_problem(code) == problem


def test_id_numbers():
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("110105194912310021") == "check_digit"
    assert id_number_problem("110105194913310021") == "birth_date"
    assert id_number_problem("11010519491231002") == "length"
