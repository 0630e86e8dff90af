import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crte.actions.models import Action
from crte.importers.tests.sheets import write_xlsx
from crte.importers.web import jobs as import_jobs
from crte.indicators.models import Indicator, Measurement, Target

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


HAUT_LEON = "200067072"  # CC Haut-Léon Communauté, Finistère
CONTRACT_TEXT = """CONTRAT POUR LA RÉUSSITE DE LA TRANSITION ÉCOLOGIQUE

ENTRE

La Communauté de communes Haut-Léon Communauté (HLC)

Article 2 – Le territoire

Haut-Léon Communauté rassemble 14 communes et 32 000 habitants sur son territoire.
La communauté s'engage à ouvrir 12 aires de covoiturage d'ici 2026 sur les axes principaux.
Le siège est au 29 rue des Carmes, BP 35, 29250 Saint-Pol-de-Léon, tél. 02 98 69 10 44.
À l'horizon 2030, le plan climat vise une réduction de 30 % des émissions de gaz à effet de serre.

Maitre d'ouvrage\tOpération\tContenu\tMontant prévisionnel (HT)\tFinancements\t\tAnnée
\t\t\t\tEPCI\tETAT\t
MIEUX SE DÉPLACER
Commune de Cléder\tVoie verte du littoral\tTravaux\t300K€\t30 %\t100K€ DSIL\t2024
"""


def test_the_preview_lists_the_figures_and_the_import_writes_only_those_kept(
    client, manager, contract, tmp_path
):
    client.force_login(manager)
    path = tmp_path / "contrat.txt"
    path.write_text(CONTRACT_TEXT, encoding="utf-8")
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), "territory": HAUT_LEON}
    response = client.post(reverse("importers:upload", args=[contract.slug]), data, follow=True)
    figures = {f["key"]: f for f in response.context["s"]["figures"]}
    assert {key: f["known"] for key, f in figures.items()} == {  # no address, no phone number
        "valeur:communes": True,
        "valeur:habitants": True,
        "objectif:aires-de-covoiturage": False,  # a thing not commonly counted: for a person to say
        "cible:pcaet-ges": True,
    }
    assert figures["valeur:habitants"]["text"].startswith("Haut-Léon Communauté rassemble 14 communes")
    page = response.content.decode()
    assert 'data-testid="import-figures"' in page
    assert re.search(r'value="valeur:habitants"\s+checked>', page)  # accepted unless unticked
    assert re.search(r'value="objectif:aires-de-covoiturage"\s*>', page)
    assert "« Haut-Léon Communauté rassemble 14 communes et 32" in page
    token = response.context["token"]
    kept = {"chiffres": "on", "chiffre": ["valeur:habitants", "objectif:aires-de-covoiturage"]}
    assert client.post(reverse("importers:confirm", args=[contract.slug, token]), kept).status_code == 302
    indicators = Indicator.objects.filter(contract__slug=contract.slug)
    assert sorted(indicators.values_list("code", flat=True)) == ["aires-de-covoiturage", "habitants"]
    assert Measurement.objects.get(indicator__code="habitants").value == 32000
    assert Target.objects.get(indicator__code="aires-de-covoiturage").value == 12


def test_an_import_confirmed_without_a_choice_of_figures_writes_them_all(client, manager, contract, tmp_path):
    """The remove-missing form of a refused preview, an older page: as the command line."""
    client.force_login(manager)
    path = tmp_path / "contrat.txt"
    path.write_text(CONTRACT_TEXT, encoding="utf-8")
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), "territory": HAUT_LEON}
    token = client.post(reverse("importers:upload", args=[contract.slug]), data, follow=True).context["token"]
    client.post(reverse("importers:confirm", args=[contract.slug, token]), {"chiffre": ["valeur:communes"]})
    codes = set(Indicator.objects.filter(contract__slug=contract.slug).values_list("code", flat=True))
    assert codes == {"communes", "habitants", "aires-de-covoiturage", "pcaet-ges"}
