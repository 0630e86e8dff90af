"""ProConnect's pages, under the names mozilla-django-oidc reverses (404 when ProConnect is
not configured)."""

from django.urls import path

from crte.contracts import proconnect

urlpatterns = [
    path("callback/", proconnect.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("authenticate/", proconnect.StartView.as_view(), name="oidc_authentication_init"),
    path("logout/", proconnect.LogoutView.as_view(), name="oidc_logout"),
]
