"""Who sees which report, and which rows of it (the reports' policies).

A trainee sees their own sales; centre staff the sales and outcomes of their centres'
trainees; municipal staff the sales made at their markets and the use of their venues; an
administrator everything. One person may hold several of these (a trainee who is also staff
somewhere): their scope is the union. The needs assessment is anonymous by construction
(k-anonymity), so every staff member may read it.

`Scope` is built once per request from the user's memberships; the `*_condition` helpers
turn it into SQL conditions, so each report filters inside its own queries (never after
loading someone else's rows)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, true

from marketplace.accounts.models import Trainee


class Report(enum.StrEnum):
    SALES = "sales"
    NEEDS = "needs"
    BOOTHS = "booths"
    EMPLOYMENT = "employment"
    PLATFORM = "platform"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    trainee_id: int | None = None
    centre_ids: frozenset[int] = frozenset()
    municipality_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.trainee_id or self.centre_ids
                    or self.municipality_ids)


def scope_for(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or user.is_disabled:
        return Scope()
    if user.is_admin:
        return Scope(everything=True)
    trainee = user.trainee
    return Scope(trainee_id=trainee.id if trainee is not None else None,
                 centre_ids=frozenset(user.staff_centre_ids),
                 municipality_ids=frozenset(user.staff_municipality_ids))


def can_see(user, report: Report) -> bool:
    """May `user` open `report` at all (its rows are then limited by their scope)?"""
    scope = scope_for(user)
    if scope.everything:
        return True
    if report == Report.SALES:
        return not scope.is_empty
    if report == Report.NEEDS:
        return bool(scope.centre_ids or scope.municipality_ids)
    if report == Report.BOOTHS:
        return bool(scope.municipality_ids)
    if report == Report.EMPLOYMENT:
        return bool(scope.centre_ids)
    return False  # PLATFORM: administrators only


def visible_reports(user) -> list[Report]:
    return [report for report in Report if can_see(user, report)]


def sales_condition(scope: Scope, trainee_id_column, centre_id_column,
                    municipality_id_column) -> ColumnElement[bool]:
    """Rows of sales the scope may see: its trainee's own, its centres' trainees', or those
    made at (picked up at, sold at a booth of) its municipalities' markets."""
    if scope.everything:
        return true()
    parts: list[ColumnElement[bool]] = []
    if scope.trainee_id is not None:
        parts.append(trainee_id_column == scope.trainee_id)
    if scope.centre_ids:
        parts.append(centre_id_column.in_(sorted(scope.centre_ids)))
    if scope.municipality_ids:
        parts.append(municipality_id_column.in_(sorted(scope.municipality_ids)))
    return or_(*parts) if parts else false()


def centre_condition(scope: Scope, centre_id_column) -> ColumnElement[bool]:
    if scope.everything:
        return true()
    if not scope.centre_ids:
        return false()
    return centre_id_column.in_(sorted(scope.centre_ids))


def municipality_condition(scope: Scope, municipality_id_column) -> ColumnElement[bool]:
    if scope.everything:
        return true()
    if not scope.municipality_ids:
        return false()
    return municipality_id_column.in_(sorted(scope.municipality_ids))


def trainee_in_scope(scope: Scope, trainee: Trainee) -> bool:
    """One trainee's figures (employment rows): their own, or their centre's staff."""
    return scope.everything or trainee.id == scope.trainee_id or \
        trainee.centre_id in scope.centre_ids
