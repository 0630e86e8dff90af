"""Loads the national reference shipped in `crte/core/data/` (SOURCES.md there): the
administrative map of France (régions, départements, communes with their delegated and
former communes, EPCI and EPT) and the catalogue of public bodies that finance contracts
(the State and its services in each région and département, its operators, the water
agencies by basin, every région, département, CAF, commune and EPCI, the European funds).

Runs after every `migrate` (core.apps) and with `crte refresh_reference` when a new vintage
is shipped. It is an upsert by stable identifiers (INSEE codes, SIREN, kind and territory):
contracts keep pointing at the same rows; a commune that disappeared is kept, marked not
current, with the commune it merged into; an EPCI renamed keeps its row and takes its new
name. Bulk queries only: a few seconds on SQLite."""

import csv
import gzip
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from django.db import transaction

from crte.core.models import (
    Commune,
    Departement,
    FormerCommune,
    Grouping,
    Organisation,
    OrganisationAlias,
    ReferenceVintage,
    Region,
)
from crte.core.text import normalize_label

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_DIR = DATA_DIR / "national"
VINTAGE = (NATIONAL_DIR / "VINTAGE").read_text(encoding="utf-8").strip()  # the shipped vintage
# INSEE's « type de nom en clair »: how a name is joined after « de » (Département du Nord)
ARTICLES = {"0": "de ", "1": "d'", "2": "du ", "3": "de la ", "4": "des ", "5": "de l'"}
NATURE_PREFIXES = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
    "EPT": "Établissement public territorial",
}
Cat = Organisation.Category


