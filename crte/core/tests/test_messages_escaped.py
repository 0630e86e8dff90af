"""Page messages quote what people typed (an action's title): they are escaped, never
markup (django-dsfr marks alert content safe unless DSFR_CONTENT_IS_SAFE is False)."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, Template
from django.test import RequestFactory


@pytest.mark.django_db
def test_a_message_quoting_a_title_is_escaped():
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.success(request, "Action « <img src=x onerror=alert(1)> » enregistrée.")
    html = Template("{% load dsfr_tags %}{% dsfr_django_messages %}").render(
        Context({"messages": get_messages(request), "request": request})
    )
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
