"""Who may send a notice to many people. A market day's broadcast is booths' to decide
(booths.policies.can_broadcast_to_day); a centre's is decided here."""

from __future__ import annotations

from marketplace.accounts.models import TrainingCentre, User


def can_broadcast_to_centre(user: User | None, centre: TrainingCentre) -> bool:
    """Staff of that centre (and administrators) write to its trainees."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or centre.id in user.staff_centre_ids
