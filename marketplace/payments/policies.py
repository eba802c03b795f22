"""Who may do what with trainees' debts: a trainee sees and pays only their own; the admins see
every debt (`/admin/debts`, behind `admin_required`). Pure checks on the objects given."""

from __future__ import annotations


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_pay_debt_of(user, trainee) -> bool:
    """Only the trainee pays their own debt (with their own card)."""
    return _signed_in(user) and user.trainee is not None and user.trainee.id == trainee.id

