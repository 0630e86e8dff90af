from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crte.actions.models import Action
from crte.contracts.models import Amendment, Contract
from crte.contracts.perms import access_for, can_manage_contract
from crte.core.perms import get_for_user
from crte.governance.agenda import build_agenda
from crte.governance.decisions import DecisionError, record_decision
from crte.governance.forms import (
    AdhesionForm,
    AgendaItemForm,
    AmendmentActionsForm,
    AmendmentForm,
    ApproveAmendmentForm,
    DecisionForm,
    DecisionTargetForm,
    EngineeringRequestForm,
    MeetingForm,
    MeetingUpdateForm,
    ValidatingCommitteeForm,
)
from crte.governance.frequency import committee_frequency
from crte.governance.models import AgendaItem, AmendmentDerogation, Committee, EngineeringRequest, Meeting
from crte.governance.versions import (
    READINESS_PREFETCH,
    ActionConditions,
    AmendmentError,
    approve_amendment,
    compare,
    conditions,
    ensure_initial_version,
)

MEETINGS = Meeting.objects.select_related("committee__contract__territory")


def can_manage_meeting(user, meeting: Meeting) -> bool:
    return can_manage_contract(user, meeting.contract)


def governance_home(request, slug):
    contract = get_for_user(Contract.objects.select_related("territory"), request.user, slug=slug)
    return render_governance(request, contract)


@dataclass
class AmendmentRow:
    """An amendment as the governance page shows it: for the team, the Art. 4-2 conditions
    of the actions it would validate; for managers, its forms while in project."""

    amendment: Amendment
    conditions: list[ActionConditions]
    actions_form: AmendmentActionsForm | None = None
    approve_form: ApproveAmendmentForm | None = None


AMENDMENTS_SHOWN = (
    Prefetch("added_actions", queryset=Action.objects.prefetch_related(*READINESS_PREFETCH)),
    "removed_actions",
    Prefetch("derogations", queryset=AmendmentDerogation.objects.select_related("action")),
)


def amendment_rows(contract: Contract, access, approving: ApproveAmendmentForm | None) -> list[AmendmentRow]:
    rows = []
    for amendment in contract.amendments.prefetch_related(*AMENDMENTS_SHOWN):
        in_project = amendment.status == Amendment.Status.PROJET
        row = AmendmentRow(amendment, conditions(amendment) if in_project and access.is_team else [])
        if in_project and access.can_manage:
            row.actions_form = AmendmentActionsForm(amendment=amendment)
            failing = [item for item in row.conditions if not item.ok]
            row.approve_form = ApproveAmendmentForm(amendment=amendment, failing=failing)
            if approving is not None and approving.amendment.pk == amendment.pk:
                row.approve_form = approving
        rows.append(row)
    return rows


def render_governance(request, contract: Contract, *, approving=None, status: int = 200):
    """The governance page; `approving`: a refused approval form, shown again as posted."""
    meetings = MEETINGS.filter(committee__contract=contract).prefetch_related("decisions")
    frequency = committee_frequency(contract, timezone.localdate())
    access = access_for(request.user, contract)
    context = {
        "contract": contract,
        "access": access,
        "meetings": meetings,
        "frequency": frequency,
        "frequency_warnings": [w for year in frequency for w in year.warnings],
        "amendments": amendment_rows(contract, access, approving),
        "versions": contract.versions.all(),
        "adhesions": contract.adhesions.select_related("organisation"),
        "requests": contract.engineering_requests.select_related("partner", "action"),
        "amendment_form": AmendmentForm(),
        "adhesion_form": AdhesionForm(contract=contract),
        "request_form": EngineeringRequestForm(contract=contract),
        "committee_form": ValidatingCommitteeForm(instance=contract),
    }
    return render(request, "governance/governance_home.html", context, status=status)


@login_required
@require_POST
def validating_committee(request, slug):
    contract = managed_contract(request, slug)
    form = ValidatingCommitteeForm(request.POST, instance=contract)
    if form.is_valid():
        form.save()
        messages.success(
            request,
            "Les actions sont désormais validées par le "
            f"{contract.get_validating_committee_display().lower()}.",
        )
    return redirect("governance:governance_home", slug=slug)


def managed_contract(request, slug) -> Contract:
    return get_for_user(Contract.objects.all(), request.user, slug=slug, check=can_manage_contract)


