"""People-facing names for the booths domain's codes (features, statuses, reasons)."""

from flask_babel import lazy_gettext as _l

FEATURE_LABELS = {
    "power": _l("power"),
    "corner": _l("corner"),
    "covered": _l("covered"),
    "accessible": _l("accessible"),
}

MARKET_KIND_LABELS = {"one_off": _l("One-off (festival, exhibition)"),
                      "recurring": _l("Recurring (weekly bazaar)")}

BLOCK_REASON_LABELS = {"repairs": _l("Repairs"), "official_event": _l("Official event"),
                       "other": _l("Other")}

APPLICATION_STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "accepted": _l("Accepted"),
    "waitlisted": _l("Waitlisted"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "requested": _l("Requested"),
}

ASSIGNMENT_STATUS_LABELS = {
    "active": _l("Booked"),
    "checked_in": _l("Checked in"),
    "cancelled": _l("Cancelled"),
    "no_show": _l("No-show"),
}

FEE_STATUS_LABELS = {"due": _l("Due"), "paid": _l("Paid"), "waived": _l("Waived")}

# The allocator's reason codes (allocation.UNSERVED_REASONS), for people.
UNSERVED_REASON_LABELS = {
    "ineligible": _l("Not eligible for a booth now."),
    "day_not_open": _l("The day is closed or not part of this run."),
    "already_assigned": _l("Already has a booth on this day."),
    "booth_taken": _l("The booth was given to someone else meanwhile; on the waitlist."),
    "booth_blocked": _l("The booth is out of use that day; on the waitlist."),
    "booth_unavailable": _l("The booth is no longer in use; on the waitlist."),
    "trainee_already_placed": _l("Already has a booth on this date."),
    "busy_elsewhere": _l("Already has a booth at another market on this date."),
    "category_cap_reached": _l("The cap for this craft on this day is full."),
    "no_booth_left": _l("Every booth was taken before this applicant's turn in the lottery."),
    "no_booth_meets_needs": _l("No free booth has what this applicant needs "
                               "(power, accessibility)."),
    "reserved_for_other_category": _l("The only free booths that fit are reserved for "
                                      "another craft."),
    "neighbour_rule": _l("Every free booth that fits would put two booths of the same craft "
                         "side by side."),
}

PLACEMENT_REASON_LABELS = {
    "preferred_booth": _l("A booth the applicant asked for."),
    "reserved_for_category": _l("A booth reserved for the applicant's craft."),
    "rotation": _l("Drawn in the lottery; given the best booth the rules allowed, balancing "
                   "locations over the season."),
    "next_in_lottery": _l("Placed in lottery order in a booth still free."),
}

# Why a trainee is not eligible (ApplicantSpec.ineligible_reason).
INELIGIBLE_REASON_LABELS = {
    "not_active_vendor": _l("Not a verified trainee."),
    "struck_out": _l("Too many no-shows: not eligible for a while."),
}

REJECTION_LABELS = {
    "category_not_welcomed": _l("The market does not welcome this craft."),
    "incomplete": _l("The application is incomplete."),
    "not_eligible": _l("Not eligible for a booth now."),
    "duplicate": _l("A duplicate application."),
    "ineligible": _l("Not eligible for a booth now."),
    "day_not_open": _l("The day is closed."),
}

# Why a previewed placement was left out when the run was confirmed
# (services.allocation_runs.DROP_REASONS).
DROP_REASON_LABELS = {
    "no_longer_requested": _l("The trainee withdrew that day, or it was decided otherwise."),
    "not_active_vendor": _l("The trainee is no longer an active vendor (suspended or "
                            "disabled)."),
    "struck_out": _l("Too many no-shows: not eligible for a while."),
    "day_closed": _l("The market day was closed."),
    "booth_unavailable": _l("The booth is no longer in use."),
    "booth_blocked": _l("The booth is out of use that day (repairs or an official event)."),
    "booth_taken": _l("The booth was given to someone else meanwhile."),
    "trainee_already_placed": _l("The trainee got a booth that date meanwhile, at this market "
                                 "or another."),
}

# What confirming a preview does with a world that changed since: shown on the run's page and
# returned by the API with every run.
CONFIRM_POLICY = _l(
    "Confirming checks the preview again. A placement that no longer holds — the trainee "
    "suspended or disabled, the day closed, the booth blocked or given to someone else, the "
    "trainee given a booth elsewhere that date — is left out and listed under “Left out at "
    "confirmation”, and its booth-day goes to the waitlist; everything else is given as "
    "previewed. If another allocation of this market was confirmed after this preview, "
    "confirming is refused: run a new preview.")

CANCEL_REASON_LABELS = {
    "day_closed": _l("The market day was closed."),
    "withdrawn": _l("Withdrawn by the trainee."),
    "cancelled_by_staff": _l("Cancelled by the market staff."),
    "booth_blocked": _l("The booth is out of use (repairs or an official event)."),
    "application_rejected": _l("The application was rejected."),
    "double_booked": _l("The trainee already had another booth on the same date."),
    "trainee_suspended": _l("The trainee's account was suspended by their training centre."),
}


def label(table: dict, code) -> str:
    """The label for `code`, or the code itself when the table does not know it."""
    if code is None:
        return ""
    key = getattr(code, "value", code)
    return str(table.get(key, key))
