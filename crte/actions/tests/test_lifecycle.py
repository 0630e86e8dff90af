from decimal import Decimal

import pytest
from django.urls import reverse

from crte.actions.models import Action, TransitionError
from crte.actions.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_readiness_lists_what_art_4_2_asks(action):
    checks = {c.label: c.ok for c in action.readiness()}
    assert checks == {
        "Un maître d'ouvrage": True,
        "Une description": True,
        "Un plan de financement qui couvre le montant": False,
        "Au moins un indicateur": False,
        "Une année de démarrage": False,
    }


def test_a_recorded_reason_stands_for_a_complete_financing_plan(action):
    action.financing_gap_reason = "Plan de financement arrêté au comité des financeurs de juin."
    checks = {c.label: c for c in action.readiness()}
    assert checks["Un plan de financement qui couvre le montant"].ok


def test_an_action_cannot_be_declared_ready_while_something_is_missing(action, manager):
    action.maturity = Action.Maturity.EN_MATURATION
    action.save()
    with pytest.raises(TransitionError, match="un plan de financement qui couvre le montant"):
        action.mark_ready(by=manager)
    action.refresh_from_db()
    assert action.maturity == Action.Maturity.EN_MATURATION
    assert not action.transitions.exists()


def test_each_move_checks_the_current_state_and_writes_history(ready_action, manager):
    with pytest.raises(TransitionError, match="Impossible de passer de « Prête » à « Engagée »"):
        ready_action.commit(by=manager)
    ready_action.validate(by=manager, reason="Décision du comité technique")
    ready_action.commit(by=manager)
    ready_action.start(by=manager)
    ready_action.complete(by=manager, reason="Réception des travaux")
    history = list(ready_action.transitions.order_by("at", "id").values_list("from_state", "to_state"))
    assert history == [
        ("prete", "validee"),
        ("validee", "engagee"),
        ("engagee", "en_cours"),
        ("en_cours", "achevee"),
    ]
    assert ready_action.transitions.first().by == manager


def test_abandon_from_any_state_needs_a_reason(action, manager):
    with pytest.raises(TransitionError, match="pourquoi"):
        action.abandon(by=manager, reason=" ")
    action.abandon(by=manager, reason="Projet repris par la Région")
    assert Action.objects.get(pk=action.pk).maturity == Action.Maturity.ABANDONNEE


def test_manager_moves_an_action_from_its_page(client, manager, orientation):
    idea = ActionFactory(orientation=orientation, maturity=Action.Maturity.IDEE)
    client.force_login(manager)
    url = reverse("actions:action_move", args=[idea.pk, "start_maturation"])
    assert client.post(url, {"reason": "Étude de faisabilité lancée"}).status_code == 302
    assert Action.objects.get(pk=idea.pk).maturity == Action.Maturity.EN_MATURATION
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Étude de faisabilité lancée" in page


def test_validation_is_not_a_manual_move(client, manager, ready_action):
    client.force_login(manager)
    url = reverse("actions:action_move", args=[ready_action.pk, "validate"])
    assert client.post(url).status_code == 404
    assert Action.objects.get(pk=ready_action.pk).maturity == Action.Maturity.PRETE


def test_only_the_moves_allowed_now_are_offered(client, manager, orientation):
    done = ActionFactory(orientation=orientation, maturity=Action.Maturity.ACHEVEE)
    assert done.available_moves() == {}
    idea = ActionFactory(orientation=orientation, maturity=Action.Maturity.IDEE)
    assert list(idea.available_moves()) == ["start_maturation", "mark_ready", "abandon"]
    client.force_login(manager)
    page = client.get(done.get_absolute_url()).content.decode()
    assert "Abandonner" not in page and "Déclarer achevée" not in page


def test_an_irreversible_move_asks_for_confirmation(client, manager, action):
    client.force_login(manager)
    url = reverse("actions:action_move", args=[action.pk, "abandon"])
    asked = client.post(url, {"reason": "Projet repris par la Région"})
    assert asked.status_code == 200 and "Confirmer : abandonner" in asked.content.decode()
    assert Action.objects.get(pk=action.pk).maturity == Action.Maturity.VALIDEE
    client.post(url, {"reason": "Projet repris par la Région", "confirme": "oui"})
    assert Action.objects.get(pk=action.pk).maturity == Action.Maturity.ABANDONNEE


def test_an_achieved_action_cannot_be_abandoned(action, manager):
    action.maturity = Action.Maturity.ACHEVEE
    action.save()
    with pytest.raises(TransitionError):
        action.abandon(by=manager, reason="trop tard")


@pytest.mark.parametrize("persona", ["reader", "funder_member", "owner_member"])
def test_only_managers_move_actions(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("actions:action_move", args=[action.pk, "abandon"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Action.objects.get(pk=action.pk).maturity == action.maturity


def test_manager_proposes_a_change_kept_as_a_diff(client, manager, action):
    client.force_login(manager)
    url = reverse("actions:change_propose", args=[action.pk])
    data = {
        "title": action.title,
        "description": action.description,
        "amount": "120000",
        "calendar_text": "2024-2025",
        "start_year": "2024",
        "end_year": "2025",
        "reason": "Coût actualisé après l'étude.",
    }
    assert client.post(url, data).status_code == 302
    change = action.changes.get()
    assert change.changes["amount"] == ["100000.00", "120000"]
    assert change.changes["calendar_text"] == ["", "2024-2025"]
    assert Action.objects.get(pk=action.pk).amount == Decimal("100000")  # not applied yet


def test_a_proposal_without_change_is_refused(client, manager, action):
    client.force_login(manager)
    data = {
        "title": action.title,
        "description": action.description,
        "amount": "100000",
        "reason": "x",
    }
    response = client.post(reverse("actions:change_propose", args=[action.pk]), data)
    assert "Aucune modification" in response.content.decode()


def test_maturation_assessment_scores_four_criteria(client, manager, orientation):
    project = ActionFactory(orientation=orientation, maturity=Action.Maturity.EN_MATURATION)
    client.force_login(manager)
    data = {
        "compatibility": 5,
        "feasibility": 3,
        "exemplarity": 4,
        "collective": 2,
        "compatibility_comment": "Au cœur de l'orientation « Se déplacer »",
        "propose_to_copil": "on",
    }
    url = reverse("actions:assessment_create", args=[project.pk])
    assert client.post(url, data).status_code == 302
    assert project.assessments.get().total == 14
    bad = client.post(url, data | {"feasibility": 7})
    assert bad.status_code == 200 and "feasibility" in bad.context["form"].errors


@pytest.mark.parametrize("persona", ["reader", "funder_member", "owner_member"])
def test_only_managers_propose_changes_or_assess_projects(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    data = {"title": "Autre intitulé", "description": "x", "amount": "1", "reason": "x"}
    assert client.post(reverse("actions:change_propose", args=[action.pk]), data).status_code == 403
    assessment = {"compatibility": 1, "feasibility": 1, "exemplarity": 1, "collective": 1}
    assert client.post(reverse("actions:assessment_create", args=[action.pk]), assessment).status_code == 403
    assert not action.changes.exists() and not action.assessments.exists()
