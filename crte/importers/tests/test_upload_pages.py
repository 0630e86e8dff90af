import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crte.actions.models import Action
from crte.importers.tests.sheets import write_xlsx
from crte.importers.web import jobs as import_jobs

pytestmark = pytest.mark.django_db

ROWS = [
    ["Porteur", "Intitulé", "Coût HT", "Financeur", "Montant sollicité"],
    ["Commune d'Auchel", "Rénovation de l'école", "1 000 000 €", "DSIL", "350 000 €"],
]


@pytest.fixture(autouse=True)
def catalogue(db, settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"


def upload(client, contract, path):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    return client.post(reverse("importers:upload", args=[contract.slug]), data, follow=True)


def test_manager_previews_then_confirms_an_import(client, manager, contract, tmp_path):
    client.force_login(manager)
    response = upload(client, contract, write_xlsx(tmp_path / "prog.xlsx", ROWS))
    page = response.content.decode()
    assert "Rien n'est encore enregistré" in page
    assert "Rénovation de l&#x27;école" in page
    assert not Action.objects.exists()
    token = response.context["token"]
    confirm = client.post(reverse("importers:confirm", args=[contract.slug, token]))
    assert confirm.status_code == 302
    action = Action.objects.get(contract=contract)
    assert action.funding_lines.get().scheme.short_name == "DSIL"
    # The same token cannot be replayed.
    assert client.post(reverse("importers:confirm", args=[contract.slug, token])).status_code == 404


def test_a_refused_file_shows_its_errors_and_no_confirm_button(client, manager, contract, tmp_path):
    client.force_login(manager)
    bad = write_xlsx(tmp_path / "contacts.xlsx", [["Nom", "Prénom"], ["Dupont", "Marie"]])
    page = upload(client, contract, bad).content.decode()
    assert "Fichier refusé" in page and "Colonnes trouvées" in page
    assert "Confirmer l&#x27;import" not in page


def test_unsupported_format_is_refused_by_the_form(client, manager, contract, tmp_path):
    client.force_login(manager)
    path = tmp_path / "contrat.pages"
    path.write_bytes(b"PK")
    response = upload(client, contract, path)
    assert "non pris en charge" in " ".join(response.context["form"].errors["file"])


@pytest.mark.parametrize("persona", ["reader", "funder_member", "owner_member"])
def test_only_managers_import(client, contract, persona, request, tmp_path):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("importers:upload", args=[contract.slug])).status_code == 403
    assert upload(client, contract, write_xlsx(tmp_path / "p.xlsx", ROWS)).status_code == 403


def test_outsider_gets_404_on_import(client, outsider, contract):
    client.force_login(outsider)
    assert client.get(reverse("importers:upload", args=[contract.slug])).status_code == 404


def test_another_users_token_is_refused(client, manager, state_referent, contract, tmp_path):
    client.force_login(manager)
    token = upload(client, contract, write_xlsx(tmp_path / "p.xlsx", ROWS)).context["token"]
    client.force_login(state_referent)
    assert client.post(reverse("importers:confirm", args=[contract.slug, token])).status_code == 404
    assert not Action.objects.exists()


def test_a_preview_that_crashed_is_an_error_page_without_a_confirm_button(
    client, manager, contract, tmp_path, monkeypatch
):
    def crash(**kwargs):
        raise RuntimeError("lecteur en panne")

    monkeypatch.setattr(import_jobs, "import_source", crash)
    client.force_login(manager)
    page = upload(client, contract, write_xlsx(tmp_path / "prog.xlsx", ROWS)).content.decode()
    assert "Le travail a échoué" in page and "Erreur inattendue (référence" in page
    assert "Confirmer l&#x27;import" not in page and "Rien n'est encore enregistré" not in page
    assert "lecteur en panne" not in page  # never the internal error
