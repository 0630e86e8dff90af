"""Every GET route of the URL configuration × every demo role, on real data (issue 21,
item 13).

The routes are read from Django's URL resolver, not listed by hand: a route is either
requested here or skipped in `SKIPPED` with its reason, and a new route that is neither
fails `test_every_route_is_requested_or_skipped`. Each route's arguments come from real
objects: the reference contract as `make run` imports it (with the demo accounts,
governance and indicator values), and contracts made by the generator (`crte generate`),
one published and one private. List pages are also asked with their filters, sorts,
search and a second page.

For every role of the demo (and a visitor), every URL must answer without a server error;
what the role may see answers 200 (an export with its content type and a file that opens),
what it may not see answers 403 or 404 (a visitor may be sent to the login page), and no
page the role may open shows the private contract."""

import csv
import datetime as dt
import io
import re
import traceback
import zipfile
from dataclasses import dataclass, field
from itertools import product

import docx
import openpyxl
import pytest
from django.core.cache import caches
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter
from django.utils import timezone
from django.utils.html import escape

from crte.actions.models import MANUAL_TRANSITIONS, ProgressReport
from crte.contracts.models import Amendment, Contract, Invitation, Membership
from crte.core.models import User
from crte.demo.generate import generate
from crte.demo.reference import (
    DEMO_SETUP,
    REFERENCE_SLUG,
    load_demo_governance,
    load_demo_indicators,
    load_reference_contract,
    load_reference_data,
    setup_demo,
)
from crte.finance.agreements import agreement_for, sign_agreement
from crte.finance.models import FundingLine
from crte.governance.models import EngineeringRequest, Meeting
from crte.indicators.models import Indicator
from crte.reports.evaluation import create_evaluation
from crte.reports.pdf import pdf_available
from crte.workspace.listing import PAGE_SIZE, SORTS
from crte.workspace.lookups import LOOKUPS
from crte.workspace.search import SOURCES

pytestmark = pytest.mark.django_db

VISITOR = "visiteur"  # not logged in
ROLES = [account["username"] for account in DEMO_SETUP["accounts"]] + ["admin.national", VISITOR]
SEED = 2113  # the generated contracts (deterministic)

POST_ONLY = "POST only: a GET answers 405 (test_post_only_routes_refuse_get)"
SKIPPED = {
    "admin": "Django's admin site (its own tests; test_every_page opens /admin/)",
    "oidc_authentication_init": "ProConnect (OIDC): 404 unless configured; test_browser_proconnect",
    "oidc_authentication_callback": "ProConnect (OIDC): needs the provider's state; test_browser_proconnect",
    "oidc_logout": "ProConnect (OIDC): 404 unless configured; test_browser_proconnect",
    "core:job": "a background job's uuid, seen only by who started it: test_job_pages",
    "core:job_download": "a background job's uuid and file, only for who started it: test_job_pages",
    **{
        name: POST_ONLY
        for name in [
            "core:logout",
            "core:job_cancel",
            "portal:perimeter_export",
            "workspace:invitation_revoke",
            "workspace:member_remove",
            "importers:confirm",  # also needs an upload's token from the session
            "importers:map_columns",  # also needs an upload's token from the session
            "importers:choose_territory",  # also needs an upload's token from the session
            "actions:progress_confirm",
            "actions:action_gap_reason",
            "finance:agreement_step",
            "governance:validating_committee",
            "governance:agenda_build",
            "governance:agenda_add",
            "governance:agenda_delete",
            "governance:decision_add",
            "governance:amendment_create",
            "governance:amendment_approve",
            "governance:amendment_actions",
            "governance:adhesion_create",
            "reports:evaluation_create",
            "indicators:measurement_delete",
        ]
    },
}

