"""Personas shared by every app's tests, as healthchecks uses Alice, Bob and Charlie: one
contract (not published) with a manager, a State referent, a financer's member, a project
owner's member, a reader, and an outsider who belongs to another contract."""

import copy
import os
from decimal import Decimal

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from hypothesis import HealthCheck, settings

from crte.actions.tests.factories import ActionFactory
from crte.contracts.models import Membership
from crte.contracts.tests.factories import ContractFactory, MembershipFactory, OrientationFactory
from crte.core.tests.factories import FunderFactory, OrganisationFactory, UserFactory
from crte.finance.tests.factories import FundingLineFactory
from crte.indicators.models import Indicator

# Property tests: thorough by default, bounded in CI (CI=true) so the suite keeps its time.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


# The browser tests' live server shares the test's one connection to the in-memory SQLite
# database with its request threads: two requests at once (a page and an htmx request it
# fires) used the same sqlite3 connection from two threads and hung the suite. On SQLite the
# live server answers one request at a time (it closes each connection, so browsers go on).
class OneRequestAtATime(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the server's thread already holds the connection


if connection.vendor == "sqlite":
    LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture
def provider(settings):
    """A local ProConnect (OpenID provider over HTTP), and the settings that point at it."""
    from crte.core.tests.oidc_provider import LocalProConnect

    with LocalProConnect() as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"].append(f"http://127.0.0.1:{running.server.server_port}")
        settings.CONTENT_SECURITY_POLICY = policy
        yield running


@pytest.fixture
def contract(db):
    return ContractFactory(is_published=False)


@pytest.fixture
def orientation(contract):
    return OrientationFactory(contract=contract, name="Se déplacer")


@pytest.fixture
def owner_org(db):
    return OrganisationFactory(name="Commune de Test")


@pytest.fixture
def funder(db):
    return FunderFactory(name="Région de test")


@pytest.fixture
def action(orientation, owner_org):
    return ActionFactory(orientation=orientation, owners=[owner_org], title="Parking relais")


@pytest.fixture
def funding_line(action, funder):
    return FundingLineFactory(action=action, funder=funder)


def _member(contract, username, role, organisation=None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, contract=contract, role=role, organisation=organisation)
    return user


@pytest.fixture
def manager(contract):
    return _member(contract, "chef", Membership.Role.CHEF_PROJET)


@pytest.fixture
def state_referent(contract):
    return _member(contract, "referent", Membership.Role.REFERENT_ETAT)


@pytest.fixture
def funder_member(contract, funder):
    return _member(contract, "financeur", Membership.Role.FINANCEUR, funder)


@pytest.fixture
def owner_member(contract, owner_org):
    return _member(contract, "moa", Membership.Role.MAITRE_OUVRAGE, owner_org)


@pytest.fixture
def reader(contract):
    return _member(contract, "lecteur", Membership.Role.LECTEUR)


@pytest.fixture
def outsider(db):
    other = ContractFactory(is_published=False)
    return _member(other, "autre", Membership.Role.CHEF_PROJET)


@pytest.fixture(autouse=True)
def _caches_forgotten():
    """Caches are not rolled back with a test's transaction: login throttling counts (in
    files on SQLite) and the roll-up's figures must not leak into the next test."""
    yield
    from django.conf import settings as django_settings
    from django.core.cache import caches

    if "connexions" in django_settings.CACHES:
        caches["connexions"].clear()
    caches["default"].clear()  # the roll-up's figures, keyed by ids a rolled-back test reuses


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}".strip()


@pytest.fixture
def ready_action(orientation, owner_org, funder):
    """An action that meets every condition of Art. 4-2, declared ready."""
    action = ActionFactory(
        orientation=orientation,
        owners=[owner_org],
        title="Voie verte de la Lawe",
        amount=Decimal("100000"),
        start_year=2024,
        maturity="prete",
    )
    FundingLineFactory(action=action, funder=funder, amount=Decimal("100000"))
    Indicator.objects.create(
        contract=action.contract,
        code="km-voie-verte",
        name="Linéaire de voie verte",
        unit="km",
        direction="hausse",
        level="action",
        action=action,
    )
    return action


def pytest_runtest_setup(item):
    """PDF tests need Pango (Debian's libpango-1.0-0): skipped on a machine without it,
    a failure in CI, which installs it."""
    if item.get_closest_marker("pdf") is None:
        return
    from crte.reports.pdf import pdf_available

    if not pdf_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Pango est introuvable : installez le paquet Debian libpango-1.0-0.")
        pytest.skip("Pango n'est pas installé (apt-get install libpango-1.0-0)")
