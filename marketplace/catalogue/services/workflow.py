"""The listing workflow: submit, approve, reject, pause, resume, archive, and their labels."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import TraineeStatus, User
from marketplace.accounts.policies import is_active_vendor
from marketplace.catalogue import policies
from marketplace.catalogue.errors import CatalogueErrorCode
from marketplace.catalogue.models import (
    APPROVED_STATUSES,
    PRODUCT_TRANSITIONS,
    Product,
    ProductStatus,
    ProductStatusChange,
)
from marketplace.catalogue.services.access import _not_found
from marketplace.catalogue.services.listing_data import settle_stock_status
from marketplace.catalogue.signals import listing_approved
from marketplace.core.db import utcnow
from marketplace.core.errors import Conflict, CoreErrorCode, Forbidden
from marketplace.extensions import db
from marketplace.notifications.models import EventKind
from marketplace.notifications.service import notify, site_path


def _transition(actor: User | None, product: Product, action: str,
                reason: str | None = None) -> None:
    target = PRODUCT_TRANSITIONS.get((product.status, action))
    if target is None:
        raise Conflict(_("A listing that is %(status)s cannot be %(action)s.",
                         status=status_label(product.status), action=action_label(action)),
                       code=CoreErrorCode.INVALID_TRANSITION)
    db.session.add(ProductStatusChange(
        product_id=product.id, from_status=product.status.value, to_status=target.value,
        action=action, actor=actor if getattr(actor, "id", None) else None, reason=reason))
    product.status = target
    product.status_reason = reason if action == "reject" else None
    if target == ProductStatus.ACTIVE and product.published_at is None:
        product.published_at = utcnow()


def _require_active_vendor(actor: User) -> None:
    if is_active_vendor(actor):
        return
    trainee = actor.trainee
    if trainee is not None and trainee.status == TraineeStatus.SUSPENDED:
        raise Forbidden(_("Your store is suspended; your centre must reinstate it first."),
                        code=CatalogueErrorCode.VENDOR_SUSPENDED)
    raise Forbidden(_("Your training centre has to verify you before you can sell."),
                    code=CatalogueErrorCode.VENDOR_NOT_VERIFIED)


def submit_product(actor: User, product: Product) -> Product:
    """Send a draft (or a rejected listing, once fixed) for review; published at once when the
    centre auto-approves its trainees' listings."""
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _require_active_vendor(actor)
    _transition(actor, product, "submit")
    if product.trainee.centre.auto_approve_listings:
        _transition(None, product, "approve", reason=None)
        settle_stock_status(product)
        _published(product)
    else:
        _tell_centre_staff(product)
        db.session.flush()
    return product


def send_back_to_review(actor: User, product: Product) -> bool:
    """The owner changed what its centre approved (its title, description, photos or
    attributes; not its price or stock): an approved listing waits for review again, and the
    centre's staff are told as for any submission. A centre that approves its trainees'
    listings at once has nothing to review (and a paused listing stays paused). True when it
    was sent back."""
    if product.status not in APPROVED_STATUSES or product.trainee.centre.auto_approve_listings:
        return False
    _transition(actor, product, "resubmit")
    _tell_centre_staff(product)
    db.session.flush()
    return True


def approve_product(actor: User, product: Product) -> Product:
    if not policies.can_review_product(actor, product):
        raise _not_found()
    _transition(actor, product, "approve")
    settle_stock_status(product)
    _published(product)
    return product


def _published(product: Product) -> None:
    """An approved listing: its trainee is told, and higher layers hear of it (signals)."""
    _tell_trainee(product, EventKind.LISTING_APPROVED)
    db.session.flush()
    listing_approved.send(product)


def reject_product(actor: User, product: Product, reason: str) -> Product:
    """Send a listing back with a reason (required, at most REASON_MAX: the form and the
    schema check it)."""
    if not policies.can_review_product(actor, product):
        raise _not_found()
    _transition(actor, product, "reject", reason=reason)
    _tell_trainee(product, EventKind.LISTING_RETURNED)
    db.session.flush()
    return product


def pause_product(actor: User, product: Product) -> Product:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _transition(actor, product, "pause")
    db.session.flush()
    return product


def resume_product(actor: User, product: Product) -> Product:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _require_active_vendor(actor)
    _transition(actor, product, "resume")
    settle_stock_status(product)
    db.session.flush()
    return product


def archive_product(actor: User, product: Product) -> Product:
    if not policies.can_edit_product(actor, product):
        raise _not_found()
    _transition(actor, product, "archive")
    db.session.flush()
    return product


def _tell_trainee(product: Product, kind: EventKind) -> None:
    notify(product.trainee.user, kind,
           {"title_fa": product.title_fa, "title_en": product.title_en or "",
            "reason": product.status_reason or ""},
           link=site_path("catalogue.my_products"))


def _tell_centre_staff(product: Product) -> None:
    """A listing waits for review: its centre's staff are told."""
    trainee = product.trainee
    for membership in trainee.centre.staff:
        notify(membership.user, EventKind.LISTING_SUBMITTED,
               {"title_fa": product.title_fa, "title_en": product.title_en or "",
                "trainee_name": trainee.store_name},
               link=site_path("catalogue.review_queue"))


def status_label(status: ProductStatus) -> str:
    return str(STATUS_LABELS.get(status, status.value))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _lazy_labels():
    statuses = {
        ProductStatus.DRAFT: _l("draft"), ProductStatus.SUBMITTED: _l("waiting for review"),
        ProductStatus.ACTIVE: _l("for sale"), ProductStatus.REJECTED: _l("rejected"),
        ProductStatus.PAUSED: _l("paused"), ProductStatus.SOLD_OUT: _l("sold out"),
        ProductStatus.ARCHIVED: _l("archived"),
    }
    actions = {"submit": _l("submitted"), "approve": _l("approved"), "reject": _l("rejected"),
               "pause": _l("paused"), "resume": _l("resumed"), "archive": _l("archived"),
               "sell_out": _l("marked sold out"), "restock": _l("restocked"),
               "resubmit": _l("sent back for review")}
    return statuses, actions


STATUS_LABELS, ACTION_LABELS = _lazy_labels()

