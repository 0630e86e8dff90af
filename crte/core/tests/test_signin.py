"""Sign-in throttling keyed on the account and the real address (crte.core.signin): a
forged X-Forwarded-For is ignored, the address behind a trusted proxy is the one counted, an
attacker elsewhere locks only his own address and slows the account without refusing it."""

from datetime import timedelta
from ipaddress import ip_network

import pytest
from django.test import RequestFactory
from django.urls import reverse

from crte.core import signin
from crte.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture
def camille(db):
    return UserFactory(username="camille", password=PASSWORD)


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The delays the sign-in would have waited, without waiting them."""
    waited: list[float] = []
    monkeypatch.setattr(signin, "sleep", waited.append)
    return waited


def attempt(client, password: str, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("core:login"), {"username": "camille", "password": password}, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def address(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return signin.client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "198.51.100.9", "203.0.113.7", "198.51.100.9"),  # nobody trusted: the header is ignored
        (["10.0.0.0/8"], "198.51.100.9", "203.0.113.7", "198.51.100.9"),  # not from our proxy
        (["10.0.0.0/8"], "10.1.2.3", "203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8"], "10.1.2.3", "192.0.2.66, 203.0.113.7", "203.0.113.7"),  # forged on the left
        (["10.0.0.0/8"], "10.1.2.3", "192.0.2.66, 203.0.113.7, 10.9.9.9", "203.0.113.7"),  # two proxies
        (["10.1.2.3", "10.9.9.9"], "10.1.2.3", "203.0.113.7,10.9.9.9", "203.0.113.7"),
        (["10.0.0.0/8"], "10.1.2.3", "203.0.113.7:51000", "203.0.113.7"),
        (["10.0.0.0/8"], "10.1.2.3", "[2001:db8::1]:443", "2001:db8::1"),
        (["10.0.0.0/8", "fd00::/8"], "fd00::2", "2001:DB8::1", "2001:db8::1"),
        (["10.0.0.0/8"], "10.1.2.3", "", "10.1.2.3"),  # no header: the proxy itself
        (["10.0.0.0/8"], "10.1.2.3", "192.0.2.66, pas-une-adresse", "10.1.2.3"),
        (["10.0.0.0/8"], "10.1.2.3", "10.4.4.4", "10.1.2.3"),  # only proxies: the nearest
    ],
)
def test_the_client_address_is_read_behind_trusted_proxies_only(
    settings, trusted, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = [ip_network(item) for item in trusted]
    assert address(remote, forwarded) == expected


def test_a_forged_forwarded_for_from_an_untrusted_peer_locks_nobody_else(client, camille, waits):
    for _ in range(5):
        attempt(client, "mauvais", "198.51.100.9", forwarded="203.0.113.7")  # the victim's address
    assert attempt(client, PASSWORD, "198.51.100.9").status_code == 429  # the attacker is locked
    assert signed_in(attempt(client, PASSWORD, "203.0.113.7"))


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_locked(client, camille, settings, waits):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/8")]
    for _ in range(5):
        attempt(client, "mauvais", "10.0.0.1", forwarded="198.51.100.9")
    assert attempt(client, PASSWORD, "10.0.0.1", forwarded="192.0.2.1, 198.51.100.9").status_code == 429
    assert signed_in(attempt(client, PASSWORD, "10.0.0.1", forwarded="203.0.113.7"))  # same proxy


def test_an_attacker_elsewhere_locks_his_address_and_only_slows_the_account(client, camille, waits):
    for _ in range(8):
        attempt(client, "mauvais", "198.51.100.9")
    locked = attempt(client, PASSWORD, "198.51.100.9")
    assert locked.status_code == 429 and "_auth_user_id" not in locked.wsgi_request.session
    assert "15 minutes" in locked.content.decode() and "PT15M" not in locked.content.decode()
    assert signed_in(attempt(client, PASSWORD, "203.0.113.7"))
    assert 0 < waits[-1] <= signin.MAX_DELAY_SECONDS  # checked after a short wait


def test_failures_of_one_account_from_many_addresses_slow_it_without_refusing_it(client, camille, waits):
    for n in range(12):
        attempt(client, "mauvais", f"198.51.100.{n}")
    assert max(waits) == signin.MAX_DELAY_SECONDS
    assert signed_in(attempt(client, PASSWORD, "203.0.113.7"))


def test_a_person_who_mistypes_a_few_times_waits_for_nothing(client, camille, waits):
    for _ in range(3):
        attempt(client, "mauvais", "203.0.113.7")
    assert signed_in(attempt(client, PASSWORD, "203.0.113.7"))
    assert not any(waits)


@pytest.mark.parametrize(
    ("failures", "delay"), [(0, 0), (4, 0), (5, 0.5), (6, 1), (7, 2), (8, 2), (10_000, 2)]
)
def test_the_account_delay_doubles_from_the_limit_and_is_capped(failures, delay):
    assert signin.account_delay(failures, 5) == delay


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=10), "1 minute"),
        (timedelta(hours=1), "1 heure"),
        (timedelta(minutes=90), "1 heure et 30 minutes"),
        (timedelta(hours=2, minutes=1), "2 heures et 1 minute"),
    ],
)
def test_the_cool_off_is_said_in_words(delta, words):
    assert signin.french_duration(delta) == words