# Who may open each route: "public" (anyone), "logged" (anyone logged in), "perimeter" (a
# département, région or national access), "read" (who may read the contract: anybody when
# it is published, else its members and the national level), "team" (the contract's
# members and managers), "manage" (its chef de projet, référent État, administrators),
# "progress" (managers and members of one of the action's maîtres d'ouvrage), "line"
# (managers and members of the line's financer).
RULES = {
    "portal:home": "public",
    "core:login": "public",
    "core:health": "public",
    "workspace:invitation": "public",
    "workspace:perimeter_actions": "public",
    "workspace:perimeter_actions_export": "public",
    "workspace:perimeter_actions_suggestions": "public",
    "workspace:my_space": "logged",
    "reports:rollup": "perimeter",
    "contracts:contract_detail": "read",
    "portal:contract_export": "read",
    "workspace:contract_actions": "read",
    "workspace:contract_actions_export": "read",
    "workspace:contract_actions_suggestions": "read",
    "actions:action_detail": "read",
    "finance:maquette": "read",
    "finance:agreement_detail": "read",
    "governance:governance_home": "read",
    "governance:versions_compare": "read",
    "governance:meeting_detail": "read",
    "reports:dashboard": "read",
    "reports:evaluation_detail": "read",
    "reports:evaluation_document": "read",
    "reports:meeting_minutes": "read",
    "reports:maquette_xlsx": "read",
    "reports:agreement_document": "read",
    "indicators:indicator_list": "read",
    "indicators:indicator_detail": "read",
    "workspace:search": "team",
    "workspace:members": "team",
    "actions:action_progress": "progress",
    "finance:funding_line_edit": "line",
    **{
        name: "manage"
        for name in [
            "importers:upload",
            "importers:values_upload",
            "actions:action_create",
            "actions:action_edit",
            "actions:action_copy",
            "actions:action_delete",
            "actions:action_move",
            "actions:change_propose",
            "actions:assessment_create",
            "finance:funding_line_add",
            "finance:funding_line_split",
            "finance:funding_line_delete",
            "governance:meeting_create",
            "governance:engineering_create",
            "governance:engineering_edit",
            "indicators:indicator_create",
        ]
    },
}
PK_OF = {  # which object a route's <pk> is ("action" unless said)
    "finance:funding_line_edit": "lines",
    "finance:funding_line_split": "lines",
    "finance:funding_line_delete": "lines",
    "governance:engineering_edit": "engineering",
    "governance:meeting_detail": "meetings",
    "reports:meeting_minutes": "meetings",
    "reports:evaluation_detail": "evaluations",
    "reports:evaluation_document": "evaluations",
    "indicators:indicator_detail": "indicators",
}
FORMATS = {  # a route's <fmt> values; the last one is unknown (404)
    "workspace:contract_actions_export": ["csv", "xlsx", "json"],
    "workspace:perimeter_actions_export": ["csv", "xlsx", "json"],
    "reports:meeting_minutes": ["docx", "pdf", "odt"],
    "reports:agreement_document": ["docx", "pdf", "odt"],
    "reports:evaluation_document": ["docx", "pdf", "odt"],
}
FIXED_FORMAT = {"reports:maquette_xlsx": "xlsx", "portal:contract_export": "zip", "core:health": "json"}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "json": "application/json",
    "html": "text/html",
}
MISSING_PK = 999_999_999