@login_required
def meeting_create(request, slug):
    contract = managed_contract(request, slug)
    form = MeetingForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        committee, _ = Committee.objects.get_or_create(
            contract=contract, kind=form.cleaned_data["committee_kind"]
        )
        meeting = form.save(commit=False)
        meeting.committee = committee
        meeting.save()
        form.save_m2m()
        added = build_agenda(meeting)
        messages.success(request, f"Réunion créée ; ordre du jour proposé : {added} point(s).")
        return redirect(meeting)
    return render(request, "governance/meeting_create.html", {"contract": contract, "form": form})


def meeting_detail(request, pk):
    meeting = get_for_user(MEETINGS, request.user, pk=pk)
    can_manage = can_manage_meeting(request.user, meeting)
    form = MeetingUpdateForm(request.POST or None, instance=meeting)
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(status=403)
        if form.is_valid():
            form.save()
            messages.success(request, "Réunion mise à jour.")
            return redirect(meeting)
    return render_meeting(request, meeting, form, can_manage=can_manage)


def render_meeting(request, meeting: Meeting, form, *, can_manage: bool, status: int = 200):
    items = meeting.agenda.select_related("action", "change", "adhesion", "amendment").prefetch_related(
        "decisions"
    )
    context = {
        "meeting": meeting,
        "contract": meeting.contract,
        "can_manage": can_manage,
        "form": form,
        "items": [(item, DecisionForm(item=item, prefix=f"item{item.pk}")) for item in items],
        "other_decisions": meeting.decisions.filter(agenda_item__isnull=True),
        "item_form": AgendaItemForm(),
        "free_decision_form": DecisionForm(prefix="libre"),
    }
    return render(request, "governance/meeting_detail.html", context, status=status)


@login_required
@require_POST
def agenda_build(request, pk):
    meeting = get_for_user(MEETINGS, request.user, pk=pk, check=can_manage_meeting)
    added = build_agenda(meeting)
    messages.success(request, f"{added} point(s) ajouté(s) à l'ordre du jour.")
    return redirect(meeting)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = get_for_user(MEETINGS, request.user, pk=pk, check=can_manage_meeting)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.meeting, item.order = meeting, meeting.agenda.count() + 1
        item.save()
        messages.success(request, "Point ajouté à l'ordre du jour.")
    else:
        messages.error(request, "Indiquez l'intitulé du point.")
    return redirect(meeting)


@login_required
@require_POST
def agenda_delete(request, pk):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee__contract"), pk=pk)
    meeting = get_for_user(MEETINGS, request.user, pk=item.meeting_id, check=can_manage_meeting)
    if item.decisions.exists():
        messages.error(request, "Ce point porte des décisions : il ne peut pas être retiré.")
    else:
        item.delete()
        messages.success(request, "Point retiré de l'ordre du jour.")
    return redirect(meeting)


@login_required
@require_POST
def decision_add(request, pk):
    meeting = get_for_user(MEETINGS, request.user, pk=pk, check=can_manage_meeting)
    target = DecisionTargetForm(request.POST, meeting=meeting)
    if not target.is_valid():
        messages.error(request, "Décision non enregistrée : " + " ".join(target.errors["item"]))
        return render_meeting(
            request, meeting, MeetingUpdateForm(instance=meeting), can_manage=True, status=400
        )
    item = target.cleaned_data["item"]
    form = DecisionForm(request.POST, item=item, prefix=f"item{item.pk}" if item else "libre")
    if not form.is_valid():
        messages.error(request, "Décision incomplète : " + " ".join(form.errors.get("__all__", [])) or "")
        return redirect(meeting)
    targets = {}
    if item is not None:
        targets = {
            "agenda_item": item,
            "action": item.action,
            "change": item.change,
            "adhesion": item.adhesion,
            "amendment": item.amendment,
        }
    try:
        record_decision(meeting=meeting, by=request.user, **form.cleaned_data, **targets)
    except DecisionError as error:
        messages.error(request, f"Décision non enregistrée : {error}")
    else:
        messages.success(request, "Décision enregistrée et appliquée.")
    return redirect(meeting)