def read_json(name: str, directory: Path = NATIONAL_DIR) -> list[dict]:
    with gzip.open(directory / f"{name}.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sync(model, key: str, wanted: dict, fields: list[str]) -> dict:
    """Upsert by `key`: creates what is missing, updates what differs, in bulk. `wanted`:
    {key value: unsaved instance}. Returns {key value: saved instance}."""
    existing = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": list(wanted)})}
    missing = [o for k, o in wanted.items() if k not in existing]
    changed = []
    for k, new in wanted.items():
        old = existing.get(k)
        if old is None:
            continue
        if any(getattr(old, f) != getattr(new, f) for f in fields):
            for f in fields:
                setattr(old, f, getattr(new, f))
            changed.append(old)
    model.objects.bulk_create(missing, batch_size=2000)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=2000)
    return {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": list(wanted)})}


# --- the administrative map ---------------------------------------------------------------------


def load_geography(directory: Path = NATIONAL_DIR) -> dict[str, int]:
    regions = sync_regions(directory)
    departements = sync_departements(directory, regions)
    entries = read_json("communes", directory)
    communes = sync_current_communes(entries, departements, regions)
    former = former_communes(entries, communes)
    retire_communes(set(communes), former)
    return {
        "régions": len(regions),
        "départements": len(departements),
        "communes": len(communes),
        "communes déléguées ou anciennes": len(former),
    }


def sync_regions(directory: Path) -> dict[str, Region]:
    return sync(
        Region,
        "code",
        {
            r["code"]: Region(
                code=r["code"],
                name=r["nom"],
                article=ARTICLES.get(str(r.get("typeLiaison", 0)), "de "),
                zone=r.get("zone", ""),
            )
            for r in read_json("regions", directory)
        },
        ["name", "article", "zone"],
    )


def sync_departements(directory: Path, regions: dict[str, Region]) -> dict[str, Departement]:
    return sync(
        Departement,
        "code",
        {
            d["code"]: Departement(
                code=d["code"],
                name=d["nom"],
                article=ARTICLES.get(str(d.get("typeLiaison", 0)), "de "),
                region=regions[d["region"]],
                zone=d.get("zone", ""),
            )
            for d in read_json("departements", directory)
        },
        ["name", "article", "region_id", "zone"],
    )


def sync_current_communes(
    entries: list[dict], departements: dict[str, Departement], regions: dict[str, Region]
) -> dict[str, Commune]:
    """Today's communes (`commune-actuelle` entries), current and with no successor."""
    return sync(
        Commune,
        "insee_code",
        {
            c["code"]: Commune(
                insee_code=c["code"],
                name=c["nom"],
                key=normalize_label(c["nom"]),
                population=c.get("population"),
                postal_code=" ".join(c.get("codesPostaux", []))[:30],
                siren=c.get("siren", ""),
                departement=departements.get(c["departement"]),
                region=regions.get(c["region"]),
                arrondissement_code=c.get("arrondissement", ""),
                is_current=True,
                successor=None,
            )
            for c in entries
            if c["type"] == "commune-actuelle"
        },
        [
            "name",
            "key",
            "population",
            "postal_code",
            "siren",
            "departement_id",
            "region_id",
            "arrondissement_code",
            "is_current",
            "successor_id",
        ],
    )


def former_communes(entries: list[dict], communes: dict[str, Commune]) -> list[FormerCommune]:
    """Delegated and associated communes, municipal arrondissements and the former codes
    of merged communes, each with today's commune: rebuilt at every load (nothing points
    to them)."""
    rows = {}
    for entry in entries:
        parent = entry.get("chefLieu") or entry.get("commune")
        if entry["type"] != "commune-actuelle" and parent in communes:
            rows[(entry["code"], entry["type"], parent)] = entry["nom"]
        for old in entry.get("anciensCodes", []) if entry["type"] == "commune-actuelle" else []:
            rows.setdefault((old, "ancien-code", entry["code"]), entry["nom"])
    FormerCommune.objects.all().delete()
    return FormerCommune.objects.bulk_create(
        [
            FormerCommune(code=code, kind=kind, name=name, current=communes[parent])
            for (code, kind, parent), name in rows.items()
        ],
        batch_size=2000,
    )


def retire_communes(current_codes: set[str], former: list[FormerCommune]) -> None:
    """Communes of an earlier vintage that are no longer current point to their successor."""
    successors = {f.code: f.current for f in former}
    gone = Commune.objects.filter(is_current=True).exclude(insee_code__in=current_codes)
    for commune in gone:
        commune.is_current = False
        commune.successor = successors.get(commune.insee_code)
        commune.save(update_fields=["is_current", "successor"])


def grouping_aliases(name: str, nature: str) -> tuple[str, set[str]]:
    """An EPCI's short name (its acronym in brackets) and the ways documents write it:
    « CA du Pays de X » is also « Communauté d'agglomération du Pays de X », « Pays de X »."""
    acronym = re.search(r"\(([^()]{2,20})\)\s*$", name)
    short = acronym[1].strip() if acronym else ""
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", name).strip()
    labels = {name, bare}
    prefix = NATURE_PREFIXES.get(nature)
    head = re.match(r"^(CC|CA|CU|Métropole|EPT)\b\s*", bare)
    if prefix and head:
        rest = bare[head.end() :]
        labels |= {f"{prefix} {rest}", f"{prefix} {rest}".replace(" de l'", " de l’")}
        plain = re.sub(r"^(?:de la |de l['’]|du |des |de |d['’])", "", rest).strip()
        if len(plain.split()) > 1:  # « Morlaix Communauté », « Pays de Landivisiau »
            labels.add(plain)
        if nature != "METRO":
            labels.add(f"{head[1]} {rest}")
    if short and not short.isdigit():
        labels.add(short)
    return short, {label for label in labels if normalize_label(label)}


def load_groupings(directory: Path = NATIONAL_DIR) -> dict[str, int]:
    communes = {
        c.insee_code: c for c in Commune.objects.only("id", "insee_code", "departement_id", "region_id")
    }
    entries = read_json("epci", directory) + read_json("ept", directory)
    wanted = {}
    for entry in entries:
        nature = entry["type"] if entry["type"] in Grouping.Nature.values else "CC"
        short, _ = grouping_aliases(entry["nom"], nature)
        wanted[entry["code"]] = Grouping(
            siren=entry["code"],
            name=entry["nom"],
            short_name=short,
            key=normalize_label(entry["nom"]),
            nature=nature,
            population=entry.get("populationMunicipale"),
            is_current=True,
            vintage=vintage_of(directory)[:20],
        )
    groupings = sync(
        Grouping,
        "siren",
        wanted,
        ["name", "short_name", "key", "nature", "population", "is_current", "vintage"],
    )
    Grouping.objects.filter(is_current=True).exclude(vintage="").exclude(siren__in=list(wanted)).update(
        is_current=False
    )
    through = Grouping.communes.through
    through.objects.filter(grouping__in=groupings.values()).delete()
    links = [
        through(grouping_id=groupings[e["code"]].pk, commune_id=communes[m["code"]].pk)
        for e in entries
        for m in e.get("membres", [])
        if m["code"] in communes
    ]
    through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
    return {"EPCI et EPT": len(groupings), "communes membres": len(links)}


# --- the bodies that finance contracts -----------------------------------------------------------


class Bodies:
    """Collects organisations (keyed by a stable identity) and their aliases, then writes
    them in bulk."""

    def __init__(self):
        self.bodies: dict[tuple, Organisation] = {}
        self.labels: dict[tuple, set[str]] = defaultdict(set)

    def add(self, identity: tuple, organisation: Organisation, labels) -> None:
        organisation.is_reference = True
        organisation.source = organisation.source or VINTAGE
        self.bodies.setdefault(identity, organisation)
        self.labels[identity] |= {label for label in labels if label and normalize_label(label)}
        self.labels[identity].add(organisation.name)

    def save(self) -> dict[tuple, Organisation]:
        existing = {}
        for organisation in Organisation.objects.filter(is_reference=True):
            existing[identity_of(organisation)] = organisation
        by_siren = {o.siren: o for o in Organisation.objects.exclude(siren="")}
        fields = [
            "name",
            "short_name",
            "category",
            "is_funder",
            "siren",
            "commune_id",
            "kind",
            "region_id",
            "departement_id",
            "area_code",
            "is_reference",
            "source",
        ]
        missing, changed = [], []
        for identity, new in self.bodies.items():
            old = existing.get(identity) or (by_siren.get(new.siren) if new.siren else None)
            if old is None:
                missing.append(new)
                continue
            new.pk = old.pk
            if old.short_name and not new.short_name:
                new.short_name = old.short_name  # an acronym learned from a contract stays
            if any(getattr(old, f) != getattr(new, f) for f in fields):
                for f in fields:
                    setattr(old, f, getattr(new, f))
                changed.append(old)
            self.bodies[identity] = old
        Organisation.objects.bulk_create(missing, batch_size=2000)
        Organisation.objects.bulk_update(changed, fields, batch_size=2000)
        saved = {identity_of(o): o for o in Organisation.objects.filter(is_reference=True)}
        self.write_aliases(saved)
        return saved

    def write_aliases(self, saved: dict[tuple, Organisation]) -> None:
        have = set(
            OrganisationAlias.objects.filter(organisation__is_reference=True).values_list(
                "organisation_id", "key"
            )
        )
        new = []
        for identity, labels in self.labels.items():
            organisation = saved.get(identity)
            if organisation is None:
                continue
            for label in sorted(labels):
                key = normalize_label(label)[:200]
                if (organisation.pk, key) not in have:
                    have.add((organisation.pk, key))
                    new.append(OrganisationAlias(organisation=organisation, label=label[:200], key=key))
        OrganisationAlias.objects.bulk_create(new, batch_size=5000)


def identity_of(organisation: Organisation) -> tuple:
    """A reference body's stable identity: its SIREN, or its kind and where it acts."""
    if organisation.siren:
        return ("siren", organisation.siren)
    named = organisation.kind in ("", "national")
    return (
        "body",
        organisation.kind,
        organisation.region_id,
        organisation.departement_id,
        organisation.area_code,
        organisation.name if named else "",
    )


@cache
def services() -> list[dict[str, str]]:
    return read_csv(DATA_DIR / "services-etat.csv")


@cache
def roles() -> dict[str, tuple[str, str]]:
    """Generic names (« Région », « CD », « DDTM », « Agence de l'eau ») -> (kind, level):
    they mean the body of that kind in the contract's territory."""
    found = {}
    for row in services():
        for label in filter(None, row["roles"].split("|")):
            found.setdefault(normalize_label(label), (row["kind"], row["level"]))
    for label in ("Agence de l'eau", "Office de l'eau", "AE", "Agence de l'eau du bassin"):
        found[normalize_label(label)] = ("agence-eau", "bassin")
    return found


def template_for(kind: str, code: str) -> dict | None:
    rows = [r for r in services() if r["kind"] == kind]
    specific = next((r for r in rows if code in r["codes"].split("|")), None)
    chosen = specific or next((r for r in rows if not r["codes"]), None)
    return None if chosen is None or chosen["name"] == "-" else chosen


def fill(template: str, **values) -> str:
    """A name from its template; « de Abbeville » becomes « d'Abbeville »."""
    text = template.format(**values).strip()
    return re.sub(r"\b([Dd])e ([AEIOUYÉÈÊÎÔaeiouyéèêîô])", r"\1'\2", text)


def load_bodies(directory: Path = NATIONAL_DIR) -> dict[str, int]:
    bodies = Bodies()
    regions = {r.code: r for r in Region.objects.all()}
    departements = {d.code: d for d in Departement.objects.select_related("region")}
    special = special_collectivities()
    for region in regions.values():
        if region.zone not in ("metro", "drom"):
            continue  # collectivités d'outre-mer: no CRTE, no regional services here
        values = {"nom": region.name, "de_nom": region.article + region.name, "code": region.code}
        for kind in sorted({r["kind"] for r in services() if r["level"] == "region"}):
            if kind == "conseil-regional" and region.code in special["region"]:
                continue
            add_service(bodies, kind, region.code, values, region=region)
    for departement in departements.values():
        if departement.zone not in ("metro", "drom"):
            continue
        values = {
            "nom": departement.name,
            "de_nom": departement.article + departement.name,
            "code": departement.code,
        }
        for kind in sorted({r["kind"] for r in services() if r["level"] == "departement"}):
            if kind == "conseil-departemental" and departement.code in special["departement"]:
                continue
            add_service(
                bodies, kind, departement.code, values, region=departement.region, departement=departement
            )
    add_collectivities(bodies, regions, departements)
    add_sub_prefectures(bodies, departements, directory)
    add_water_agencies(bodies)
    add_national(bodies)
    add_communes_and_groupings(bodies)
    saved = bodies.save()
    link_groupings()
    return {"organismes": len(saved)}


def add_service(bodies: Bodies, kind: str, code: str, values: dict, *, region, departement=None) -> None:
    template = template_for(kind, code)
    if template is None:
        return
    organisation = Organisation(
        name=fill(template["name"], **values),
        short_name=fill(template["short"], **values)[:40],
        category=template["category"],
        is_funder=True,
        kind=kind,
        region=region,
        departement=departement,
    )
    labels = [fill(a, **values) for a in template["aliases"].split("|") if a] + [organisation.short_name]
    bodies.add(
        ("body", kind, region.pk, departement.pk if departement else None, "", ""), organisation, labels
    )


@cache
def special_collectivities_rows() -> list[dict[str, str]]:
    return read_csv(DATA_DIR / "collectivites.csv")


def special_collectivities() -> dict[str, set[str]]:
    rows = special_collectivities_rows()
    return {
        "region": {c for r in rows for c in r["regions"].split("|") if c},
        "departement": {c for r in rows for c in r["departements"].split("|") if c},
    }


def add_collectivities(bodies: Bodies, regions: dict, departements: dict) -> None:
    """Bodies with regional or departmental powers other than a Région or a Département:
    the Collectivité de Corse, the CTM, the CTG, Mayotte, the Ville de Paris, the CeA."""
    for row in special_collectivities_rows():
        region_codes = [c for c in row["regions"].split("|") if c]
        departement_codes = [c for c in row["departements"].split("|") if c]
        kind = "conseil-regional" if region_codes else "conseil-departemental"
        first_departement = departements.get(departement_codes[0]) if departement_codes else None
        region = regions.get(region_codes[0]) if region_codes else first_departement.region
        organisation = Organisation(
            name=row["nom"],
            short_name=row["abreviation"][:40],
            category=row["categorie"],
            is_funder=True,
            kind=kind,
            region=region,
            departement=first_departement if not region_codes else None,
            area_code="|".join(departement_codes),
        )
        identity = ("body", kind, region.pk, organisation.departement_id, organisation.area_code, "")
        bodies.add(identity, organisation, row["autres_noms"].split("|"))


def add_sub_prefectures(bodies: Bodies, departements: dict, directory: Path = NATIONAL_DIR) -> None:
    names = dict(Commune.objects.values_list("insee_code", "name"))
    prefectures = {d["code"]: d.get("chefLieu") for d in read_json("departements", directory)}
    template = template_for("sous-prefecture", "")
    for arrondissement in read_json("arrondissements", directory):
        departement = departements.get(arrondissement["departement"])
        seat = arrondissement.get("chefLieu")
        if (
            departement is None
            or departement.zone not in ("metro", "drom")
            or not seat
            or seat == prefectures.get(departement.code)
            or seat not in names
        ):
            continue
        values = {"nom": names[seat], "code": arrondissement["code"]}
        organisation = Organisation(
            name=fill(template["name"], **values),
            short_name=fill(template["short"], **values)[:40],
            category=template["category"],
            is_funder=True,
            kind="sous-prefecture",
            region=departement.region,
            departement=departement,
            area_code=arrondissement["code"],
        )
        labels = [fill(a, **values) for a in template["aliases"].split("|") if a]
        bodies.add(
            ("body", "sous-prefecture", departement.region.pk, departement.pk, arrondissement["code"], ""),
            organisation,
            labels,
        )


@cache
def basins_by_departement() -> dict[str, list[str]]:
    return {r["departement"]: r["bassins"].split("|") for r in read_csv(DATA_DIR / "bassins.csv")}


def add_water_agencies(bodies: Bodies) -> None:
    for row in read_csv(DATA_DIR / "agences-eau.csv"):
        if row["nom"] == "-":
            continue
        organisation = Organisation(
            name=row["nom"],
            short_name=row["abreviation"][:40],
            category=Cat.OPERATEUR_ETAT,
            is_funder=True,
            kind="agence-eau",
            area_code=row["bassin"],
        )
        bodies.add(
            ("body", "agence-eau", None, None, row["bassin"], ""),
            organisation,
            [row["abreviation"], *row["autres_noms"].split("|")],
        )


def add_national(bodies: Bodies) -> None:
    for row in read_csv(DATA_DIR / "financeurs.csv"):
        organisation = Organisation(
            name=row["nom"],
            short_name=row["abreviation"][:40],
            category=row["categorie"],
            is_funder=True,
            kind="national",
        )
        bodies.add(
            ("body", "national", None, None, "", row["nom"]),
            organisation,
            [row["abreviation"], *row["autres_noms"].split("|")],
        )


def add_communes_and_groupings(bodies: Bodies) -> None:
    """Every current commune and every EPCI or EPT is a body (owner, financer, party),
    identified by its SIREN. Communes get no alias rows: they are found by name through
    Commune.key (core.resolve), which keeps 35 000 names out of the alias table."""
    for commune in Commune.objects.filter(is_current=True).exclude(siren="").select_related("departement"):
        organisation = Organisation(
            name=commune.name,
            category=Cat.COMMUNE,
            is_funder=True,
            siren=commune.siren,
            commune=commune,
            kind="commune",
            region_id=commune.region_id,
            departement_id=commune.departement_id,
        )
        bodies.add(("siren", commune.siren), organisation, [])
        bodies.labels[("siren", commune.siren)].clear()
    places = main_places()
    for grouping in Grouping.objects.filter(is_current=True):
        departement_id, region_id = places.get(grouping.pk, (None, None))
        organisation = Organisation(
            name=grouping.name,
            short_name=grouping.short_name[:40],
            category=Cat.EPCI,
            is_funder=True,
            siren=grouping.siren,
            kind=grouping.nature.lower(),
            departement_id=departement_id,
            region_id=region_id,
        )
        _, labels = grouping_aliases(grouping.name, grouping.nature)
        bodies.add(("siren", grouping.siren), organisation, labels)


def main_places() -> dict[int, tuple]:
    """Each grouping's main département and région: where most of its people live."""
    weights: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    through = Grouping.communes.through
    for grouping_id, departement_id, region_id, population in through.objects.values_list(
        "grouping_id", "commune__departement_id", "commune__region_id", "commune__population"
    ):
        weights[grouping_id][(departement_id, region_id)] += population or 1
    return {g: max(w.items(), key=lambda item: item[1])[0] for g, w in weights.items()}


def link_groupings() -> None:
    """Grouping.organisation: the body with the same SIREN."""
    organisations = dict(
        Organisation.objects.filter(category=Cat.EPCI).exclude(siren="").values_list("siren", "pk")
    )
    changed = []
    for grouping in Grouping.objects.only("pk", "siren", "organisation_id"):
        organisation_id = organisations.get(grouping.siren)
        if organisation_id and grouping.organisation_id != organisation_id:
            grouping.organisation_id = organisation_id
            changed.append(grouping)
    Grouping.objects.bulk_update(changed, ["organisation"], batch_size=2000)


@transaction.atomic
def load_national_reference(directory: Path = NATIONAL_DIR) -> dict[str, int]:
    """Everything above, in one transaction; records the vintage and its counts."""
    counts = load_geography(directory) | load_groupings(directory) | load_bodies(directory)
    ReferenceVintage.objects.update_or_create(name=vintage_of(directory), defaults={"counts": counts})
    return counts


def vintage_of(directory: Path) -> str:
    path = directory / "VINTAGE"
    return path.read_text(encoding="utf-8").strip() if path.exists() else directory.name


def reference_loaded() -> bool:
    return ReferenceVintage.objects.filter(name=VINTAGE).exists()
