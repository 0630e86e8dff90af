"""Art. 4-2 on amendments: an approved amendment validates the actions it adds only when they
meet the conditions (the one readiness rule of `Action.readiness`), or when the committee
recorded a derogation with its reason; otherwise the approval is refused and writes nothing."""

import html
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from crte.actions.models import Action, ActionTransition, TransitionError
from crte.actions.tests.factories import ActionFactory
from crte.contracts.models import Amendment, Membership
from crte.core.formats import format_euros
from crte.core.tests.factories import UserFactory
from crte.demo.reference import load_reference_contract, load_reference_data
from crte.governance.models import AmendmentDerogation, ContractVersion
from crte.governance.versions import AmendmentError, approve_amendment

pytestmark = pytest.mark.django_db

UNFUNDED = f"{format_euros(0)} financés sur {format_euros(100000)}"  # the money in French
REASON = "Projet prioritaire du PCAET : le comité valide sans attendre l'indicateur."


@pytest.fixture
def amendment(contract):
    return Amendment.objects.create(
        contract=contract, number=1, title="Ajout de projets", copil_opinion_on=date(2024, 11, 20)
    )


@pytest.fixture
def failing(orientation, amendment):
    """An idea added by the amendment: no owner, no financing, no indicator, no start."""
    return ActionFactory(
        orientation=orientation, maturity="idee", title="Ressourcerie communautaire", added_by=amendment
    )


def approve_url(amendment) -> str:
    return reverse("governance:amendment_approve", args=[amendment.pk])


def page_of(client, contract) -> str:
    return client.get(reverse("governance:governance_home", args=[contract.slug])).content.decode()


def written(contract) -> tuple:
    """Everything an approval writes, to compare before and after a refusal."""
    return (
        list(contract.amendments.values_list("status", "approved_on")),
        contract.__class__.objects.get(pk=contract.pk).version,
        list(contract.actions.order_by("pk").values_list("pk", "maturity", "revision")),
        ActionTransition.objects.count(),
        Action.history.count(),
        AmendmentDerogation.objects.count(),
        AmendmentDerogation.history.count(),
        ContractVersion.objects.filter(contract=contract).count(),
    )


def test_the_amendment_page_shows_each_added_action_conditions(
    client, manager, contract, amendment, failing, ready_action
):
    ready_action.added_by = amendment
    ready_action.save()
    client.force_login(manager)
    html = page_of(client, contract)
    assert 'data-testid="amendment-conditions"' in html
    assert "Ressourcerie communautaire</a> —" in html and "Voie verte de la Lawe</a> —" in html
    assert "<strong>conditions non remplies</strong>" in html and "conditions remplies" in html
    assert "<strong>Manque :</strong> un maître d&#x27;ouvrage" in html
    assert "montant non chiffré" not in html  # the factory's amount is set: the detail is the cover
    assert UNFUNDED in html
    # A reason can be given for the failing action only.
    assert f'name="derogation_{failing.pk}"' in html
    assert f'name="derogation_{ready_action.pk}"' not in html


def test_a_reader_sees_the_conditions_but_neither_approves_nor_derogates(
    client, reader, contract, amendment, failing
):
    client.force_login(reader)
    html = page_of(client, contract)
    assert "<strong>conditions non remplies</strong>" in html
    assert "derogation_" not in html and 'data-testid="amendment-approve"' not in html
    before = written(contract)
    response = client.post(
        approve_url(amendment), {"approved_on": "2024-12-01", f"derogation_{failing.pk}": REASON}
    )
    assert response.status_code == 403
    assert written(contract) == before


