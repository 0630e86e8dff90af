"""Sign-in throttling around django-axes, keyed on the account and the real address.

- Who is signing in: the peer's address (REMOTE_ADDR). Behind the reverse proxies listed in
  CRTE_TRUSTED_PROXIES, the right-most X-Forwarded-For address that is not one of them (each
  proxy appends the address it received the request from; what the client wrote itself is on
  the left, and is never believed). From any other peer, X-Forwarded-For is ignored.
- AXES_FAILURE_LIMIT wrong passwords for one account from one address lock that account
  from that address for AXES_COOLOFF_TIME (axes, AXES_LOCKOUT_PARAMETERS): the attacker's
  address is locked, the person signing in from elsewhere is not.
- Failures on one account from all addresses together (a guesser spread over many
  addresses) slow every further password check on that account by a short delay, doubling
  from half a second up to two seconds, for as long as the failures are counted. The right
  password is never refused for it: an attacker can make a sign-in slower, not impossible.
"""

import hashlib
import ipaddress
import time
from datetime import timedelta

from axes.handlers.cache import AxesCacheHandler
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cache_timeout, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 2.0
sleep = time.sleep  # replaced in tests


def client_ip(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address of who is signing in (module docstring)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(forwarded):
        address = parse_address(hop)
        if address is None:
            return peer  # a hop our proxy did not write: count it as the proxy's
        if not is_trusted_proxy(address):
            return address
    return peer


def is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def parse_address(hop: str) -> str | None:
    """An address as proxies write it (`203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:443`,
    `203.0.113.7:51000`), normalized; None when it is not one."""
    text = hop.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def account_delay(failures: int, limit: int) -> float:
    """Seconds to wait before checking a password of an account that failed `failures`
    times from all addresses: none under the limit, then doubling, capped."""
    if failures < limit:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2 ** min(failures - limit, 10), MAX_DELAY_SECONDS)


class AccountDelayBackend:
    """An authentication backend that signs nobody in: it waits, before the next backends
    check the password, when the account is being guessed from several addresses. After
    axes' backend, so that a locked address does not make anyone wait."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and username and settings.AXES_ENABLED:
            failures = AxesProxyHandler.get_implementation().account_failures(username)
            sleep(account_delay(failures, settings.AXES_FAILURE_LIMIT))
        return None  # no get_user(): sessions are never this backend's


class DatabaseHandler(AxesDatabaseHandler):
    """PostgreSQL: axes' attempts table already holds each (account, address) count."""

    def account_failures(self, username: str) -> int:
        since = timezone.now() - get_cool_off()
        attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class CacheHandler(AxesCacheHandler):
    """SQLite: axes counts per (account, address) in the file cache (settings); the count
    per account is kept beside it, for as long as axes keeps its own."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        username = get_client_username(request, credentials) if request is not None else None
        if not username or self.is_whitelisted(request, credentials):
            return
        key, timeout = account_key(username), get_cache_timeout(request)
        if not self.cache.add(key, 1, timeout=timeout):
            self.cache.incr(key)
            self.cache.touch(key, timeout=timeout)

    def account_failures(self, username: str) -> int:
        return self.cache.get(account_key(username), 0)


def account_key(username: str) -> str:
    return "crte-compte-" + hashlib.sha256(username.encode()).hexdigest()


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the French page, with the cool-off in words (« 15 minutes »)."""
    context = {"cooloff_time": french_duration(get_cool_off(request))}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)


def french_duration(delta: timedelta) -> str:
    """`timedelta(minutes=90)` → « 1 heure et 30 minutes »."""
    hours, minutes = divmod(max(1, round(delta.total_seconds() / 60)), 60)
    parts = [f"{hours} heure{'s' if hours > 1 else ''}"] if hours else []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    return " et ".join(parts)
