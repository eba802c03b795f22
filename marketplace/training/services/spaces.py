"""Spaces in municipal venues that centres can book, and the periods they are blocked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.booths.errors import BoothErrorCode
from marketplace.booths.models import BlockReason, Venue
from marketplace.catalogue.images import process_image
from marketplace.catalogue.storage import get_storage
from marketplace.core.errors import NotFound, RuleViolation
from marketplace.extensions import db
from marketplace.training import policies
from marketplace.training.errors import TrainingErrorCode
from marketplace.training.labels import EQUIPMENT, WEEKDAY_LABELS
from marketplace.training.models import Space, SpaceBlock

MAX_CAPACITY = 10000


@dataclass
class SpaceData:
    name_fa: str
    capacity: int
    opens_at: time
    closes_at: time
    name_en: str | None = None
    description: str = ""
    equipment: list[str] = field(default_factory=list)
    is_accessible: bool = False
    accessibility_note: str = ""
    open_weekdays: list[int] = field(default_factory=lambda: sorted(WEEKDAY_LABELS))
    used_by_markets: bool = False
    is_active: bool = True


@dataclass
class BlockData:
    starts_on: date
    ends_on: date
    reason: str
    note: str = ""


def get_space(space_id: int) -> Space:
    space = db.session.get(Space, space_id)
    if space is None:
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    return space


def get_space_for_staff(actor: User, space_id: int) -> Space:
    """Someone else's space is as good as missing (404), as booths does for venues."""
    space = db.session.get(Space, space_id)
    if space is None or not policies.can_manage_space(actor, space):
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    return space


def _check(data: SpaceData) -> None:
    fields: dict[str, list[str]] = {}
    if not (data.name_fa or "").strip():
        fields["name_fa"] = [_("Required.")]
    if not 1 <= data.capacity <= MAX_CAPACITY:
        fields["capacity"] = [_("Between 1 and 10000 people.")]
    if data.closes_at <= data.opens_at:
        fields["closes_at"] = [_("Must be after the opening time.")]
    if any(item not in EQUIPMENT for item in data.equipment):
        fields["equipment"] = [_("Choose from the list.")]
    if not data.open_weekdays or any(d not in WEEKDAY_LABELS for d in data.open_weekdays):
        fields["open_weekdays"] = [_("Choose at least one weekday.")]
    if fields:
        raise RuleViolation(_("Some details of the space are not valid."), fields=fields)


def _apply(space: Space, data: SpaceData) -> None:
    space.name_fa = data.name_fa.strip()
    space.name_en = (data.name_en or "").strip() or None
    space.description = data.description or ""
    space.capacity = data.capacity
    space.equipment = sorted(set(data.equipment))
    space.is_accessible = data.is_accessible
    space.accessibility_note = data.accessibility_note or ""
    space.opens_at, space.closes_at = data.opens_at, data.closes_at
    space.open_weekdays = sorted(set(data.open_weekdays))
    space.used_by_markets = data.used_by_markets
    space.is_active = data.is_active


def create_space(actor: User, venue: Venue, data: SpaceData) -> Space:
    if not policies.can_manage_space(actor, _VenueSpace(venue)):
        raise NotFound(_("That venue does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    _check(data)
    space = Space(venue=venue, created_by_id=actor.id)
    _apply(space, data)
    db.session.add(space)
    db.session.flush()
    return space


def update_space(actor: User, space: Space, data: SpaceData) -> Space:
    if not policies.can_manage_space(actor, space):
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    _check(data)
    _apply(space, data)
    db.session.flush()
    return space


def block_space(actor: User, space: Space, data: BlockData) -> SpaceBlock:
    """Take the space out of use for a period. Sessions already approved then are the staff's
    to reject or move: the space page lists them."""
    if not policies.can_manage_space(actor, space):
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    if data.ends_on < data.starts_on:
        raise RuleViolation(_("The last day must not be before the first day."),
                            code=BoothErrorCode.DATES_OUT_OF_ORDER,
                            fields={"ends_on": [_("Must be on or after the first day.")]})
    if data.reason not in {r.value for r in BlockReason}:
        raise RuleViolation(_("Choose a reason from the list."),
                            code=BoothErrorCode.DATES_OUT_OF_ORDER,
                            fields={"reason": [_("Choose from the list.")]})
    block = SpaceBlock(space=space, starts_on=data.starts_on, ends_on=data.ends_on,
                       reason=BlockReason(data.reason), note=data.note or "",
                       created_by_id=actor.id)
    db.session.add(block)
    db.session.flush()
    return block


def remove_block(actor: User, block: SpaceBlock) -> None:
    if not policies.can_manage_space(actor, block.space):
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    db.session.delete(block)
    db.session.flush()


class _VenueSpace:
    """What the space policy reads, for a space not made yet."""

    def __init__(self, venue: Venue):
        self.venue = venue


def set_photo(actor: User, space: Space, data: bytes) -> Space:
    """Check and re-encode a photo of the space (the catalogue's checks: by content, size and
    pixel limits) and store its renditions; it replaces the photo before."""
    if not policies.can_manage_space(actor, space):
        raise NotFound(_("That space does not exist."), code=TrainingErrorCode.UNKNOWN_SPACE)
    processed = process_image(data)
    key = f"spaces/{space.id}/{secrets.token_hex(8)}"
    storage = get_storage()
    for size, blob in processed.renditions.items():
        storage.save(f"{key}/{size}.webp", blob)
    space.photo_key = key
    db.session.flush()
    return space