@login_required
@require_POST
def amendment_create(request, slug):
    contract = managed_contract(request, slug)
    form = AmendmentForm(request.POST)
    if form.is_valid():
        ensure_initial_version(contract)
        amendment = form.save(commit=False)
        amendment.contract = contract
        amendment.number = (
            contract.amendments.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        amendment.save()
        messages.success(request, f"{amendment} créé. Ajoutez-y les actions qu'il ajoute ou retire.")
    else:
        messages.error(request, "Indiquez l'objet de l'avenant.")
    return redirect("governance:governance_home", slug=slug)


@login_required
@require_POST
def amendment_approve(request, pk):
    """The signatories' approval (managers, as for every amendment step). Refused, with the
    page shown again as posted, when an action it validates fails Art. 4-2 without the
    committee's derogation reason; nothing is written then."""
    amendment = get_object_or_404(Amendment.objects.select_related("contract"), pk=pk)
    contract = managed_contract(request, amendment.contract.slug)
    failing = [item for item in conditions(amendment) if not item.ok]
    form = ApproveAmendmentForm(request.POST, amendment=amendment, failing=failing)
    if not form.is_valid():
        messages.error(request, "Indiquez la date d'approbation.")
        return render_governance(request, contract, approving=form, status=400)
    try:
        version = approve_amendment(
            amendment, on=form.cleaned_data["approved_on"], by=request.user, derogations=form.derogations()
        )
    except AmendmentError as error:
        # Escaped here: the DSFR alert prints messages as HTML, and this one quotes titles.
        messages.error(request, str(error))
        return render_governance(request, contract, approving=form, status=400)
    messages.success(request, f"{amendment} approuvé : le contrat passe en version {version.number}.")
    return redirect("governance:governance_home", slug=contract.slug)


@login_required
@require_POST
def amendment_actions(request, pk):
    amendment = get_object_or_404(Amendment.objects.select_related("contract"), pk=pk)
    contract = managed_contract(request, amendment.contract.slug)
    if amendment.status != Amendment.Status.PROJET:
        messages.error(request, "Seul un avenant en projet peut encore changer.")
        return redirect("governance:governance_home", slug=contract.slug)
    form = AmendmentActionsForm(request.POST, amendment=amendment)
    if form.is_valid():
        with transaction.atomic():
            amendment.choose_actions(form.cleaned_data["added"], form.cleaned_data["removed"])
        messages.success(request, f"{amendment} : actions ajoutées et retirées enregistrées.")
    else:
        messages.error(request, " ".join(form.non_field_errors()) or "Choix d'actions invalide.")
    return redirect("governance:governance_home", slug=contract.slug)


def versions_compare(request, slug):
    contract = get_for_user(Contract.objects.all(), request.user, slug=slug)
    versions = list(contract.versions.select_related("amendment"))
    numbers = [v.number for v in versions]
    try:
        before = int(request.GET.get("de", numbers[0] if numbers else 0))
        after = int(request.GET.get("a", numbers[-1] if numbers else 0))
    except ValueError:
        before, after = 0, 0
    by_number = {v.number: v for v in versions}
    diff = None
    if before in by_number and after in by_number:
        diff = compare(by_number[before], by_number[after])
    context = {
        "contract": contract,
        "versions": versions,
        "before": before,
        "after": after,
        "diff": diff,
    }
    return render(request, "governance/versions_compare.html", context)


@login_required
@require_POST
def adhesion_create(request, slug):
    contract = managed_contract(request, slug)
    form = AdhesionForm(request.POST, contract=contract)
    if form.is_valid():
        adhesion = form.save(commit=False)
        adhesion.contract = contract
        adhesion.save()
        messages.success(
            request,
            "Demande d'adhésion enregistrée ; elle sera proposée au prochain comité technique.",
        )
    else:
        errors = " ".join(error for field_errors in form.errors.values() for error in field_errors)
        messages.error(request, "Demande incomplète : " + errors)
    return redirect("governance:governance_home", slug=slug)


@login_required
def engineering_edit(request, slug, pk=None):
    contract = managed_contract(request, slug)
    instance = get_object_or_404(EngineeringRequest, pk=pk, contract=contract) if pk else None
    form = EngineeringRequestForm(request.POST or None, instance=instance, contract=contract)
    if request.method == "POST" and form.is_valid():
        engineering = form.save(commit=False)
        engineering.contract = contract
        engineering.save()
        messages.success(request, "Demande d'ingénierie enregistrée.")
        return redirect("governance:governance_home", slug=slug)
    return render(
        request,
        "governance/engineering_edit.html",
        {"contract": contract, "form": form, "instance": instance},
    )
