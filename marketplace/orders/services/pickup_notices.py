"""What buyers and trainees are told about pickups whose booth-day went away, through the
notification centre (in-app, mail with the pickup's own template, SMS by their choices)."""

from __future__ import annotations

from marketplace.core.urls import external_url
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path
from marketplace.orders.models import VendorOrder

SUBJECT_PICKUP_LOST = "Your pickup needs a new choice"
SUBJECT_PICKUP_REBOOKED = "A buyer moved their pickup"


def pickup_lost(vendor_order: VendorOrder) -> None:
    """The buyer's booth-day went away: choose another day, shipping or a refund."""
    order = vendor_order.order
    buyer = order.buyer
    values = {"number": order.number, "vendor_order_id": vendor_order.id}
    notify(buyer, EventKind.PICKUP_LOST, {
        "name": buyer.display_name, "number": order.number,
        "store": vendor_order.trainee.store_name, "day": vendor_order.pickup_day,
        "link": external_url("pickups.choose", **values)},
        mail=(SUBJECT_PICKUP_LOST, "order_pickup_lost"), email=order.contact_email,
        link=site_path("pickups.choose", **values), dedupe_key=f"pickup-lost-{vendor_order.id}-"
        f"{vendor_order.pickup_assignment_id or 0}")


def pickup_rebooked(vendor_order: VendorOrder) -> None:
    """The trainee learns the buyer now collects on another of their booth-days."""
    seller = vendor_order.trainee.user
    notify(seller, EventKind.PICKUP_REBOOKED, {
        "name": seller.display_name, "number": vendor_order.order.number,
        "day": vendor_order.pickup_day,
        "link": external_url("orders.sale_detail", vendor_order_id=vendor_order.id)},
        mail=(SUBJECT_PICKUP_REBOOKED, "order_pickup_rebooked"),
        link=site_path("orders.sale_detail", vendor_order_id=vendor_order.id))
