"""Error codes of the reports domain."""

from marketplace.core.errors import ErrorCode


class ReportErrorCode(ErrorCode):
    REPORT_NOT_YOURS = "report_not_yours"
    TERM_TAKEN = "term_taken"
    INVALID_TERM = "invalid_term"