def route_names(patterns=None, namespace=""):
    """(name, pattern) of every route, named or not (an unnamed route is named by its
    path, so that it cannot be left out); the admin site as one name."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin", pattern
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            yield (f"{namespace}:{name}" if namespace and pattern.name else name), pattern


# -- The data: loaded once per module (and per xdist worker), rolled back at the end. -----


@dataclass
class Case:
    """One URL to request, and what decides who may open it."""

    name: str
    url: str
    rule: str  # a RULES value, or "missing": 404 for everyone
    contract: int | None = None
    published: bool = True
    fmt: str = "html"
    ok_status: int = 200
    owners: frozenset = frozenset()  # "progress": the action's maîtres d'ouvrage
    funder: int | None = None  # "line": the line's financer
    headers: dict = field(default_factory=dict)


@dataclass
class Who:
    username: str
    user: User | None
    national: bool = False
    superuser: bool = False
    roles: dict = field(default_factory=dict)  # contract id -> roles
    organisations: dict = field(default_factory=dict)  # (contract id, role) -> organisation ids


@dataclass
class World:
    cases: list[Case]
    people: dict[str, Who]
    private: Contract
    reference: Contract


def diverse(rows, features, limit: int) -> list:
    """At most `limit` rows that, together, show the values each feature takes in the rows
    (the shapes real data takes: with or without an enjeu, an amount, lines, owners...),
    the first features first, then the last row."""
    chosen = []
    for feature in features.values():
        for row in rows:
            if len(chosen) < limit and feature(row) not in {feature(c) for c in chosen}:
                chosen.append(row)
    return chosen + [row for row in rows[-1:] if row not in chosen and len(chosen) < limit]


def contract_objects(contract: Contract, member_orgs: dict[str, set[int]]) -> dict[str, list]:
    actions = list(
        contract.actions.order_by("pk").prefetch_related("owners", "communes", "funding_lines", "decisions")
    )
    owners = member_orgs[Membership.Role.MAITRE_OUVRAGE]
    financers = member_orgs[Membership.Role.FINANCEUR]
    action_features = {  # what decides who may act first
        "owned by a member": lambda a: bool({o.pk for o in a.owners.all()} & owners),
        "enjeu": lambda a: a.priority_id is None,
        "amount": lambda a: a.amount is None,
        "lines": lambda a: min(len(a.funding_lines.all()), 2),
        "owners": lambda a: min(len(a.owners.all()), 2),
        "communes": lambda a: bool(a.communes.all()),
        "decisions": lambda a: bool(a.decisions.all()),
        "years": lambda a: (a.start_year is None, a.end_year is None),
        "added": lambda a: a.added_by_id is not None,
        "maturity": lambda a: a.maturity,
    }
    lines = list(FundingLine.objects.filter(action__contract=contract).order_by("pk"))
    line_features = {
        "funder": lambda ln: (ln.funder_id is None, ln.funder_id in financers),
        "scheme": lambda ln: ln.scheme_id is None,
        "amount": lambda ln: (ln.amount is None, ln.share is None),
        "years": lambda ln: (ln.start_year is None, ln.end_year is None, ln.is_annual, ln.is_own_funding),
        "status": lambda ln: ln.status,
        "credit": lambda ln: ln.credit_type,
    }
    meetings = list(Meeting.objects.filter(committee__contract=contract).order_by("pk"))
    indicators = list(
        Indicator.objects.filter(contract=contract).order_by("pk").prefetch_related("measurements", "targets")
    )
    indicator_features = {
        "level": lambda i: i.level,
        "baseline": lambda i: (i.baseline_value is None, i.baseline_is_demo),
        "values": lambda i: min(len(i.measurements.all()), 2),
        "targets": lambda i: bool(i.targets.all()),
        "attached": lambda i: (i.orientation_id is None, i.action_id is None, i.catalogue_entry_id is None),
    }
    # The reference contract in many shapes; the generated ones, alike, in fewer (time).
    few = contract.slug != REFERENCE_SLUG
    return {
        "action": diverse(actions, action_features, 6 if few else 12),
        "lines": diverse(lines, line_features, 5 if few else 8),
        "meetings": meetings[:1] + meetings[-1:] if few else meetings,
        "indicators": diverse(indicators, indicator_features, 2 if few else 8),
        "evaluations": list(contract.evaluations.order_by("pk")),
        "engineering": list(EngineeringRequest.objects.filter(contract=contract).order_by("pk")),
    }


def contract_queries(name: str, contract: Contract, objects: dict) -> list[tuple[str, dict]]:
    """The query strings (and htmx headers) a list or filter page is also asked with: every
    filter and sort on the reference contract, a few on the generated ones (time)."""
    action = objects["action"][0]
    word = next((w for w in re.split(r"\W+", action.title) if len(w) >= 4), action.title[:4])
    line = next((ln for ln in objects["lines"] if ln.funder_id), None)
    scheme = next((ln.scheme_id for ln in objects["lines"] if ln.scheme_id), None)
    owner = next((o.pk for a in objects["action"] for o in a.owners.all()), None)
    commune = next((c.insee_code for a in objects["action"] for c in a.communes.all()), None)
    orientation = contract.orientations.order_by("order").first()
    enjeu = next((a.priority_id for a in objects["action"] if a.priority_id), None)
    year = contract.start_year or 2022
    htmx = {"HX-Request": "true"}
    if name == "workspace:contract_actions":
        queries = [
            f"q={word}",
            "q=zzqxw",
            f"orientation={orientation.pk}" if orientation else "",
            f"enjeu={enjeu}" if enjeu else "",
            "maturite=en_cours&maturite=validee",
            f"annee={year}",
            "retard=on&relance=on",
            *[f"tri={sort}" for sort in SORTS],
            "vue=tableau",
            "vue=tableau&maturite=idee",
            "page=2",
            "page=abc",
            f"moa={owner}" if owner else "",
            f"financeur={line.funder_id}" if line else "",
            f"dispositif={scheme}" if scheme else "",
            f"commune={commune}" if commune else "",
            "moa_q=comm&financeur_q=reg&commune_q=b&dispositif_q=fonds",
        ]
        if contract.slug != REFERENCE_SLUG:
            queries = [f"q={word}", "vue=tableau&maturite=idee", "page=2", queries[-1]]
        return [(q, {}) for q in queries if q] + [(f"q={word}&page=1", htmx)]
    if name == "workspace:contract_actions_export":
        return [(f"q={word}&tri=-montant", {}), ("maturite=en_cours&vue=tableau", {})]
    if name == "finance:maquette":
        return [
            (f"funder=État&year={year}&status=prevu", {}),
            (f"orientation={orientation.name if orientation else ''}&credit_type=contractualise", {}),
            ("year=abc", {}),
        ]
    if name == "reports:dashboard":
        queries = [f"date={year}-06-30", "date=1800-01-01", "date=abc"]
        if orientation:
            queries.append(f"orientation={orientation.pk}")
        return [(q, {}) for q in queries]
    if name == "governance:versions_compare":
        return [("de=0&a=0", {}), ("de=1&a=1", {}), ("de=x&a=2", {})]
    return []


def contract_cases(
    contract: Contract, invitation: Invitation | None, member_orgs: dict[str, set[int]]
) -> list[Case]:
    objects = contract_objects(contract, member_orgs)
    start, end = contract.start_year or 2022, contract.end_year or 2026
    values = {
        "slug": lambda name: [contract.slug],
        "pk": lambda name: [o.pk for o in objects[PK_OF.get(name, "action")]],
        "year": lambda name: (
            [start, end, start - 1] if name == "finance:agreement_detail" else [start, start - 1]
        ),
        "fmt": lambda name: FORMATS[name],
        "move": lambda name: [*MANUAL_TRANSITIONS, "inconnu"],
        "name": lambda name: [*LOOKUPS, "inconnu"],
        "source": lambda name: [*SOURCES, "inconnue"],
        "token": lambda name: [invitation.token] if invitation else [],
    }
    by_pk = {(kind, o.pk): o for kind in ("action", "lines") for o in objects[kind] if o is not None}
    cases = []
    for name, pattern in route_names():
        converters = pattern.pattern.converters if isinstance(pattern, URLPattern) else {}
        if name not in RULES or "slug" not in converters and "pk" not in converters:
            continue
        params = list(converters)
        choices = {p: values[p](name) for p in params}
        if "move" in params:  # every move, on one action
            choices["pk"] = choices["pk"][:1]
        combos = list(product(*(choices[p] for p in params)))
        if "pk" in choices:  # and an object that does not exist
            combos.append(tuple(MISSING_PK if p == "pk" else choices[p][0] for p in params))
        for position, combo in enumerate(combos):
            kwargs = dict(zip(params, combo, strict=True))
            url = reverse(name, kwargs=kwargs)
            fmt = kwargs.get("fmt", FIXED_FORMAT.get(name, "html"))
            missing = (
                kwargs.get("pk") == MISSING_PK
                or fmt == FORMATS.get(name, [None])[-1]
                or kwargs.get("year") == start - 1
                or kwargs.get("move") == "inconnu"
                or kwargs.get("name") == "inconnu"
                or kwargs.get("source") == "inconnue"
            )
            case = Case(
                name,
                url,
                "missing" if missing else RULES[name],
                contract=contract.pk,
                published=contract.is_published,
                fmt=fmt,
            )
            obj = by_pk.get((PK_OF.get(name, "action"), kwargs.get("pk")))
            if case.rule == "progress":
                case.owners = frozenset(o.pk for o in obj.owners.all())
            if case.rule == "line":
                case.funder = obj.funder_id
            if name == "actions:action_delete" and obj is not None and not obj.is_draft():
                case.ok_status = 302  # back to the fiche: only a draft is deleted
            if name == "workspace:search":
                url += "?champ=champ&champ_recherche=" + ("b" if position % 2 else "")
                case.url = url
            if name.endswith("_suggestions") and not missing:
                case.url = f"{url}?{kwargs['name']}_q=a"
            cases.append(case)
            if position == 0:
                for query, headers in contract_queries(name, contract, objects):
                    cases.append(
                        Case(
                            name,
                            f"{url}?{query}",
                            case.rule,
                            contract=contract.pk,
                            published=contract.is_published,
                            fmt=fmt,
                            headers=headers,
                        )
                    )
    return cases


def global_cases(reference: Contract, invitation: Invitation) -> list[Case]:
    departement = reference.territory.departement_code if reference.territory else "62"
    cases = [
        Case("portal:home", reverse("portal:home"), "public"),
        Case("core:login", reverse("core:login"), "public"),
        Case("core:login", reverse("core:login") + "?next=/mon-espace/&proconnect=refus", "public"),
        Case("core:health", reverse("core:health"), "public", fmt="json"),
        Case("workspace:invitation", reverse("workspace:invitation", args=[invitation.token]), "public"),
        Case("workspace:invitation", reverse("workspace:invitation", args=["jeton-inconnu"]), "missing"),
        Case("workspace:my_space", reverse("workspace:my_space"), "logged"),
        Case("reports:rollup", reverse("reports:rollup"), "perimeter"),
        Case("reports:rollup", reverse("reports:rollup") + f"?departement={departement}", "perimeter"),
        Case(
            "reports:rollup",
            reverse("reports:rollup") + "?page=2&financeurs=2&departements=2&relance=abc",
            "perimeter",
        ),
    ]
    actions = reverse("workspace:perimeter_actions")
    for query in [
        "",
        "q=gare",
        f"contrat={reference.slug}",
        "contrat_q=crte&moa_q=comm",
        "tri=-montant&vue=tableau",
        "maturite=en_cours&annee=2023&retard=on",
        "page=2",
    ]:
        cases.append(Case("workspace:perimeter_actions", f"{actions}?{query}", "public"))
    cases.append(
        Case("workspace:perimeter_actions", f"{actions}?q=gare", "public", headers={"HX-Request": "true"})
    )
    for fmt in FORMATS["workspace:perimeter_actions_export"]:
        url = reverse("workspace:perimeter_actions_export", args=[fmt])
        rule = "missing" if fmt == FORMATS["workspace:perimeter_actions_export"][-1] else "public"
        cases.append(Case("workspace:perimeter_actions_export", url, rule, fmt=fmt))
    cases.append(
        Case(
            "workspace:perimeter_actions_export",
            reverse("workspace:perimeter_actions_export", args=["csv"]) + f"?contrat={reference.slug}",
            "public",
            fmt="csv",
        )
    )
    for name in [*LOOKUPS, "inconnu"]:
        url = reverse("workspace:perimeter_actions_suggestions", args=[name]) + f"?{name}_q=b"
        rule = "public" if name in LOOKUPS else "missing"
        cases.append(Case("workspace:perimeter_actions_suggestions", url, rule))
    return cases


def person(username: str) -> Who:
    if username == VISITOR:
        return Who(username, None)
    user = User.objects.get(username=username)
    who = Who(username, user, national=user.is_national_admin, superuser=user.is_superuser)
    for membership in Membership.objects.filter(user=user):
        who.roles.setdefault(membership.contract_id, set()).add(membership.role)
        if membership.organisation_id:
            key = (membership.contract_id, membership.role)
            who.organisations.setdefault(key, set()).add(membership.organisation_id)
    return who


def build_world() -> World:
    load_reference_data()
    reference, _ = load_reference_contract()
    setup_demo(reference)
    load_demo_governance(reference)
    load_demo_indicators(reference, 2025)
    generate(2, SEED)
    published, private = Contract.objects.filter(slug__startswith=f"crte-gen-{SEED}-").order_by("slug")
    published.is_published = True
    published.save(update_fields=["is_published"])
    assert not private.is_published
    for contract in (reference, published, private):
        create_evaluation(contract, contract.start_year or 2022)
    # What the team does next on the reference contract, through the model layer: the
    # evaluation of the year under way, the first year's convention signed after the
    # financers' committee, a maîtrise d'ouvrage's declared progress awaiting confirmation.
    today = timezone.localdate()
    if (reference.start_year or today.year) <= today.year:
        create_evaluation(reference, min(today.year, reference.end_year or today.year))
    agreement = agreement_for(reference, reference.start_year)
    agreement.financers_committee_on = dt.date(reference.start_year, 3, 1)
    agreement.save(update_fields=["financers_committee_on"])
    sign_agreement(agreement, on=dt.date(reference.start_year, 3, 15))
    owner = Membership.objects.get(user__username="moa.cabbalr", contract=reference)
    owned = reference.actions.filter(owners=owner.organisation_id).order_by("pk").first()
    ProgressReport.objects.create(
        action=owned,
        on=today,
        percent=40,
        note="Travaux commencés (essai)",
        declared=ProgressReport.Declared.EN_COURS,
        status=ProgressReport.Status.A_CONFIRMER,
        by=owner.user,
    )
    # An amendment in project adding a draft action: the governance page shows its conditions.
    draft = reference.actions.filter(maturity__in=["idee", "en_maturation"]).order_by("pk").first()
    amendment = Amendment.objects.create(contract=reference, number=1, title="Avenant n° 1 (essai)")
    if draft:
        amendment.choose_actions([draft], [])
    invitation = Invitation.objects.create(
        contract=reference, email="invitee@example.org", role=Membership.Role.LECTEUR
    )
    member_orgs = {Membership.Role.MAITRE_OUVRAGE: set(), Membership.Role.FINANCEUR: set()}
    for role, organisation in reference.memberships.filter(role__in=member_orgs).values_list(
        "role", "organisation_id"
    ):
        member_orgs[role].add(organisation)
    cases = global_cases(reference, invitation)
    for contract in (reference, published, private):
        cases += contract_cases(contract, invitation if contract == reference else None, member_orgs)
    people = {username: person(username) for username in ROLES}
    return World(cases, people, private, reference)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo's data, loaded once for the module inside a transaction that is rolled back
    after it (each test runs in a savepoint of it), so no other module sees it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            caches["default"].clear()


# -- What a role must get. ---------------------------------------------------------------


def may_open(case: Case, who: Who) -> bool:
    rule = case.rule
    if rule == "missing":
        return False
    if rule == "public":
        return True
    if who.user is None:
        return rule == "read" and case.published
    if rule == "logged":
        return True
    if rule == "perimeter":
        return who.national
    roles = who.roles.get(case.contract, set())
    if rule == "read":
        return case.published or who.national or bool(roles)
    manager = who.superuser or bool(roles & set(Membership.MANAGER_ROLES))
    if rule == "team":
        return manager or bool(roles)
    if rule == "manage":
        return manager
    if rule == "progress":
        owners = who.organisations.get((case.contract, Membership.Role.MAITRE_OUVRAGE), set())
        return manager or bool(owners & case.owners)
    if rule == "line":
        funders = who.organisations.get((case.contract, Membership.Role.FINANCEUR), set())
        return manager or case.funder in funders
    raise AssertionError(f"Règle inconnue : {rule}")


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def file_problem(fmt: str, body: bytes) -> str | None:
    """Why the body is not a real file of its format (None when it is)."""
    if not body:
        return "fichier vide"
    try:
        if fmt == "xlsx":
            workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
            if not workbook.sheetnames:
                return "classeur sans feuille"
        elif fmt == "docx":
            document = docx.Document(io.BytesIO(body))
            if not document.paragraphs and not document.tables:
                return "document vide"
        elif fmt == "pdf":
            if not body.startswith(b"%PDF"):
                return "ne commence pas par %PDF"
        elif fmt == "zip":
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                if not archive.namelist() or archive.testzip() is not None:
                    return "archive vide ou abîmée"
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            if not rows or not rows[0]:
                return "CSV sans en-tête"
    except Exception as error:  # the file does not open: that is the finding
        return f"ne s'ouvre pas : {error!r}"
    return None


def readable_text(fmt: str, body: bytes) -> str:
    """The text a person reads in a response (PDF aside: its text is compressed)."""
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell
        )
    if fmt == "docx":
        document = docx.Document(io.BytesIO(body))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if fmt == "pdf":
        return ""
    return body.decode("utf-8", "replace")


def judge(case: Case, who: Who, response, private: Contract) -> str | None:
    """What is wrong with the response (None when it is right)."""
    status = response.status_code
    if status >= 500 and not (status == 503 and case.fmt == "pdf" and not pdf_available()):
        return f"erreur serveur {status}"
    if not may_open(case, who):
        to_login = status == 302 and "/connexion/" in response.get("Location", "")
        if status in (403, 404) or (who.user is None and to_login):
            return None
        return f"{status} au lieu d'un refus (403/404{', connexion' if who.user is None else ''})"
    if status == 503 and case.fmt == "pdf":
        return None  # no Pango on this machine: the clear page, checked above
    if status != case.ok_status:
        return f"{status} au lieu de {case.ok_status}"
    if status != 200:
        return None
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(CONTENT_TYPES[case.fmt]):
        return f"type {content_type!r} au lieu de {CONTENT_TYPES[case.fmt]!r}"
    body = body_of(response)
    problem = file_problem(case.fmt, body) if case.fmt != "html" else (None if body else "page vide")
    if problem:
        return problem
    if not who.national and private.pk not in who.roles:
        text = readable_text(case.fmt, body)
        for secret in {private.slug, private.name, escape(private.name)}:
            if secret in text:
                return f"montre le contrat privé ({secret!r})"
    return None


# -- The tests. -----------------------------------------------------------------------------


def test_every_route_is_requested_or_skipped(world):
    names = {name for name, _ in route_names()}
    requested = {case.name for case in world.cases if case.rule != "missing"}
    assert not names - requested - set(SKIPPED), (
        "Routes ni demandées ni écartées (ajoutez-les à RULES et à leurs objets, ou à SKIPPED "
        f"avec la raison) : {sorted(names - requested - set(SKIPPED))}"
    )
    assert not requested & set(SKIPPED), (
        f"Routes écartées mais demandées : {sorted(requested & set(SKIPPED))}"
    )
    assert not set(SKIPPED) - names, f"Routes écartées qui n'existent plus : {sorted(set(SKIPPED) - names)}"
    assert not set(RULES) - names, f"Règles sans route : {sorted(set(RULES) - names)}"


def test_post_only_routes_refuse_get(client, world):
    client.force_login(world.people["chef.projet"].user)
    placeholders = {"slug": world.reference.slug, "token": "jeton", "decision": "confirmer", "step": "comite"}
    wrong = []
    for name, pattern in route_names():
        if SKIPPED.get(name) != POST_ONLY:
            continue
        kwargs = {
            p: "00000000-0000-4000-8000-000000000000"
            if isinstance(c, UUIDConverter)
            else placeholders.get(p, 1)
            for p, c in pattern.pattern.converters.items()
        }
        url = reverse(name, kwargs=kwargs)
        if (status := client.get(url).status_code) != 405:
            wrong.append(f"{url} ({name}) : {status}")
    assert not wrong, "Routes marquées POST seulement qui répondent à GET :\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role(client, world, role):
    who = world.people[role]
    if who.user is not None:
        client.force_login(who.user)
    failures = []
    for case in world.cases:
        try:
            response = client.get(case.url, headers=case.headers)
        except Exception:
            failures.append(f"{case.url} ({case.name}) : exception\n{traceback.format_exc()}")
            continue
        problem = judge(case, who, response, world.private)
        if problem:
            failures.append(f"{case.url} ({case.name}, règle {case.rule}) : {problem}")
    assert not failures, f"{role} — {len(failures)} URL en échec sur {len(world.cases)} :\n" + "\n".join(
        failures
    )


def test_the_matrix_is_real(world):
    """The data the matrix runs on is the demo's, in every shape it needs."""
    by_rule = {}
    for case in world.cases:
        by_rule.setdefault(case.rule, set()).add(case.name)
    assert {"public", "logged", "perimeter", "read", "team", "manage", "progress", "line", "missing"} <= set(
        by_rule
    )
    assert world.reference.actions.filter(priority__isnull=False).exists()  # actions with an enjeu
    assert len(world.cases) > 300
    assert world.reference.actions.count() > PAGE_SIZE  # page=2 of the reference shows actions
    moa = world.people["moa.cabbalr"]
    financer = world.people["financeur.region"]
    progress = [c for c in world.cases if c.rule == "progress" and c.contract == world.reference.pk]
    lines = [c for c in world.cases if c.rule == "line" and c.contract == world.reference.pk]
    # Both answers are asked: an action of the maître d'ouvrage's and another, a line of the
    # financer's and another.
    assert {may_open(c, moa) for c in progress} == {True, False}
    assert {may_open(c, financer) for c in lines} == {True, False}


