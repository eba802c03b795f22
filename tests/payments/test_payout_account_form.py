"""The payout details form: a Sheba as people type it becomes IR and 24 digits, a mistyped one
is a field error shown on the page in the reader's language, and nothing is written then."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from marketplace.payments import queries
from marketplace.payments.forms import PayoutAccountForm
from marketplace.payments.models import PayoutAccount
from marketplace.payments.services.payouts import PayoutAccountData

VALID = "IR820540102680020817909002"
MISTYPED = "IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۳"   # the last digit: check digits do not match
SUCH_AS_EN = "Enter a Sheba number: IR and 24 digits, such as IR82 0540 1026 8002 0817 9090 02."
SUCH_AS_FA = "شماره شبا را وارد کنید: IR و ۲۴ رقم، مانند IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲."


def _form(**data) -> PayoutAccountForm:
    given = {"account_holder": "Maryam", "iban": "", "bank_name": "Melli",
             "stripe_account_id": "", **data}
    return PayoutAccountForm(formdata=MultiDict(given), meta={"csrf": False})


@pytest.mark.parametrize("typed", [
    "IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲",      # Persian digits and spaces
    " ir82-0540-1026-8002-0817-9090-02 ",
])
def test_a_sheba_as_people_type_it_gives_the_typed_data(app, typed):
    with app.test_request_context("/", method="POST"):
        form = _form(iban=typed, account_holder="  Maryam  ", stripe_account_id="acct_1A2b")
        assert form.validate(), form.errors
        assert form.payout_account_data() == PayoutAccountData(
            account_holder="Maryam", iban=VALID, bank_name="Melli",
            stripe_account_id="acct_1A2b")


def test_empty_fields_give_none(app):
    with app.test_request_context("/", method="POST"):
        form = _form(account_holder="", bank_name="")
        assert form.validate(), form.errors
        assert form.payout_account_data() == PayoutAccountData("", None, "", None)


@pytest.mark.parametrize(("data", "field"), [
    ({"iban": MISTYPED}, "iban"),
    ({"iban": "12345"}, "iban"),
    ({"iban": "DE89370400440532013000"}, "iban"),       # an IBAN, but not a Sheba
    ({"stripe_account_id": "cus_x"}, "stripe_account_id"),
    ({"stripe_account_id": "acct_"}, "stripe_account_id"),
    ({"account_holder": "x" * 201}, "account_holder"),
    ({"bank_name": "Melli\nBank"}, "bank_name"),        # one line only
])
def test_a_bad_field_is_a_field_error(app, data, field):
    with app.test_request_context("/", method="POST"):
        form = _form(**data)
        assert not form.validate()
        assert set(form.errors) == {field}


def test_the_sheba_message_is_persian(app):
    with app.test_request_context("/?lang=fa", method="POST"):
        form = _form(iban="IR00")
        assert not form.validate()
        assert form.errors["iban"] == [SUCH_AS_FA]


@pytest.mark.parametrize(("lang", "message"), [("fa", SUCH_AS_FA), ("en", SUCH_AS_EN)])
def test_the_page_shows_a_mistyped_sheba_and_writes_nothing(db, shop, client, login, lang,
                                                           message):
    login(shop.trainee_a.user)
    response = client.post(f"/my/payout-account?lang={lang}", data={
        "account_holder": "Maryam", "iban": MISTYPED, "bank_name": "Melli",
        "stripe_account_id": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{MISTYPED}"' in page                   # shown back as typed
    assert db.session.scalar(select(func.count(PayoutAccount.id))) == 0


def test_the_page_saves_a_sheba_typed_in_persian(db, shop, client, login):
    login(shop.trainee_a.user)
    response = client.post("/my/payout-account?lang=fa", data={
        "account_holder": "Maryam", "iban": "IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲",
        "bank_name": "Melli", "stripe_account_id": ""})
    assert response.status_code == 302
    account = queries.payout_account(shop.trainee_a.id)
    assert (account.account_holder, account.iban, account.stripe_account_id) == (
        "Maryam", VALID, None)
    page = client.get("/my/payout-account?lang=fa").get_data(as_text=True)
    assert f'value="{VALID}"' in page
