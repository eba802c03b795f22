"""Sheba numbers (Iranian IBANs) for payouts: typed with Persian digits, spaces or dashes, kept
as IR + 24 digits, and refused when the mod-97 check digits do not match. The payout page's
form is checked in test_payout_account_form."""

import pytest

from marketplace.payments.sheba import InvalidSheba, normalise_sheba, sheba_from_account

VALID = "IR820540102680020817909002"


@pytest.mark.parametrize("typed", [
    VALID,
    "IR82 0540 1026 8002 0817 9090 02",
    "ir82-0540-1026-8002-0817-9090-02",
    "IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲",     # Persian digits
    " IR٨٢٠٥٤٠١٠٢٦٨٠٠٢٠٨١٧٩٠٩٠٠٢ ",         # Arabic-Indic digits
    "IR062960000000100324200001",
])
def test_a_sheba_as_people_type_it_is_kept_as_ir_and_24_digits(typed):
    sheba = normalise_sheba(typed)
    assert sheba[:2] == "IR" and len(sheba) == 26 and sheba[2:].isdigit()
    assert sheba.replace(" ", "") == sheba


@pytest.mark.parametrize("typed", [
    "IR820540102680020817909003",      # last digit mistyped: check digits do not match
    "IR280540102680020817909002",      # check digits swapped
    "IR8205401026800208179090",        # too short
    "IR82054010268002081790900A",      # a letter in the account number
    "DE89370400440532013000",          # a valid IBAN, but not a Sheba
    "820540102680020817909002",        # without IR
    "",
])
def test_anything_else_is_refused(typed):
    with pytest.raises(InvalidSheba):
        normalise_sheba(typed)


def test_the_demo_shebas_have_matching_check_digits():
    sheba = sheba_from_account("0170000000000000000042")
    assert normalise_sheba(sheba) == sheba == "IR360170000000000000000042"
