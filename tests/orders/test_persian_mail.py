"""Persian mail has no Gregorian date and no Latin digit (issue 18): quantities «× ۲», the
pickup day in the Jalali calendar; order numbers stay the codes they are (BZ-…)."""

import re
from datetime import date

from marketplace.core.mail import send_mail

LATIN_DIGIT = re.compile(r"[0-9]")


def _without_codes(text: str) -> str:
    """The mail without what people copy rather than read: order numbers and links."""
    return re.sub(r"BZ-[A-Z0-9]+|https?://\S+", "", text)


def _confirmation(locale: str) -> dict:
    return {"name": "سارا", "number": "BZ-7K3F9QXA", "total": "۱۲۰٬۰۰۰ تومان",
            "pay_at_pickup": True, "link": "https://bazaar.example.ir/orders/BZ-7K3F9QXA",
            "parts": [{"store": "تابلو فرش رحیمی", "fulfilment": "pickup",
                       "pickup_place": "غرفهٔ الف-۷، جشنواره", "pickup_day": date(2026, 12, 11),
                       "shipping_address": "", "total": "۱۲۰٬۰۰۰ تومان", "pay_at_pickup": True,
                       "lines": [{"title": "تابلو فرش گل", "quantity": 2,
                                  "total": "۱۲۰٬۰۰۰ تومان"}]}]}


def test_order_confirmation_in_persian_has_jalali_day_and_persian_digits(app, outbox):
    send_mail("buyer@example.org", "Your Bazaarche order", "order_confirmation", "fa",
              _confirmation("fa"))
    body = outbox()[-1].get_content()
    assert "× ۲" in body
    assert "جمعه ۲۰ آذر ۱۴۰۵" in body          # 11 December 2026
    assert "2026" not in body and "12-11" not in body
    assert not LATIN_DIGIT.search(_without_codes(body)), body


def test_order_confirmation_in_english_keeps_gregorian(app, outbox):
    send_mail("buyer@example.org", "Your Bazaarche order", "order_confirmation", "en",
              _confirmation("en"))
    body = outbox()[-1].get_content()
    assert "× 2" in body and "11 December 2026" in body


def test_new_order_mail_to_a_persian_trainee_counts_in_persian(app, outbox):
    send_mail("trainee@example.org", "You have a new order", "order_new_vendor", "fa", {
        "name": "مریم", "number": "BZ-7K3F9QXA", "buyer_name": "سارا", "pay_at_pickup": False,
        "lines": [{"title": "جاجیم", "quantity": 12, "total": "۹۶۰٬۰۰۰ تومان"}],
        "fulfilment": "shipping", "pickup_place": "", "shipping_address": "تبریز",
        "total": "۹۶۰٬۰۰۰ تومان", "link": "https://bazaar.example.ir/sales/3"})
    body = outbox()[-1].get_content()
    assert "× ۱۲" in body
    assert not LATIN_DIGIT.search(_without_codes(body)), body
