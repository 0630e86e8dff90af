"""Writes an ImportPlan into the database in one transaction. Objects are found by their
stable ids and updated only when something changed (no duplicate, no empty history row);
what people changed since (maturity, financing statuses) is kept on re-import. A financing
line is found by what it is (its action, financer and scheme), never by its year; a
financing plan the import would leave over its action's cost refuses the import."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from crte.actions.models import Action
from crte.contracts.models import (
    Contract,
    Orientation,
    Partner,
    Priority,
    Programme,
    Territory,
)
from crte.core import bulk
from crte.core.formats import format_euros, format_share
from crte.core.models import Commune, Grouping, Organisation, OrganisationAlias
from crte.core.national import roles
from crte.core.resolve import NOWHERE, BodyIndex, Place, choose, outside
from crte.core.text import normalize_label
from crte.finance import summaries
from crte.finance.models import FundingLine, Scheme
from crte.finance.money import action_total, period_total
from crte.finance.overview import contract_period, facts_of
from crte.importers.plan import ActionPlan, ImportPlan, LinePlan
from crte.importers.plan.quality import over_cost
from crte.importers.plan.report import Report
from crte.importers.understand.funding import FunderDirectory
from crte.importers.understand.matching import likeness
from crte.indicators.models import Indicator, Measurement, Target

UNSORTED = "À classer"
DRAFT_MATURITIES = {"idee", "en_maturation", "prete"}  # not validated by a committee yet
COMMITTED_STATUSES = {"accorde", "verse"}  # a financer's decision: not an import's to remove
HAND_MADE = "saisie-"  # external ids of the lines people add or split on the fiche
QUIET_FIELDS = {"order", "source"}  # moved by every import, not worth a line in the preview
OWNER_NATURES = (  # words of a « type de bénéficiaire » cell -> category
    (r"\bcommunes?\b", Organisation.Category.COMMUNE),
    (r"epci|communaute|metropole|agglomeration|intercommunal", Organisation.Category.EPCI),
    (r"departement", Organisation.Category.DEPARTEMENT),
    (r"region", Organisation.Category.REGION),
    (r"syndicat|etablissement public|groupement|petr|pays", Organisation.Category.AUTRE_PUBLIC),
    (r"association|entreprise|societe|sem\b|spl\b", Organisation.Category.PRIVE),
)


def owner_category(nature: str) -> str:
    words = normalize_label(nature)
    return next(
        (c for pattern, c in OWNER_NATURES if re.search(pattern, words)), Organisation.Category.INCONNU
    )


# Owners written as a group rather than a named body.
GENERIC_OWNERS = {
    "communes": Organisation.Category.COMMUNE,
    "entreprises": Organisation.Category.PRIVE,
    "acteurs economiques": Organisation.Category.PRIVE,
}


@dataclass
class Catalogue:
    """The financers and schemes an import resolves names against, for one territory:
    « Région » is its région, « CD » its département, its communes by name (core.resolve).
    Canonical names are unique within the catalogue."""

    directory: FunderDirectory
    organisations: dict[str, Organisation]
    schemes: dict[str, Scheme]
    index: BodyIndex
    place: Place
    learned: list = field(default_factory=list)

    @classmethod
    def load(cls, place: Place = NOWHERE) -> "Catalogue":
        index = BodyIndex(place)
        catalogue = cls(FunderDirectory({}), {}, {}, index, place)
        aliases = {}
        for key, candidates in index.by_key.items():
            chosen = choose(candidates, place)
            if chosen is not None:
                aliases[key] = catalogue.canonical(chosen)
        for key, (kind, level) in roles().items():
            body = index.role_body(kind, level)
            if body is not None:
                aliases[key] = catalogue.canonical(body)
        for organisation in Organisation.objects.filter(kind="commune", commune_id__in=place.communes):
            for label in commune_labels(organisation.name):
                aliases[label] = catalogue.canonical(organisation)
        for scheme in Scheme.objects.select_related("funder"):
            for label in [scheme.name, scheme.short_name, *scheme.aliases]:
                if label:
                    catalogue.schemes[normalize_label(label)] = scheme
        catalogue.directory = FunderDirectory(
            aliases,
            {key: s.name for key, s in catalogue.schemes.items()},
            fallback=catalogue.commune_elsewhere,
        )
        return catalogue

    def add_alias(self, label: str, organisation: Organisation) -> None:
        """A name the document gives a body (« (CAXY) » after the EPCI's name): known
        for the rest of the import, and kept as an alias by the writer."""
        self.directory.aliases[normalize_label(label)] = self.canonical(organisation)
        self.directory.longest = max(self.directory.longest, len(normalize_label(label).split()))
        self.learned.append((label, organisation))

    def canonical(self, organisation: Organisation) -> str:
        """The organisation's name, made unique within this catalogue when two bodies
        share it (two communes of the same name: « Saint-Martin (62) »)."""
        name = organisation.name
        known = self.organisations.get(name)
        if known is not None and known.pk != organisation.pk:
            code = organisation.siren or str(organisation.pk)
            name = f"{organisation.name} ({code})"
        self.organisations[name] = organisation
        return name

    def commune_elsewhere(self, key: str) -> str | None:
        """« Ville de X » for a commune outside the contract's territory: that commune
        (reported as outside the territory by the writer), never another body."""
        found = self.index.find(key)
        return self.canonical(found.organisation) if found.ok else None

    def resolve(self, text: str) -> Organisation | None:
        name = self.directory.resolve(text)
        if name:
            return self.organisations[name]
        found = self.index.find(text)
        return found.organisation


def commune_labels(name: str) -> set[str]:
    """« Auchel », « Commune d'Auchel », « Ville d'Auchel », « Mairie du Portel »…"""
    key = normalize_label(name)
    if re.match(r"[aeiouyh]", key):
        joined = "d " + key
    elif key.startswith("le "):
        joined = "du " + key[3:]
    elif key.startswith("les "):
        joined = "des " + key[4:]
    else:
        joined = "de " + key
    return {key} | {f"{word} {joined}" for word in ("commune", "ville", "mairie")}


class DryRun(Exception):
    """Raised inside the transaction of a dry run to roll everything back."""


def run_import(
    plan: ImportPlan,
    *,
    slug: str,
    report: Report,
    catalogue: Catalogue,
    dry_run=False,
    remove_missing=False,
    progress=None,
    user=None,
):
    """Writes the plan unless the report holds errors, before or while writing (a plan
    over its action's cost once written): then everything is rolled back. Returns the
    contract (None when nothing was written)."""
    report.dry_run = dry_run
    if report.errors:
        return None
    contract = None
    try:
        with transaction.atomic(), summaries.deferred():  # the roll-up's figures: marked once
            contract = Writer(plan, report, catalogue, remove_missing, progress, dry_run, user).write(slug)
            if dry_run or report.errors:
                raise DryRun
            summaries.touch([contract.pk])  # rows written in bulk send no signal
    except DryRun:
        return None
    report.written = True
    return contract


class Writer:
    def __init__(
        self,
        plan: ImportPlan,
        report: Report,
        catalogue: Catalogue,
        remove_missing: bool = False,
        progress=None,
        dry_run: bool = False,
        user=None,
    ):
        self.plan, self.report, self.catalogue = plan, report, catalogue
        self.progress, self.dry_run = progress, dry_run
        self.user = user  # named in the history of what is written in bulk
        # Actions and lines are looked up in memory (loaded once per import) and new ones
        # are written in bulk at the end, with their history; a dry run never writes them.
        self.known: dict = {}
        self.pending: dict = {Action: [], FundingLine: []}
        self.pending_links: list = []
        self.named: dict[str, Organisation] = {}
        self.identified: dict[str, Organisation] = {}  # by SIREN or INSEE code
        self.priorities: dict[int, list] = {}
        self.remove_missing = remove_missing
        self.action_order = 0
        self.created: dict = {}  # model -> ids created by this import
        # Each action's financing lines as the import leaves them (by the action's id):
        # loaded ones, updated in memory, and new ones; lines removed are taken out.
        self.lines_of: dict[str, list[FundingLine]] = {}
        self.kept_absent: dict[str, int] = {}  # lines the file no longer has, kept, by action
        self.makers: dict = {}
        self.outside: dict[int, bool] = {}

    def make(self, model):
        """New rows of `model`, made by the thousand (`bulk.maker`)."""
        if model not in self.makers:
            self.makers[model] = bulk.maker(model)
        return self.makers[model]

    def upsert(self, model, kind: str, lookup: dict, fields: dict, create_only=None, label: str = ""):
        """Create, update when a field differs, or leave alone; counted in the report, and
        each changed field written down (what it was, what it becomes)."""
        cache = self.known.get(model)
        if cache is not None:
            key = cache_key(model, lookup)
            obj = cache.get(key)
            if obj is None:
                obj = cache[key] = self.make(model)(**lookup, **fields, **(create_only or {}))
                self.pending[model].append(obj)
                self.report.count(kind, "created")
                return obj
        else:
            obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **fields, **(create_only or {}))
            self.report.count(kind, "created")
            self.created.setdefault(model, []).append(obj.pk)
            return obj
        changed = [name for name, value in fields.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                if name not in QUIET_FIELDS:
                    self.report.change(
                        kind, label or str(obj), verbose(model, name), getattr(obj, name), fields[name]
                    )
                setattr(obj, name, fields[name])
            obj.save()
            self.report.count(kind, "updated")
        else:
            self.report.count(kind, "unchanged")
        return obj

    def write(self, slug: str) -> Contract:
        for label, organisation in self.catalogue.learned:
            OrganisationAlias.objects.get_or_create(
                organisation=organisation, key=normalize_label(label), defaults={"label": label}
            )
            if not organisation.short_name and len(label) <= 40:  # the acronym its contract uses
                organisation.short_name = label
                organisation.save(update_fields=["short_name"])
        contract = self.write_contract(slug)
        orientations = self.write_orientations(contract)
        self.preload(contract)
        for action_plan in self.plan.actions:
            self.write_action(contract, orientations, action_plan)
            if self.progress is not None:
                self.progress.advance()
        if not self.dry_run:
            self.flush()
        self.actions_gone(contract)
        self.check_costs(contract)
        self.write_programmes(contract)
        self.write_targets(contract)
        self.write_facts(contract)
        self.date_history(contract)
        return contract

    def preload(self, contract: Contract) -> None:
        """The contract's actions and financing lines, once, by their stable ids."""
        actions = {a.external_id: a for a in contract.actions.select_related("orientation")}
        by_id = {a.pk: a for a in actions.values()}
        self.known[Action] = actions
        self.known[FundingLine] = {}
        for line in (
            FundingLine.objects.filter(action__contract=contract).select_related("funder").order_by("pk")
        ):
            line.action = by_id[line.action_id]
            self.known[FundingLine][(line.action.external_id, line.external_id)] = line
            self.lines_of.setdefault(line.action.external_id, []).append(line)

    def flush(self) -> None:
        """New actions, their owners and communes, then new lines: a few bulk inserts, with
        their history rows."""
        actions, lines = self.pending[Action], self.pending[FundingLine]
        bulk.insert_with_history(Action, actions, user=self.user)
        self.created.setdefault(Action, []).extend(a.pk for a in actions)
        owners, communes = Action.owners.through, Action.communes.through
        bulk.insert_values(  # new actions: no link yet; a name twice in a cell is one link
            owners,
            ["action_id", "organisation_id"],
            [(a.pk, pk) for a, found, _ in self.pending_links for pk in dict.fromkeys(o.pk for o in found)],
        )
        bulk.insert_values(
            communes,
            ["action_id", "commune_id"],
            [(a.pk, pk) for a, _, found in self.pending_links for pk in dict.fromkeys(c.pk for c in found)],
        )
        for line in lines:
            line.action_id = line.action.pk
        bulk.insert_with_history(FundingLine, lines, user=self.user)
        self.created.setdefault(FundingLine, []).extend(line.pk for line in lines)
        self.pending = {Action: [], FundingLine: []}
        self.pending_links = []

    def date_history(self, contract: Contract) -> None:
        """What a signed contract brings existed from its signature, not from the import
        day: the creation of its actions and financing lines is dated so in their history,
        and the dashboard at a past date shows the contract as it was."""
        signed = self.plan.signed_on if self.plan.is_document else None
        if signed is None or signed >= dt.date.today():
            return
        when = timezone.make_aware(dt.datetime.combine(signed, dt.time(12)))
        for model in (Action, FundingLine):
            ids = self.created.get(model, [])
            if ids and hasattr(model, "history"):
                model.history.filter(id__in=ids, history_type="+").update(history_date=when)

    # -- contract ---------------------------------------------------------------------------

    def actions_gone(self, contract: Contract) -> None:
        """Actions this same source brought before and no longer has: listed; removed when
        the user confirms it, if no committee validated them (those are to abandon by a
        decision, not to delete)."""
        kept = {a.external_id for a in self.plan.actions}
        gone = contract.actions.filter(source__startswith=f"{self.plan.source}, ").exclude(
            external_id__in=kept
        )
        for action in gone:
            removable = action.maturity in DRAFT_MATURITIES
            if self.remove_missing and removable:
                action.delete()
                self.report.count("action", "removed")
                self.report.warn("action-retiree", "Action retirée : absente du fichier.", None, action.title)
                continue
            advice = (
                "confirmez le retrait des éléments absents pour la retirer"
                if removable
                else "elle a été validée : son abandon relève d'une décision du comité"
            )
            self.report.warn(
                "action-absente", f"Action absente du fichier, conservée ; {advice}.", None, action.title
            )

    def write_contract(self, slug: str) -> Contract:
        plan = self.plan
        existing = Contract.objects.filter(slug=slug).first()
        if not plan.is_document:
            if existing:
                self.report.count("contrat", "unchanged")
                return existing
            self.report.info("contrat", f"Le contrat « {slug} » n'existait pas : créé en brouillon.")
            territory = self.territory(None)
            return self.upsert(Contract, "contrat", {"slug": slug}, {"name": slug, "territory": territory})
        territory = self.territory(existing.territory if existing else None)
        fields = {
            "name": plan.contract_name,
            "territory": territory,
            "signed_on": plan.signed_on,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "duration_years": plan.duration_years,
            "source": plan.source,
        }
        status = Contract.Status.SIGNE if plan.signed_on else Contract.Status.EN_PREPARATION
        contract = self.upsert(Contract, "contrat", {"slug": slug}, fields, {"status": status})
        for order, (party, person, title) in enumerate(plan.signatories):
            organisation = self.organisation(party, Organisation.Category.INCONNU)
            self.upsert(
                Partner,
                "signataire",
                {"contract": contract, "organisation": organisation},
                {
                    "is_signatory": True,
                    "signatory_name": person,
                    "signatory_title": title,
                    "order": order,
                },
            )
        return contract

    def territory(self, current: Territory | None) -> Territory | None:
        """The contract's territory: the groupings the import identified (by name, acronym
        or SIREN), with their communes, départements and régions derived from the national
        reference. An existing territory is kept; one without groupings gets them."""
        groupings = list(Grouping.objects.filter(siren__in=self.plan.territory_sirens))
        if not groupings:
            return current
        if current is not None and current.groupings.exists():
            return current
        lead = groupings[0].organisation or self.organisation(groupings[0].name, Organisation.Category.EPCI)
        name = " · ".join(g.name for g in groupings)[:200]
        territory = current or Territory.objects.create(name=name, epci=lead, departement_code="")
        territory.groupings.set(groupings)
        territory.derive()
        departements = ", ".join(f"{d.name} ({d.code})" for d in territory.departements.order_by("code"))
        self.report.info(
            "territoire",
            f"Territoire : {name}, {territory.communes.count()} communes ({departements}).",
        )
        return territory

    def owners_of(self, plan: ActionPlan) -> list[Organisation]:
        """The owners by the best identifier the row gives: the first by its SIREN, else
        by its commune's INSEE code, else by name; the others by name."""
        first = self.identified_owner(plan)
        named = [
            self.organisation(o, Organisation.Category.INCONNU) for o in plan.owners[1 if first else 0 :]
        ]
        return [first, *named] if first else named

    def identified_owner(self, plan: ActionPlan) -> Organisation | None:
        """A SIREN found in the national reference (or among bodies created earlier) is
        that body, whatever its name in the row; an unknown SIREN is a body created with
        it (under the row's name), unless the name is a body of the catalogue without one."""
        siren, insee = plan.owner_siren, plan.owner_insee
        if not siren and not insee:
            return None
        key = siren or insee
        if key in self.identified:
            return self.identified[key]
        found = Organisation.objects.filter(siren=siren).first() if siren else None
        if found is None and insee:
            found = Organisation.objects.filter(kind="commune", commune__insee_code=insee).first()
        name = re.sub(r"^(La|Le|Les|L['’])\s*", "", plan.owners[0].strip()) if plan.owners else ""
        if found is None and siren:
            known = self.catalogue.resolve(name) if name else None
            found = known if known is not None and not known.siren else None
        if found is None and siren:
            found = Organisation.objects.create(
                name=name or f"SIREN {siren}",
                siren=siren,
                category=owner_category(plan.owner_nature),
                source=self.plan.source,
            )
            self.report.count("organisation", "created")
            self.report.info(
                "organisation-nouvelle",
                f"« {found.name} » (SIREN {siren}) n'est pas dans le référentiel : ajouté "
                f"(catégorie {found.get_category_display().lower()}), à vérifier.",
                plan.place,
                plan.title,
            )
        if found is not None:
            self.identified[key] = found
        return found

    def organisation(self, label: str, category: str, place=None) -> Organisation:
        """A name as written: a body of the national reference (resolved in the contract's
        territory; one from elsewhere is kept and reported), or an organisation kept exactly
        as written (reported, to be reviewed)."""
        label = re.sub(r"^(La|Le|Les|L['’])\s*", "", label.strip())
        found = self.catalogue.resolve(label)
        if found:
            self.check_inside(found, label, place)
            return found
        if label in self.named:
            return self.named[label]
        category = GENERIC_OWNERS.get(normalize_label(label), category)
        organisation = Organisation.objects.filter(name=label).first()
        if organisation is None:
            organisation = Organisation.objects.create(name=label, category=category, source=self.plan.source)
            self.report.count("organisation", "created")
            self.report.info(
                "organisation-nouvelle",
                f"« {label} » n'est pas dans le référentiel : ajouté (catégorie "
                f"{organisation.get_category_display().lower()}), à vérifier.",
            )
        self.named[label] = organisation
        return organisation

    # -- strategy ---------------------------------------------------------------------------

    def write_orientations(self, contract: Contract) -> dict[str, Orientation]:
        existing = {normalize_label(o.name): o for o in contract.orientations.all()}
        for order, plan in enumerate(self.plan.orientations, start=1):
            orientation = self.upsert(
                Orientation,
                "orientation",
                {"contract": contract, "code": slugify(plan.name)},
                {"name": plan.name, "order": order},
            )
            existing[normalize_label(plan.name)] = orientation
            for rank, label in enumerate(plan.priorities, start=1):
                self.upsert(
                    Priority,
                    "enjeu",
                    {"orientation": orientation, "code": f"E{rank}"},
                    {"label": label, "order": rank},
                )
        return existing

    def orientation_for(self, contract, orientations, name: str) -> Orientation:
        name = name.strip() or UNSORTED
        key = normalize_label(name)
        if key not in orientations:
            orientations[key] = self.upsert(
                Orientation,
                "orientation",
                {"contract": contract, "code": slugify(name)},
                {"name": name},
                {"order": 99 if name == UNSORTED else len(orientations) + 1},
            )
        return orientations[key]

    # -- actions ----------------------------------------------------------------------------

    def write_action(self, contract, orientations, plan: ActionPlan) -> Action:
        self.action_order += 1
        orientation = self.orientation_for(contract, orientations, plan.orientation)
        fields = {
            "title": plan.title,
            "description": plan.description,
            "orientation": orientation,
            "priority": self.priority(orientation, plan.priority_hint),
            "amount": plan.amount,
            "amount_basis": plan.amount_basis,
            "amount_text": plan.amount_text,
            "calendar_text": plan.calendar_text,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "source": str(plan.place),
            "order": self.action_order,
        }
        action = self.upsert(
            Action,
            "action",
            {"contract": contract, "external_id": plan.external_id},
            fields,
            # Maturity moves with the action's life; a re-import must not reset it.
            {"maturity": plan.maturity},
            label=plan.title,
        )
        owners = self.owners_of(plan)
        communes = list(Commune.objects.filter(insee_code__in=plan.communes)) if plan.communes else []
        communes += self.communes_named(plan)
        if action.pk is None:  # new: linked in bulk with it
            self.pending_links.append((action, owners, communes))
        else:
            if {o.pk for o in owners} != set(action.owners.values_list("pk", flat=True)):
                action.owners.set(owners)
            if communes and {c.pk for c in communes} != set(action.communes.values_list("pk", flat=True)):
                action.communes.set(communes)
        keys = self.write_lines(action, plan)
        if plan.has_financing_columns and action.pk is not None:
            self.lines_gone(action, keys, plan)
        return action

    def priority(self, orientation: Orientation, hint: str) -> Priority | None:
        if orientation.pk not in self.priorities:
            self.priorities[orientation.pk] = list(orientation.priorities.all())
        return match_priority(self.priorities[orientation.pk], hint)

    def communes_named(self, plan: ActionPlan) -> list[Commune]:
        """« X » in a Commune column: the commune of that name in the territory, or the
        only one in France; otherwise reported."""
        found = []
        for name in plan.commune_names:
            candidates = list(Commune.objects.filter(key=normalize_label(name), is_current=True))
            inside = [c for c in candidates if c.pk in self.catalogue.place.communes]
            chosen = inside or (candidates if len(candidates) == 1 else [])
            if len(chosen) == 1:
                found.append(chosen[0])
            else:
                how = "plusieurs communes portent ce nom" if candidates else "commune inconnue"
                self.report.warn("commune", f"« {name} » : {how}, non rattachée.", plan.place, plan.title)
        return found

    def lines_gone(self, action: Action, keys: list[str], plan: ActionPlan) -> None:
        """Imported lines of this action that the source no longer has: listed; removed only
        when the user confirms it (`remove_missing`), as actions are, and never when the
        financer granted or paid it (its withdrawal is the financer's decision, as an
        action a committee validated is abandoned by a decision). Lines people added or
        split by hand are not the source's to remove."""
        written = set(keys)
        gone = [
            line
            for line in self.lines_of.get(action.external_id, [])
            if line.pk is not None and is_imported(line) and line.external_id not in written
        ]
        for line in gone:
            who = line.funder.name if line.funder else "financeur non précisé"
            what = (
                format_euros(line.amount)
                if line.amount is not None
                else (format_share(line.share) or "non chiffré")
            )
            removable = line.status not in COMMITTED_STATUSES
            if self.remove_missing and removable:
                line.delete()
                self.lines_of[action.external_id].remove(line)
                self.report.count("financement", "removed")
                self.report.warn(
                    "ligne-retiree",
                    f"Ligne retirée : {who}, {what} (« {line.source_text} »).",
                    plan.place,
                    plan.title,
                )
                continue
            advice = (
                "confirmez le retrait des lignes absentes pour la retirer"
                if removable
                else "accordée ou versée, son retrait relève du financeur, pas d'un import"
            )
            self.kept_absent[action.external_id] = self.kept_absent.get(action.external_id, 0) + 1
            self.report.warn(
                "ligne-absente",
                f"Ligne absente du fichier : {who}, {what}, statut « {line.get_status_display()} ». "
                f"Conservée ; {advice}.",
                plan.place,
                plan.title,
            )

    def check_inside(self, organisation: Organisation, label: str, place=None, action: str = "") -> None:
        """A name that designates a body of another territory keeps that body, reported."""
        if organisation.pk not in self.outside:  # asked once per body (each is written) and import
            self.outside[organisation.pk] = outside(organisation, self.catalogue.place)
        if self.outside[organisation.pk]:
            self.report.warn(
                "hors-territoire",
                f"« {label} » désigne {organisation.name}, qui n'est pas du territoire du contrat : "
                "à vérifier (le financeur n'a pas été remplacé).",
                place,
                action,
            )

    def write_lines(self, action: Action, plan: ActionPlan) -> list[str]:
        """The action's lines from the source, each matched with the line it was before
        (`match_lines`) and updated, or created: their ids, in source order."""
        parties = [self.line_parties(action, line) for line in plan.lines]
        before = [
            line
            for line in self.lines_of.get(action.external_id, [])
            if line.pk is not None and is_imported(line)
        ]
        matched = match_lines(plan.lines, parties, before)
        keys = []
        for line, (funder, scheme), old in zip(plan.lines, parties, matched, strict=True):
            line.external_id = old.external_id if old else self.new_line_id(action, funder, scheme)
            keys.append(self.write_line(action, line, funder, scheme).external_id)
        return keys

    def line_parties(self, action: Action, line: LinePlan) -> tuple[Organisation | None, Scheme | None]:
        """The line's financer and scheme, as the catalogue knows them (or created)."""
        funder = self.catalogue.organisations.get(line.funder) if line.funder else None
        if line.funder and funder is None:
            funder = self.organisation(line.funder, Organisation.Category.INCONNU, line.place)
        elif funder is not None:
            self.check_inside(funder, line.funder, line.place, action.title)
        scheme = self.scheme(line.scheme, funder)
        if funder is None and scheme is not None:
            funder = scheme_funder(scheme, self.catalogue)  # 'DSIL' in a financer column: the State's
        return funder, scheme

    def write_line(self, action: Action, line: LinePlan, funder, scheme) -> FundingLine:
        """One line, under the id `write_lines` gave it: its years are its action's, so a
        year changed in the file updates the line (with its history), never adds one."""
        fields = {
            "funder": funder,
            "scheme": scheme,
            "amount": line.amount,
            "share": quantize_share(line.share),
            "is_annual": line.is_annual,
            "start_year": action.start_year,
            "end_year": action.end_year,
            "credit_type": line.credit_type,
            "source_text": line.source_text[:400],
            "note": line.note,
        }
        # The status belongs to the financer once imported.
        who = funder.name if funder else "financeur non précisé"
        lines = self.lines_of.setdefault(action.external_id, [])
        count = len(self.pending[FundingLine])
        written = self.upsert(
            FundingLine,
            "financement",
            {"action": action, "external_id": line.external_id},
            fields,
            {"status": line.status},
            label=f"{action.title} — {who}",
        )
        if len(self.pending[FundingLine]) > count:  # new: one more line of the action
            lines.append(written)
        return written

    def new_line_id(self, action: Action, funder, scheme) -> str:
        """A new line's id: its financer and scheme (« f12-d3 »), numbered when the action
        already has one of that id (« f12-d3-2 »). The id only has to be unique in the
        action: lines are matched by what they are (`match_lines`), not by their id, so
        that the ids of earlier versions (with a year) stay valid."""
        base = "-".join(
            [f"f{funder.pk}" if funder else "sans-financeur", f"d{scheme.pk}" if scheme else ""]
        ).strip("-")
        taken = {line.external_id for line in self.lines_of.get(action.external_id, [])}
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        return key

    # -- financing over cost ----------------------------------------------------------------

    def check_costs(self, contract: Contract) -> None:
        """Each action of the source against its cost, with the lines the import leaves
        (those of the file, and those kept: added by hand, absent from the file), summed by
        the money rule over the contract, as its fiche and every total count them. Over
        the cost, the import is an error: nothing is written."""
        period = contract_period(contract)
        for plan in self.plan.actions:
            action = self.known[Action].get(plan.external_id)
            if action is None or action.amount is None or action.maturity == Action.Maturity.ABANDONNEE:
                continue
            lines = self.lines_of.get(plan.external_id, [])
            if not lines:
                continue
            financed = sum((period_total(facts_of(line), period) for line in lines), Decimal(0))
            cost = action_total(action.amount, action.is_annual, action.start_year, action.end_year, period)
            over_cost(
                self.report,
                action.title,
                plan.place,
                cost,
                financed,
                over_contract=action.is_annual or any(line.is_annual for line in lines),
                kept_absent=self.kept_absent.get(plan.external_id, 0),
            )

    def scheme(self, label: str, funder: Organisation | None) -> Scheme | None:
        if not label:
            return None
        key = normalize_label(label)
        if key not in self.catalogue.schemes:
            self.catalogue.schemes[key] = self.upsert(
                Scheme,
                "dispositif",
                {"name": label},
                {},
                {"funder": funder, "source": self.plan.source},
            )
            self.report.info("dispositif-nouveau", f"Dispositif « {label} » ajouté au catalogue.")
        return self.catalogue.schemes[key]

    # -- programmes and targets -------------------------------------------------------------

    def write_programmes(self, contract: Contract) -> None:
        kinds = dict(Programme.Kind.choices)
        for plan in self.plan.programmes:
            label = kinds.get(plan.kind, plan.kind)
            name = label
            if plan.name and normalize_label(plan.name) not in normalize_label(label):
                name = f"{label} « {plan.name} »"
            programme = self.upsert(
                Programme,
                "contractualisation",
                {"contract": contract, "code": plan.code},
                {
                    "kind": plan.kind,
                    "name": name,
                    "description": plan.description,
                    "start_year": plan.start_year,
                    "end_year": plan.end_year,
                },
            )
            partners = [self.catalogue.organisations[p] for p in plan.partners]
            programme.partners.set(partners)

    def write_facts(self, contract: Contract) -> None:
        signed = f"Contrat signé le {contract.signed_on:%d/%m/%Y}" if contract.signed_on else "Contrat"
        for fact in self.plan.facts:
            indicator = self.upsert(
                Indicator,
                "indicateur",
                {"contract": contract, "code": fact.code},
                {
                    "name": fact.name,
                    "unit": fact.unit,
                    "direction": fact.direction,
                    "level": Indicator.Level.CONTRAT,
                    "source": signed,
                },
            )
            if fact.is_target:
                year = fact.year or contract.end_year or contract.start_year
                self.upsert(
                    Target,
                    "cible",
                    {"indicator": indicator, "year": year},
                    {"value": fact.value, "note": f"« {fact.text} »"},
                )
            else:
                self.upsert(
                    Measurement,
                    "valeur",
                    {"indicator": indicator, "date": fact_date(fact, contract)},
                    {"value": fact.value, "source": f"{signed} : « {fact.text} »"[:300]},
                )

    def write_targets(self, contract: Contract) -> None:
        for plan in self.plan.targets:
            catalogue_entry = (
                Indicator.objects.filter(contract=None, code=plan.catalogue_id).first()
                if plan.catalogue_id
                else None
            )
            indicator = self.upsert(
                Indicator,
                "indicateur",
                {"contract": contract, "code": plan.indicator_code},
                {
                    "name": plan.name,
                    "unit": plan.unit,
                    "direction": plan.direction,
                    "level": Indicator.Level.CONTRAT,
                    "baseline_year": plan.baseline_year,
                    "source": "PCAET (objectifs cités par le contrat)",
                    "catalogue_entry": catalogue_entry,
                },
            )
            self.upsert(
                Target,
                "cible",
                {"indicator": indicator, "year": plan.year},
                {"relative_change": plan.relative_change, "note": plan.text},
            )


def is_imported(line: FundingLine) -> bool:
    """A line a source brought: not one people added or split on the fiche."""
    return bool(line.source_text) and not line.external_id.startswith(HAND_MADE)


def match_lines(lines: list[LinePlan], parties: list, before: list[FundingLine]) -> list:
    """For each line of the source, the line it was (or None: a new line). A line is its
    action's (financer, scheme), whatever its year, amount or status; when the action has
    several of one financer and scheme, they are matched in source order, a line of the
    same figures first (two lines swapped in the file stay each with its status)."""
    groups: dict[tuple, list[FundingLine]] = {}
    for old in before:  # in the order they were created: the source order of their time
        groups.setdefault((old.funder_id, old.scheme_id), []).append(old)
    keys = [(funder.pk if funder else None, scheme.pk if scheme else None) for funder, scheme in parties]
    matched: list = [None] * len(lines)
    for n, (line, key) in enumerate(zip(lines, keys, strict=True)):
        candidates = groups.get(key, [])
        same = next((old for old in candidates if same_figures(old, line)), None)
        if same is not None:
            matched[n] = same
            candidates.remove(same)
    for n, key in enumerate(keys):
        if matched[n] is None and groups.get(key):
            matched[n] = groups[key].pop(0)
    return matched


def same_figures(old: FundingLine, line: LinePlan) -> bool:
    return (old.amount, old.share, old.is_annual) == (line.amount, quantize_share(line.share), line.is_annual)


def verbose(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def scheme_funder(scheme: Scheme, catalogue: Catalogue) -> Organisation | None:
    """A scheme's financer: a national body, or the territory's body of a kind (the basin's
    water agency for its programme, the région's DRAAF for the PAT)."""
    if scheme.funder_id or not scheme.funder_kind:
        return scheme.funder
    levels = {kind: level for kind, level in roles().values()}
    return catalogue.index.role_body(scheme.funder_kind, levels.get(scheme.funder_kind, "region"))


def fact_date(fact, contract: Contract) -> dt.date:
    """A figure dated by the text (« en 2015 »), else known at the signature."""
    if fact.year:
        return dt.date(fact.year, 1, 1)
    return contract.signed_on or dt.date(contract.start_year or dt.date.today().year, 1, 1)


def quantize_share(share: Decimal | None) -> Decimal | None:
    return None if share is None else share.quantize(Decimal("0.00000001"))


def match_priority(priorities: list[Priority], hint: str) -> Priority | None:
    """The annex names enjeux by their first words, loosely ('Réduire la part modale de
    la voiture...' for 'Réduire sensiblement la part modale de la voiture individuelle',
    'Garentir le désenclavement...'). When it names several, the first one counts."""
    first = re.split(r"[,;]|\.\.\.|…", hint)[0]
    if not normalize_label(first):
        return None
    scored = [(likeness(first, p.label[: len(first) + 20]), p) for p in priorities]
    score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best if score >= 0.7 else None


def cache_key(model, lookup: dict):
    """An action by its id in the contract; a line by its action's id and its own."""
    if model is Action:
        return lookup["external_id"]
    return (lookup["action"].external_id, lookup["external_id"])
