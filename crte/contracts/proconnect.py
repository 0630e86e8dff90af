"""Sign-in with ProConnect, the State's identity federation for public agents (OpenID
Connect, through mozilla-django-oidc). What ProConnect adds to plain OIDC: the scopes
`openid email given_name usual_name siret`, the `acr` it must return (eidas1 by default),
the user info signed as a JWT, and its end-session endpoint for signing out.

Nobody gets an account by signing in alone: a person is known (same ProConnect subject or
same e-mail) or invited to a contract by its manager (contracts.Invitation); the first
sign-in with the invited address creates the account and takes the invitation."""

import logging
import secrets
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from crte.contracts.models import Invitation, accept_invitations

logger = logging.getLogger(__name__)


# What a provider's answer can go wrong with: a token we do not accept (wrong issuer,
# audience, nonce, signature, or expired), the provider unreachable or answering an error,
# an answer that is not the JSON expected.
PROVIDER_FAILURES = (SuspiciousOperation, jwt.PyJWTError, requests.RequestException, ValueError, KeyError)


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.PROCONNECT_ENABLED:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except PROVIDER_FAILURES as refusal:  # a refused sign-in, never a server error
            logger.warning("ProConnect sign-in refused: %s: %s", type(refusal).__name__, refusal)
            return None

    def verify_token(self, token, **kwargs):
        """The ID token's issuer and audience too (the library checks signature and nonce)."""
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (the user info JWT carries no nonce)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if payload.get("iss") != settings.PROCONNECT_ISSUER or self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("ProConnect : émetteur ou audience inattendus.")
            if payload.get("acr") not in settings.PROCONNECT_ACR_VALUES:
                raise SuspiciousOperation(
                    f"ProConnect : niveau d'authentification « {payload.get('acr')} » refusé."
                )
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub")) and bool(claims.get("email"))

    def filter_users_by_claims(self, claims):
        known = self.UserModel.objects.filter(proconnect_sub=claims["sub"])
        if known.exists():
            return known
        return self.UserModel.objects.filter(email__iexact=claims["email"].strip(), is_active=True)

    @transaction.atomic
    def create_user(self, claims):
        """Only an invited address gets an account."""
        email = claims["email"].strip()
        if not Invitation.objects.for_email(email).exists():
            logger.info("ProConnect sign-in without invitation refused")
            return None
        username = email.lower()[:150]
        if self.UserModel.objects.filter(username=username).exists():
            username = f"pc-{claims['sub']}"[:150]
        user = self.UserModel(username=username, email=email)
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.proconnect_sub = claims["sub"]
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("usual_name") or user.last_name)[:150]
        user.siret = str(claims.get("siret") or "")[:14]
        if not user.email:
            user.email = claims["email"].strip()
        user.save()
        accept_invitations(user)
        return user


def logout_url(request) -> str:
    """ProConnect's end-session address for the session's ID token; the person comes back
    to the home page."""
    query = {
        "id_token_hint": request.session.get("oidc_id_token", ""),
        "state": secrets.token_urlsafe(16),  # never the session key: this URL leaves the site
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{settings.PROCONNECT_LOGOUT_ENDPOINT}?{urlencode(query)}"


class ProConnectOnly:
    """The /oidc/ pages exist only when ProConnect is configured: 404 otherwise."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.PROCONNECT_ENABLED:
            raise Http404("La connexion avec ProConnect n'est pas proposée sur cette instance.")
        return super().dispatch(request, *args, **kwargs)


class StartView(ProConnectOnly, OIDCAuthenticationRequestView):
    pass


class CallbackView(ProConnectOnly, OIDCAuthenticationCallbackView):
    """A callback that cannot be honoured (unknown state, replayed, forged) sends the
    person back to the sign-in page, which says that ProConnect did not succeed."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as refusal:
            logger.warning("ProConnect callback refused: %s", refusal)
            return self.login_failure()


class LogoutView(ProConnectOnly, OIDCLogoutView):
    pass
