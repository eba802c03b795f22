"""What the browser tests do on Persian pages: check the page is Persian and right-to-left,
and sign in through the login form (the `fa` fixture, tests/e2e/conftest.py, gives the
Persian text of a message)."""

from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD


def expect_persian_rtl(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def log_in(page, fa, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    expect_persian_rtl(page)
    page.get_by_label(fa("Email"), exact=True).fill(email)
    page.get_by_label(fa("Password"), exact=True).fill(password)
    page.get_by_role("button", name=fa("Log in"), exact=True).click()
    expect(account_menu(page)).to_be_visible()


def account_menu(page):
    """The header's account menu (a <details>): there only for a signed-in person."""
    return page.locator("header details.nav-menu-account > summary")


def open_menu(page, name: str) -> None:
    """Open the header's disclosure menu `name` ("shop", "staff", "account"), so its links
    can be clicked (links in a closed <details> are hidden)."""
    menu = page.locator(f"header details.nav-menu-{name}")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def log_out(page, fa) -> None:
    open_menu(page, "account")
    page.get_by_role("button", name=fa("Log out"), exact=True).click()
    expect(account_menu(page)).to_have_count(0)
