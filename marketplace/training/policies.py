"""Who may do what with spaces, bookings, courses and registrations.

Municipal staff manage the spaces of their own municipality's venues and decide the bookings of
those spaces (platform admins anywhere); centre staff request, withdraw and publish courses for
their own centre; any signed-in person registers for a course for themself.
"""

from __future__ import annotations

from marketplace.accounts.policies import is_staff_of_centre, is_staff_of_municipality


def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and not user.is_disabled)


def can_manage_space(user, space) -> bool:
    """Describe the space, block periods, and decide its bookings."""
    if not _signed_in(user):
        return False
    return user.is_admin or is_staff_of_municipality(user, space.venue.municipality_id)


def can_create_spaces(user) -> bool:
    return _signed_in(user) and (user.is_admin or user.is_municipal_staff)


def can_decide_booking(user, booking) -> bool:
    return can_manage_space(user, booking.space)


def can_book_for_centre(user, centre_id: int | None) -> bool:
    return _signed_in(user) and is_staff_of_centre(user, centre_id)


def can_request_bookings(user) -> bool:
    return _signed_in(user) and user.is_centre_staff


def can_act_for_booking(user, booking) -> bool:
    """Accept a proposed time, withdraw, publish a course: the booking centre's staff."""
    return can_book_for_centre(user, booking.centre_id)


def can_view_booking(user, booking) -> bool:
    return can_act_for_booking(user, booking) or can_decide_booking(user, booking)


def can_manage_course(user, course) -> bool:
    """See the list, mark attendance, export: the course centre's staff (and admins)."""
    return _signed_in(user) and (user.is_admin or is_staff_of_centre(user, course.centre_id))


def can_register(user) -> bool:
    return _signed_in(user)


def owns_registration(user, registration) -> bool:
    return _signed_in(user) and registration.user_id == user.id
