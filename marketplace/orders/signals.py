"""Signals sent by orders for higher layers to react to, without orders importing them.

`vendor_order_cancelled` is sent inside the request's transaction, after a trainee (or an
admin) cancelled their part of an order and the change is flushed: sender = the VendorOrder.
Receivers may change rows (they join the same transaction) and never commit. Payments decides
this way whether a pay-at-pickup order whose last waiting part was cancelled is now paid
(payments.services.pay_at_pickup.on_vendor_order_cancelled): only payments makes an order paid.
"""

from blinker import Namespace

_signals = Namespace()

vendor_order_cancelled = _signals.signal("vendor-order-cancelled")
