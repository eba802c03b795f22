"""The site's menus, in one place: what each person sees in the header (core.nav renders it).

The main menu is public; the user menu shows an entry when its `visible(user)` is true.
`order` sorts each menu; the user menu's entries are grouped by USER_MENUS / MENU_OF below.
"""

from flask_babel import lazy_gettext as _l

from marketplace.booths.policies import can_staff_any_municipality
from marketplace.core.nav import TOP, NavItem, grouped
from marketplace.reports.scope import visible_reports
from marketplace.training.policies import can_create_spaces, can_request_bookings


def _is_trainee(user) -> bool:
    return user.trainee is not None


def _is_centre_staff_or_admin(user) -> bool:
    return user.is_centre_staff or user.is_admin


def _is_staff(user) -> bool:
    return user.is_centre_staff or user.is_municipal_staff


def _is_admin(user) -> bool:
    return user.is_admin


MAIN_MENU = (
    NavItem(_l("Products"), "catalogue.search", order=10),
    NavItem(_l("Training centres"), "storefront.centres", order=40),
    NavItem(_l("Markets"), "booths.markets_open", order=40),
    NavItem(_l("Courses"), "training.calendar", order=45),
    NavItem(_l("Cart"), "orders.cart", order=90),
)

USER_MENU = (
    NavItem(_l("My store"), "storefront.my_store", visible=lambda u: u.is_trainee, order=15),
    NavItem(_l("My products"), "catalogue.my_products", visible=lambda u: u.is_trainee,
            order=20),
    NavItem(_l("My orders"), "orders.my_orders", order=40),
    NavItem(_l("My booths"), "booths.mine", visible=_is_trainee, order=45),
    NavItem(_l("My sales"), "orders.my_sales", visible=_is_trainee, order=45),
    NavItem(_l("Sell at the booth"), "booth_sales.sell", visible=_is_trainee, order=45),
    NavItem(_l("Shipping fee"), "orders.shipping", visible=_is_trainee, order=46),
    NavItem(_l("Venues and markets"), "booths.staff_markets",
            visible=can_staff_any_municipality, order=55),
    NavItem(_l("Training spaces"), "training.staff_spaces", visible=can_create_spaces,
            order=56),
    NavItem(_l("Booking requests"), "training.staff_requests", visible=can_create_spaces,
            order=57),
    NavItem(_l("Our bookings"), "training.centre_bookings", visible=can_request_bookings,
            order=66),
    NavItem(_l("Our courses"), "training.centre_courses", visible=can_request_bookings,
            order=67),
    NavItem(_l("My courses"), "training.my_courses", order=41),
    NavItem(_l("Trainees to verify"), "accounts.centre_trainees",
            visible=_is_centre_staff_or_admin, order=60),
    NavItem(_l("My ledger"), "payments.ledger", visible=_is_trainee, order=60),
    NavItem(_l("Listings to review"), "catalogue.review_queue",
            visible=_is_centre_staff_or_admin, order=61),
    NavItem(_l("Trainees' sales"), "orders.centre_sales",
            visible=_is_centre_staff_or_admin, order=62),
    NavItem(_l("Booth nominations"), "booths.centre_applications",
            visible=lambda u: u.is_centre_staff, order=65),
    NavItem(_l("Notice to trainees"), "notifications.centre_broadcast_start",
            visible=lambda u: u.is_centre_staff, order=66),
    NavItem(_l("Reports"), "reports.index", visible=lambda u: bool(visible_reports(u)),
            order=70),
    NavItem(_l("Colleagues"), "accounts.my_colleagues", visible=_is_staff, order=79),
    NavItem(_l("Organisations"), "accounts.organisations", visible=_is_admin, order=80),
    NavItem(_l("Categories"), "category_admin.admin_categories", visible=_is_admin, order=81),
    NavItem(_l("My account"), "accounts.profile", order=90),
    NavItem(_l("Payouts"), "payments.admin_payouts", visible=_is_admin, order=90),
    NavItem(_l("Trainees' debts"), "debts.admin_debts", visible=_is_admin, order=91),
    NavItem(_l("Refunds owed"), "payments.admin_refunds_owed", visible=_is_admin, order=92),
    NavItem(_l("My page"), "storefront.my_home", order=1),
)

# The header groups the user menu into these disclosure menus, in this order; MENU_OF says
# which entry goes where (by endpoint). "top" entries stay plain links; an entry not listed
# goes in the account menu. Endpoints of pages not merged yet may be listed in advance.
USER_MENUS = (
    ("shop", _l("My shop")),
    ("staff", _l("Staff")),
    ("account", _l("Account")),
)
_SHOP = ("storefront.my_store", "catalogue.my_products", "booths.mine", "orders.my_sales",
         "booth_sales.sell", "orders.shipping", "payments.ledger")
_STAFF = ("booths.staff_markets", "accounts.centre_trainees", "catalogue.review_queue",
          "orders.centre_sales", "booths.centre_applications", "reports.index",
          "accounts.my_colleagues", "accounts.organisations", "category_admin.admin_categories",
          "payments.admin_payouts", "debts.admin_debts", "payments.admin_refunds_owed",
          "notifications.centre_broadcast_start", "training.staff_spaces",
          "training.staff_requests", "training.centre_bookings", "training.centre_courses")
MENU_OF = {"storefront.my_home": TOP, **dict.fromkeys(_SHOP, "shop"),
           **dict.fromkeys(_STAFF, "staff")}
USER_MENU = grouped(USER_MENU, MENU_OF, USER_MENUS)
