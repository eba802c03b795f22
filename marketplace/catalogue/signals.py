"""Signals sent by catalogue for higher layers to react to, without catalogue importing them.

`listing_approved` is sent inside the request's transaction when a listing is published by
its centre's review or at once by a centre that approves its trainees' listings, after the
change is flushed: sender = the Product. Receivers may add rows and queue notices (they join
the same transaction) and never commit. Training tells the buyers who asked to hear of work by
a course's graduates this way (training.services.work_alerts.on_listing_approved).
"""

from blinker import Namespace

_signals = Namespace()

listing_approved = _signals.signal("listing-approved")
