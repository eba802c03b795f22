"""Mobile numbers parse to E.164 however they are typed (core.phone)."""

import pytest

from marketplace.core.phone import InvalidPhone, display_phone, masked, parse_mobile


@pytest.mark.parametrize("typed", [
    "09121234567", "+989121234567", "۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "0912 123 4567",
    "+98 912 123 4567", "00989121234567", "9121234567", " 0912-123-4567 ",
])
def test_iranian_mobiles_in_any_usual_form(typed):
    assert parse_mobile(typed) == "+989121234567"


@pytest.mark.parametrize("typed", [
    "", "   ", "0912", "abc", "02122223333",  # a Tehran landline cannot take a text
    "+98912123456789", "0" * 40, "۰۹۱۲", "+1 nope",
])
def test_not_a_mobile(typed):
    with pytest.raises(InvalidPhone):
        parse_mobile(typed)


def test_other_countries_are_kept_international():
    assert parse_mobile("+44 7400 123456") == "+447400123456"
    assert display_phone("+447400123456", "en") == "+44 7400 123456"


def test_display_is_national_and_persian_digits_in_fa():
    assert display_phone("+989121234567", "fa") == "۰۹۱۲ ۱۲۳ ۴۵۶۷"
    assert display_phone("+989121234567", "en") == "0912 123 4567"
    assert display_phone(None) == ""


def test_masked_number_for_logs():
    assert masked("+989121234567") == "+989…67"
