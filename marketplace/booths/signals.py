"""Signals sent by booths for higher layers to react to, without booths importing them.

`booth_day_lost` is sent inside the request's transaction when a live assignment stops being
live (cancelled — day closed, taken back by staff, booth blocked, day withdrawn, application
rejected, trainee suspended — or marked a no-show): sender = the Assignment, keyword `reason`
(its cancel reason, or "no_show"). Receivers may change rows (same transaction) and queue
after-commit work; they never commit. Orders tells the buyers who pick up there this way
(orders.services.pickups.on_booth_day_lost).

`pickups_counted` asks, before a trainee withdraws a day, how many buyers pick up at some
booth-days: sender = a tuple of assignment ids; each receiver returns a count, booths adds them
(`count_pickups`). With no receiver the count is 0.
"""

from blinker import Namespace

_signals = Namespace()

booth_day_lost = _signals.signal("booth-day-lost")
pickups_counted = _signals.signal("pickups-counted")


def count_pickups(assignment_ids) -> int:
    ids = tuple(sorted(set(assignment_ids)))
    if not ids:
        return 0
    return sum(int(result or 0) for _receiver, result in pickups_counted.send(ids))
