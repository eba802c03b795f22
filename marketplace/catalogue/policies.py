"""Who may do what with listings. Pure functions of the objects given."""

from __future__ import annotations

from typing import TypeGuard

from marketplace.accounts.models import TraineeStatus, User
from marketplace.accounts.policies import is_staff_of_centre
from marketplace.catalogue.models import PUBLISHED_STATUSES, Product


def _signed_in(user: User | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_owner(user: User | None, product: Product) -> bool:
    if not _signed_in(user):
        return False
    trainee = user.trainee
    return trainee is not None and trainee.id == product.trainee_id


def can_edit_product(user: User | None, product: Product) -> bool:
    """Edit, delete, add photos, submit, pause, archive: the trainee who owns it, only."""
    return is_owner(user, product)


def can_review_product(user: User | None, product: Product) -> bool:
    """Approve or reject: staff of the owner's training centre, or a platform admin."""
    if not _signed_in(user):
        return False
    return user.is_admin or is_staff_of_centre(user, product.trainee.centre_id)


def is_publicly_visible(product: Product) -> bool:
    """Listed for everyone: approved and for sale (or sold out), by a verified trainee."""
    trainee = product.trainee
    return (product.status in PUBLISHED_STATUSES and trainee.status == TraineeStatus.VERIFIED
            and not trainee.user.is_disabled)


def can_view_product(user: User | None, product: Product) -> bool:
    return (is_publicly_visible(product) or can_edit_product(user, product)
            or can_review_product(user, product))


def can_manage_categories(user: User | None) -> bool:
    return bool(_signed_in(user) and user.is_admin)