def test_approval_is_refused_for_a_failing_action_without_derogation_and_writes_nothing(
    client, manager, contract, amendment, failing, ready_action, action
):
    ready_action.added_by = amendment
    ready_action.save()
    action.removed_by = amendment
    action.save()
    client.force_login(manager)
    before = written(contract)
    response = client.post(
        approve_url(amendment), {"approved_on": "2024-12-01", f"derogation_{failing.pk}": "  "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    message = (
        "Approbation refusée, rien n&#x27;a été enregistré : l&#x27;action « Ressourcerie communautaire » "
        "ne remplit pas les conditions de validation de l&#x27;art. 4-2 ; il manque : un maître "
        f"d&#x27;ouvrage, un plan de financement qui couvre le montant ({UNFUNDED}), "
        "au moins un indicateur, une année de démarrage."
    )
    assert message in html
    assert written(contract) == before  # neither the passing action, nor the withdrawal, nor a version
    assert contract.versions.count() == 0


def test_a_refused_approval_names_every_failing_action_and_keeps_what_was_typed(
    client, manager, contract, orientation, amendment, failing
):
    other = ActionFactory(
        orientation=orientation, maturity="en_maturation", title="Chaufferie bois", added_by=amendment
    )
    client.force_login(manager)
    response = client.post(
        approve_url(amendment), {"approved_on": "2024-12-01", f"derogation_{failing.pk}": REASON}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "1 actions" not in html and "« Chaufferie bois » ne remplit pas" in html
    assert "Ressourcerie communautaire » ne remplit pas" not in html  # it has its reason
    assert REASON.replace("'", "&#x27;") in html  # shown again, not lost
    assert not AmendmentDerogation.objects.exists()
    other.refresh_from_db()
    failing.refresh_from_db()
    assert (other.maturity, failing.maturity) == ("en_maturation", "idee")


def test_several_failing_actions_are_all_named(contract, orientation, amendment, failing):
    ActionFactory(orientation=orientation, maturity="prete", title="Chaufferie bois", added_by=amendment)
    with pytest.raises(AmendmentError) as refused:
        approve_amendment(amendment, on=date(2024, 12, 1))
    text = str(refused.value)
    assert "2 actions ne remplissent pas les conditions de validation de l'art. 4-2" in text
    assert "« Ressourcerie communautaire » (il manque : un maître d'ouvrage" in text
    assert "« Chaufferie bois » (il manque :" in text


def test_a_derogation_with_its_reason_lets_the_approval_validate_the_action(
    client, manager, contract, amendment, failing
):
    client.force_login(manager)
    response = client.post(
        approve_url(amendment), {"approved_on": "2024-12-01", f"derogation_{failing.pk}": REASON}
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    failing.refresh_from_db()
    assert (amendment.status, failing.maturity) == ("approuve", "validee")
    derogation = AmendmentDerogation.objects.get()
    assert (derogation.amendment, derogation.action, derogation.reason) == (amendment, failing, REASON)
    assert derogation.missing.startswith("un maître d'ouvrage, un plan de financement")
    assert derogation.recorded_by == manager and derogation.history.count() == 1
    transition = failing.transitions.get()
    assert derogation.transition == transition
    assert "dérogation à l'art. 4-2" in transition.reason and REASON in transition.reason
    # Shown afterwards on the amendment page and on the action's fiche (its history).
    escaped = REASON.replace("'", "&#x27;")
    html = page_of(client, contract)
    assert 'data-testid="amendment-derogations"' in html and f"motif : {escaped}" in html
    assert "(manquait : un maître d&#x27;ouvrage" in html
    assert 'data-testid="amendment-conditions"' not in html  # approved: nothing left to check
    fiche = client.get(failing.get_absolute_url()).content.decode()
    assert "dérogation à l&#x27;art. 4-2" in fiche and escaped in fiche


def test_a_passing_action_is_validated_without_derogation(client, manager, contract, amendment, ready_action):
    ready_action.added_by = amendment
    ready_action.save()
    client.force_login(manager)
    response = client.post(approve_url(amendment), {"approved_on": "2024-12-01"})
    assert response.status_code == 302
    ready_action.refresh_from_db()
    assert ready_action.maturity == "validee"
    assert "dérogation" not in ready_action.transitions.get().reason
    assert not AmendmentDerogation.objects.exists()


def test_a_reason_for_an_action_that_meets_the_conditions_records_no_derogation(
    contract, amendment, ready_action
):
    ready_action.added_by = amendment
    ready_action.save()
    approve_amendment(amendment, on=date(2024, 12, 1), derogations={ready_action.pk: "Inutile."})
    assert not AmendmentDerogation.objects.exists()


def test_already_validated_actions_added_by_the_amendment_are_not_checked(contract, orientation, amendment):
    # An action already validated (by a committee) that the amendment brings in is not
    # validated again: Art. 4-2 was checked then.
    validated = ActionFactory(orientation=orientation, maturity="validee", added_by=amendment)
    approve_amendment(amendment, on=date(2024, 12, 1))
    validated.refresh_from_db()
    assert validated.maturity == "validee" and not validated.transitions.exists()


def test_the_model_refuses_an_amendment_validation_without_derogation(failing):
    # The safety net under the approval: the same rule at the model layer.
    with pytest.raises(TransitionError, match="Il manque : un maître d'ouvrage"):
        failing.integrate_by_amendment(by=None, reason="Avenant")
    failing.refresh_from_db()
    assert failing.maturity == "idee" and not failing.transitions.exists()


def test_an_approval_without_a_date_is_refused_with_the_page_shown_again(
    client, manager, contract, amendment, failing
):
    client.force_login(manager)
    response = client.post(approve_url(amendment), {f"derogation_{failing.pk}": REASON})
    assert response.status_code == 400
    assert "Indiquez la date d'approbation." in html.unescape(response.content.decode())  # the alert
    assert not AmendmentDerogation.objects.exists()
    amendment.refresh_from_db()
    assert amendment.status == "projet"


def test_the_amendment_page_and_the_export_on_the_reference_contract(client, tmp_path):
    load_reference_data()
    reference, _ = load_reference_contract()
    manager = UserFactory(username="chef-reference")
    Membership.objects.create(user=manager, contract=reference, role=Membership.Role.CHEF_PROJET)
    amendment = Amendment.objects.create(
        contract=reference,
        number=reference.version + 1,
        title="Projets mûris",
        copil_opinion_on=date(2024, 11, 20),
    )
    waiting = [a for a in reference.actions.order_by("pk") if a.awaits_validation()][:3]
    assert waiting, "the reference contract has actions to validate"
    amendment.choose_actions(waiting, [])
    client.force_login(manager)
    url = reverse("governance:governance_home", args=[reference.slug])
    html = client.get(url).content.decode()
    assert html.count('data-testid="readiness"') == len(waiting)
    failing = [a for a in waiting if a.missing_for_validation()]
    for action in failing:
        assert f'name="derogation_{action.pk}"' in html
    data = {"approved_on": "2024-12-01"} | {f"derogation_{a.pk}": f"Motif {a.pk}" for a in failing}
    assert client.post(approve_url(amendment), data).status_code == 302
    assert AmendmentDerogation.objects.filter(amendment=amendment).count() == len(failing)
    html = client.get(url).content.decode()
    assert all(f"motif : Motif {a.pk}" in html for a in failing)
    compare_url = reverse("governance:versions_compare", args=[reference.slug])
    assert client.get(compare_url + f"?de=0&a={amendment.number}").status_code == 200
    assert client.get(waiting[0].get_absolute_url()).status_code == 200
    call_command("export", reference.slug, out=str(tmp_path), stdout=io.StringIO())
    actions = (tmp_path / "actions.csv").read_text(encoding="utf-8")
    assert actions.count("\n") == reference.actions.count() + 1
