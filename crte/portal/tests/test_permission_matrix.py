"""Every route of the URL configuration × every role × GET and POST, on a contract that is
not published. Each route must have a rule here: a new route without one fails the test,
so no page reaches production without someone deciding who may use it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from crte.actions.models import ProgressReport
from crte.contracts.models import Amendment, Invitation, Membership
from crte.core.models import Job
from crte.core.tests.factories import UserFactory
from crte.governance.models import AgendaItem, EngineeringRequest
from crte.governance.tests.factories import CommitteeFactory, MeetingFactory
from crte.indicators.models import Indicator, Measurement
from crte.reports.evaluation import create_evaluation

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "reader", "owner_member", "funder_member", "manager"]
MEMBERS = {"reader", "owner_member", "funder_member", "manager"}
REFUSED = {403, 404, 405}

# Who may use each route on a private contract: "public" (anyone), "logged" (anyone
# logged in), "read" (the contract's members read, others get nothing), and for writes
# the set of personas allowed; "job": only the person who started the job (the manager).
MANAGER = {"manager"}
RULES: dict[str, tuple[str, set[str]]] = {
    "portal:home": ("public", set()),
    "core:login": ("public", set()),
    "core:logout": ("public", set()),
    "core:health": ("public", set()),
    "workspace:perimeter_actions": ("public", set()),
    "workspace:perimeter_actions_export": ("public", set()),
    "workspace:perimeter_actions_suggestions": ("public", set()),
    "workspace:my_space": ("logged", set()),
    "reports:rollup": ("perimeter", set()),
    "portal:perimeter_export": ("perimeter", set()),
    "core:job": ("job", set()),
    "workspace:invitation": ("public", set()),
    "oidc_authentication_init": ("public", set()),
    "oidc_authentication_callback": ("public", set()),
    "oidc_logout": ("public", set()),
    "workspace:members": ("read", MANAGER),
    "core:job_download": ("job", set()),
    "core:job_cancel": ("write", MANAGER),  # the person who started it: the manager here
    "portal:contract_export": ("read", set()),
    "contracts:contract_detail": ("read", set()),
    "workspace:contract_actions": ("read", set()),
    "workspace:contract_actions_export": ("read", set()),
    "workspace:contract_actions_suggestions": ("read", set()),
    "workspace:search": ("read", set()),
    "actions:action_detail": ("read", set()),
    "finance:maquette": ("read", set()),
    "finance:agreement_detail": ("read", set()),
    "governance:governance_home": ("read", set()),
    "governance:versions_compare": ("read", set()),
    "governance:meeting_detail": ("read", MANAGER),
    "reports:dashboard": ("read", set()),
    "reports:evaluation_detail": ("read", set()),
    "reports:evaluation_document": ("read", set()),
    "reports:meeting_minutes": ("read", set()),
    "reports:maquette_xlsx": ("read", set()),
    "reports:agreement_document": ("read", set()),
    "indicators:indicator_list": ("read", set()),
    "indicators:indicator_detail": ("read", MANAGER),
    "actions:action_progress": ("write", {"manager", "owner_member"}),
    "finance:funding_line_edit": ("write", {"manager", "funder_member"}),
    **{
        name: ("write", MANAGER)
        for name in [
            "importers:upload",
            "workspace:invitation_revoke",
            "workspace:member_remove",
            "importers:confirm",
            "importers:map_columns",
            "importers:choose_territory",
            "importers:values_upload",
            "actions:action_edit",
            "actions:action_copy",
            "actions:action_delete",
            "actions:action_create",
            "actions:action_move",
            "actions:progress_confirm",
            "actions:action_gap_reason",
            "actions:change_propose",
            "actions:assessment_create",
            "finance:funding_line_split",
            "finance:funding_line_delete",
            "finance:funding_line_add",
            "finance:agreement_step",
            "governance:validating_committee",
            "governance:meeting_create",
            "governance:amendment_create",
            "governance:adhesion_create",
            "governance:engineering_create",
            "governance:engineering_edit",
            "governance:agenda_build",
            "governance:agenda_add",
            "governance:agenda_delete",
            "governance:decision_add",
            "governance:amendment_approve",
            "governance:amendment_actions",
            "reports:evaluation_create",
            "indicators:indicator_create",
            "indicators:measurement_delete",
        ]
    },
}


def routes(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern


def test_every_route_has_a_rule():
    names = {name for name, _ in routes()}
    assert not names - set(RULES), f"Routes sans règle d'accès : {sorted(names - set(RULES))}"
    assert not set(RULES) - names, f"Règles sans route : {sorted(set(RULES) - names)}"


@pytest.fixture
def objects(contract, action, funding_line, manager, funder, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = Job.objects.create(kind="export-perimetre", label="Export", user=manager, state=Job.State.DONE)
    job.output.save("export.zip", ContentFile(b"PK"), save=True)
    committee = CommitteeFactory(contract=contract)
    meeting = MeetingFactory(committee=committee)
    indicator = Indicator.objects.create(
        contract=contract, code="i", name="Indicateur", unit="t", direction="baisse"
    )
    extra = UserFactory(username="membre-en-plus")
    return {
        "invitation": Invitation.objects.create(contract=contract, email="x@y.fr", role="lecteur").pk,
        "membership": Membership.objects.create(user=extra, contract=contract, role="lecteur").pk,
        "job": job.pk,
        "slug": contract.slug,
        "action": action.pk,
        "line": funding_line.pk,
        "meeting": meeting.pk,
        "item": AgendaItem.objects.create(meeting=meeting, title="Point").pk,
        "amendment": Amendment.objects.create(contract=contract, number=1, title="Avenant").pk,
        "indicator": indicator.pk,
        "measurement": Measurement.objects.create(
            indicator=indicator, date=dt.date(2023, 1, 1), value=Decimal(1), source="s"
        ).pk,
        "evaluation": create_evaluation(contract, 2023).pk,
        "request": EngineeringRequest.objects.create(
            contract=contract, partner=funder, phase="evaluation", subject="Appui"
        ).pk,
        "report": ProgressReport.objects.create(
            action=action, on=dt.date(2023, 1, 1), note="n", declared="en_cours", status="a_confirmer"
        ).pk,
    }


PK_OF = {  # which object a route's <pk> is
    "core:job": "job",
    "workspace:invitation_revoke": "invitation",
    "workspace:member_remove": "membership",
    "core:job_download": "job",
    "core:job_cancel": "job",
    "actions:progress_confirm": "report",
    "finance:funding_line_edit": "line",
    "finance:funding_line_split": "line",
    "finance:funding_line_delete": "line",
    "governance:engineering_edit": "request",
    "governance:meeting_detail": "meeting",
    "governance:agenda_build": "meeting",
    "governance:agenda_add": "meeting",
    "governance:decision_add": "meeting",
    "governance:agenda_delete": "item",
    "governance:amendment_approve": "amendment",
    "governance:amendment_actions": "amendment",
    "reports:evaluation_detail": "evaluation",
    "reports:evaluation_document": "evaluation",
    "reports:meeting_minutes": "meeting",
    "indicators:indicator_detail": "indicator",
    "indicators:measurement_delete": "measurement",
}
FMT = {
    "workspace:contract_actions_export": "csv",
    "workspace:perimeter_actions_export": "csv",
    "reports:evaluation_document": "docx",
    "reports:meeting_minutes": "docx",
    "reports:agreement_document": "docx",
}


def url_of(name: str, pattern: URLPattern, objects: dict) -> str:
    kwargs = {}
    for param in pattern.pattern.converters:
        kwargs[param] = {
            "slug": objects["slug"],
            "pk": objects[PK_OF.get(name, "action")],
            "year": 2024,
            "token": "jeton-inconnu",
            "fmt": FMT.get(name, "pdf"),
            "move": "start_maturation",
            "decision": "refuser",
            "step": "comite",
            "name": "moa",
            "source": "organismes",
        }[param]
    return reverse(name, kwargs=kwargs)


def refused(response, persona: str) -> bool:
    if response.status_code in REFUSED:
        return True
    return persona == "anonymous" and response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_gets_what_its_rule_says_on_every_route(client, request, objects, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    else:
        for fixture in ("manager", "reader", "owner_member", "funder_member"):
            request.getfixturevalue(fixture)
    wrong = []
    for name, pattern in routes():
        kind, writers = RULES[name]
        url = url_of(name, pattern, objects)
        get = client.get(url)
        if kind == "read" and persona not in MEMBERS and not refused(get, persona):
            wrong.append((name, "GET", get.status_code))
        if kind == "read" and persona in MEMBERS and get.status_code != 200:
            wrong.append((name, "GET", get.status_code))
        if kind == "logged" and (get.status_code == 200) == (persona == "anonymous"):
            wrong.append((name, "GET", get.status_code))
        if kind == "job" and (get.status_code == 200) != (persona == "manager"):
            wrong.append((name, "GET", get.status_code))
        if kind == "perimeter" and not refused(get, persona):
            wrong.append((name, "GET", get.status_code))  # no persona here has a perimeter
        if kind in ("write", "read") and writers:
            post = client.post(url, {})
            allowed = persona in writers
            if allowed == refused(post, persona) and not (allowed and post.status_code == 404):
                wrong.append((name, "POST", post.status_code))
        if kind == "write" and persona not in writers and not refused(get, persona):
            wrong.append((name, "GET", get.status_code))
    assert not wrong, f"{persona} : {wrong}"
