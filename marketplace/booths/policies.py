"""Who may do what with venues, markets, applications and assignments.

Municipal staff act only on the venues of their own municipality (platform admins anywhere);
a trainee acts only on their own applications; centre staff nominate their own trainees.
"""

from __future__ import annotations

from marketplace.accounts.policies import (
    is_active_vendor,
    is_staff_of_centre,
    is_staff_of_municipality,
)


def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and not user.is_disabled)


def can_manage_municipality(user, municipality_id: int | None) -> bool:
    if not _signed_in(user):
        return False
    return user.is_admin or is_staff_of_municipality(user, municipality_id)


def can_manage_venue(user, venue) -> bool:
    """Edit the venue, its booth map and blocks; create markets there."""
    return can_manage_municipality(user, venue.municipality_id)


def can_manage_market(user, market) -> bool:
    """Edit the market, close days, see applications, run and confirm allocations, assign by
    hand, check trainees in."""
    return can_manage_municipality(user, market.venue.municipality_id)


def can_broadcast_to_day(user, day) -> bool:
    """Send a notice to every trainee booked on a market day: the market's staff."""
    return can_manage_market(user, day.market)


def can_staff_any_municipality(user) -> bool:
    return _signed_in(user) and (user.is_admin or user.is_municipal_staff)


def can_apply(user) -> bool:
    return is_active_vendor(user)


def owns_application(user, application) -> bool:
    return _signed_in(user) and user.trainee is not None and \
        user.trainee.id == application.trainee_id


def can_view_application(user, application) -> bool:
    if not _signed_in(user):
        return False
    return owns_application(user, application) or can_manage_market(user, application.market) \
        or is_staff_of_centre(user, application.trainee.centre_id)


def can_withdraw_application(user, application) -> bool:
    return owns_application(user, application)


def can_nominate(user, application) -> bool:
    """A trainee's own training centre may back their application."""
    return _signed_in(user) and is_staff_of_centre(user, application.trainee.centre_id)


def owns_assignment(user, assignment) -> bool:
    return _signed_in(user) and user.trainee is not None and \
        user.trainee.id == assignment.trainee_id
