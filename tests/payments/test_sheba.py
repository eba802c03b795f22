"""Sheba numbers (Iranian IBANs) for payouts: typed with Persian digits, spaces or dashes, kept
as IR + 24 digits, and refused when the mod-97 check digits do not match."""

import pytest

from marketplace.core.errors import BadRequest
from marketplace.payments import queries
from marketplace.payments.services import payouts
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


def test_saving_payout_details_checks_the_checksum(db, shop):
    with pytest.raises(BadRequest) as error:
        payouts.save_payout_account(shop.trainee_a.user, shop.trainee_a, holder="Maryam",
                                    iban="IR82 0540 1026 8002 0817 9090 03", bank_name="",
                                    stripe_account_id=None)
    assert set(error.value.fields) == {"iban"}
    assert error.value.code == "validation_error"
    payouts.save_payout_account(shop.trainee_a.user, shop.trainee_a, holder="Maryam",
                                iban="IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲", bank_name="",
                                stripe_account_id=None)
    assert queries.payout_account(shop.trainee_a.id).iban == VALID


def test_the_payout_page_refuses_a_mistyped_sheba(db, shop, client, login):
    login(shop.trainee_a.user)
    response = client.post("/my/payout-account", data={
        "account_holder": "Maryam", "iban": "IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۳",
        "bank_name": "Melli", "stripe_account_id": ""})
    assert response.status_code == 400
    assert queries.payout_account(shop.trainee_a.id) is None


def test_the_sheba_message_is_persian(app):
    with app.test_request_context("/?lang=fa"), pytest.raises(BadRequest) as error:
        payouts.save_payout_account(_Admin(), _Trainee(), holder="", iban="IR00",
                                    bank_name="", stripe_account_id=None)
    assert error.value.fields["iban"] == [
        "شماره شبا را وارد کنید: IR و ۲۴ رقم، مانند IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲."]


class _Admin:
    is_admin = True


class _Trainee:
    id = 1
