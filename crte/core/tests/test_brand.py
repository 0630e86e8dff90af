import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_state_brand_is_hidden_unless_the_operator_is_a_state_entity(client, settings):
    settings.OPERATOR_IS_STATE = False
    page = client.get(reverse("portal:home")).content.decode()
    assert "fr-logo" not in page
    assert "République" not in page


def test_state_brand_shows_when_the_operator_is_a_state_entity(client, settings):
    settings.OPERATOR_IS_STATE = True
    page = client.get(reverse("portal:home")).content.decode()
    assert 'class="fr-logo"' in page
    assert "République" in page


def test_login_page_is_in_french_and_logs_in(client, django_user_model):
    django_user_model.objects.create_user("camille", password="un-mot-de-passe-long")
    page = client.get(reverse("core:login")).content.decode()
    assert "Connexion" in page and 'lang="fr"' in page
    bad = client.post(reverse("core:login"), {"username": "camille", "password": "faux"})
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in bad.content.decode()
    good = client.post(reverse("core:login"), {"username": "camille", "password": "un-mot-de-passe-long"})
    assert good.status_code == 302
