"""Booth tables: venues and their booth maps, markets and days, applications, assignments,
allocation runs, waitlist offers, fees, subsidies, no-show strikes and sales made at the booth.

A booth can never be given twice for the same day: two partial unique indexes over live
assignments (active or checked in) hold that on SQLite and PostgreSQL alike.
"""


from marketplace.booths.models.applications import (
    Application,
    ApplicationCategory,
    ApplicationDay,
    ApplicationPreferredBooth,
    ApplicationProduct,
)
from marketplace.booths.models.assignments import (
    AllocationRun,
    Assignment,
    BoothFee,
    Ineligibility,
    NoShowStrike,
    SubsidyEntry,
)
from marketplace.booths.models.enums import (
    LIVE_ASSIGNMENT_STATUSES,
    ApplicationDayStatus,
    ApplicationStatus,
    AssignmentSource,
    AssignmentStatus,
    BlockReason,
    FeeStatus,
    MarketDayStatus,
    MarketKind,
    RunScope,
    RunStatus,
)
from marketplace.booths.models.markets import (
    Market,
    MarketCategory,
    MarketDay,
    MarketReservedBooth,
)
from marketplace.booths.models.offers import BoothOffer, OfferStatus
from marketplace.booths.models.sales import BoothSale, BoothSalePayment
from marketplace.booths.models.venues import Booth, BoothBlock, Venue

__all__ = [
    "LIVE_ASSIGNMENT_STATUSES",
    "AllocationRun",
    "Application",
    "ApplicationCategory",
    "ApplicationDay",
    "ApplicationDayStatus",
    "ApplicationPreferredBooth",
    "ApplicationProduct",
    "ApplicationStatus",
    "Assignment",
    "AssignmentSource",
    "AssignmentStatus",
    "BlockReason",
    "Booth",
    "BoothBlock",
    "BoothFee",
    "BoothOffer",
    "BoothSale",
    "BoothSalePayment",
    "FeeStatus",
    "Ineligibility",
    "Market",
    "MarketCategory",
    "MarketDay",
    "MarketDayStatus",
    "MarketKind",
    "MarketReservedBooth",
    "NoShowStrike",
    "OfferStatus",
    "RunScope",
    "RunStatus",
    "SubsidyEntry",
    "Venue",
]
