"""What buyers and trainees are told about pickups whose booth-day went away: one function per
notice, each sending mail (and an SMS to a verified mobile number) after the commit.

Kept apart and tiny so the notification centre's `notify()` can replace the bodies without
touching the callers (orders.services.pickups).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.core.mail import send_mail_after_commit
from marketplace.core.sms import send_text_after_commit
from marketplace.core.urls import external_url
from marketplace.orders.models import VendorOrder

SUBJECT_PICKUP_LOST = "Your pickup needs a new choice"
SUBJECT_PICKUP_REBOOKED = "A buyer moved their pickup"


def pickup_lost(vendor_order: VendorOrder) -> None:
    """The buyer's booth-day went away: choose another day, shipping or a refund."""
    order = vendor_order.order
    buyer = order.buyer
    link = external_url("pickups.choose", number=order.number, vendor_order_id=vendor_order.id)
    send_mail_after_commit(order.contact_email or buyer.email, SUBJECT_PICKUP_LOST,
                           "order_pickup_lost", locale=buyer.locale, name=buyer.display_name,
                           number=order.number, store=vendor_order.trainee.store_name,
                           day=vendor_order.pickup_day, link=link)
    if buyer.phone and buyer.has_verified_phone:
        with force_locale(buyer.locale):
            text = _("Bazaarche: your pickup of order %(number)s cannot happen as planned. "
                     "Choose another day, shipping or a refund: %(link)s",
                     number=order.number, link=link)
        # Digits stay Latin: the text carries a link and an order number to type.
        send_text_after_commit(buyer.phone, text)


def pickup_rebooked(vendor_order: VendorOrder) -> None:
    """The trainee learns the buyer now collects on another of their booth-days."""
    seller = vendor_order.trainee.user
    send_mail_after_commit(seller.email, SUBJECT_PICKUP_REBOOKED, "order_pickup_rebooked",
                           locale=seller.locale, name=seller.display_name,
                           number=vendor_order.order.number, day=vendor_order.pickup_day,
                           link=external_url("orders.sale_detail",
                                             vendor_order_id=vendor_order.id))
