import os
import re
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    path = os.environ.get("CRTE_CHROMIUM", "/usr/bin/chromium")
    return path if os.path.exists(path) else shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download). Outside CI, a machine
    without Chromium skips these tests; in CI (CI=true) a missing Chromium is a failure."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium est introuvable : installez le paquet Debian « chromium ».")
        pytest.skip("Chromium n'est pas installé (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the
    # test itself stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # A click that follows a link returns before the next page is there: tests wait for
    # what the next page shows with `expect`, whose patience matches the pages' timeout.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def reference():
    """The reference contract, published, with the demo accounts (what `make run` shows)."""
    from crte.demo.reference import load_reference_contract, load_reference_data, setup_demo

    load_reference_data()
    contract, _ = load_reference_contract()
    setup_demo(contract)
    return contract


def log_in(page, live_server, username):
    from crte.demo.reference import DEMO_PASSWORD

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_test_id("current-user").wait_for(state="attached")


def choose_in_search_box(scope, label: str, typed: str, name: str) -> None:
    """Types in the search box labelled `label`, waits for the option `name` htmx brings,
    picks it and waits for it among the rows chosen."""
    from playwright.sync_api import expect

    box = scope.get_by_role("combobox", name=re.compile("^" + re.escape(label)))
    page = scope.page if hasattr(scope, "page") else scope
    # A form htmx has just swapped in listens to typing only once it has settled: typing
    # earlier (a loaded machine) would send no search.
    expect(box).to_be_visible()
    expect(page.locator(".htmx-settling, .htmx-swapping, .htmx-added")).to_have_count(0)
    box.fill(typed)
    option = scope.locator(f'[role=option][data-label="{name}"]').first
    expect(option).to_be_visible()
    option.click()
    expect(scope.get_by_role("checkbox", name=re.compile("^" + re.escape(name)))).to_be_checked()