def test_the_judge_catches_what_it_should():
    """The checks themselves: a server error, a page opened by whom may not, a broken file,
    the private contract shown are each reported; a refusal and a real file are not."""
    from django.http import HttpResponse

    private = Contract(pk=-1, slug="crte-prive", name="CRTE privé")
    reader = Who("lecteur", User(username="lecteur"), roles={1: {Membership.Role.LECTEUR}})
    visitor = Who(VISITOR, None)
    page = Case("contracts:contract_detail", "/contrats/x/", "read", contract=1, published=False)
    manage = Case("actions:action_edit", "/actions/1/modifier/", "manage", contract=1)
    export = Case("reports:maquette_xlsx", "/contrats/x/maquette.xlsx", "read", contract=1, fmt="xlsx")
    html = "text/html; charset=utf-8"
    xlsx = CONTENT_TYPES["xlsx"]
    workbook = io.BytesIO()
    openpyxl.Workbook().save(workbook)
    assert judge(page, reader, HttpResponse("<p>ok</p>", content_type=html), private) is None
    assert judge(page, reader, HttpResponse(status=500), private)
    assert judge(page, reader, HttpResponse("<p>crte-prive</p>", content_type=html), private)
    assert judge(page, visitor, HttpResponse("<p>ok</p>", content_type=html), private)
    assert judge(page, visitor, HttpResponse(status=404), private) is None
    assert judge(manage, reader, HttpResponse("<form>", content_type=html), private)
    assert judge(manage, reader, HttpResponse(status=403), private) is None
    assert judge(export, reader, HttpResponse(workbook.getvalue(), content_type=xlsx), private) is None
    assert judge(export, reader, HttpResponse(b"PK-not-a-workbook", content_type=xlsx), private)
    assert judge(export, reader, HttpResponse(workbook.getvalue(), content_type=html), private)
    assert judge(export, reader, HttpResponse(b"", content_type=xlsx), private)
