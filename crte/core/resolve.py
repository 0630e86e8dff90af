"""Which body a name means, for a given contract. « Région » is the contract's région,
« CD29 » the Département whose code is 29, « Agence de l'eau » the basin's agency, « Ville
de X » the commune X. The rules are data (services-etat.csv: which generic names
mean which kind of body, at which level) and the small functions below; a name that
designates a body outside the contract's territory keeps that body and is reported.

`Place` and `choose` are pure; `BodyIndex` reads the reference once per import."""

import re
from dataclasses import dataclass, field

from crte.core.models import Departement, Grouping, Organisation, OrganisationAlias
from crte.core.national import basins_by_departement, roles
from crte.core.text import normalize_label

COMMUNE_PREFIX = re.compile(
    r"^(?:la |le |les |l )?(?:commune|ville|mairie|municipalite)s? (?:de la |de l |du |des |de |d )?"
)
SIREN_RE = re.compile(r"\b(\d{3}\s?\d{3}\s?\d{3})\b")
NATURE_WORDS = [  # normalized words -> Grouping.Nature, longest first
    ("communaute de communes", "CC"),
    ("communaute d agglomeration", "CA"),
    ("communaute urbaine", "CU"),
    ("etablissement public territorial", "EPT"),
    ("pole d equilibre territorial et rural", "PETR"),
    ("parc naturel regional", "PNR"),
    ("syndicat mixte", "SM"),
    ("metropole", "METRO"),
    ("petr", "PETR"),
    ("pays", "PAYS"),
    ("pnr", "PNR"),
    ("cc", "CC"),
    ("ca", "CA"),
    ("cu", "CU"),
    ("ept", "EPT"),
]


def grouping_nature(name: str) -> str | None:
    """The nature a grouping's name states: « Communauté urbaine d'Arras » -> CU,
    « PETR du Pays de Bray » -> PETR, « Parc naturel régional du Vexin » -> PNR."""
    key = normalize_label(name)
    key = re.sub(r"^(la|le|l) ", "", key)
    for words, nature in NATURE_WORDS:
        if key == words or key.startswith(words + " "):
            return nature
    return None


@dataclass(frozen=True)
class Place:
    """Where a contract acts: its régions, départements, arrondissements, communes and
    water basins (the first of each is the main one)."""

    regions: tuple[int, ...] = ()
    departements: tuple[int, ...] = ()
    departement_codes: tuple[str, ...] = ()
    arrondissements: tuple[str, ...] = ()
    communes: frozenset[int] = field(default_factory=frozenset)
    groupings: frozenset[str] = field(default_factory=frozenset)  # SIREN

    @property
    def basins(self) -> tuple[str, ...]:
        found: list[str] = []
        for code in self.departement_codes:
            for basin in basins_by_departement().get(code, [])[:1]:
                if basin not in found:
                    found.append(basin)
        return tuple(found)

    @property
    def is_known(self) -> bool:
        return bool(self.departements)


NOWHERE = Place()


def outside(organisation: Organisation, place: Place) -> bool:
    """True when a body acts only somewhere the contract does not (a commune, a
    département, a région or a basin of elsewhere). National bodies are never outside."""
    if not place.is_known:
        return False
    if organisation.commune_id:
        return organisation.commune_id not in place.communes
    if organisation.category == Organisation.Category.EPCI and organisation.siren:
        return (
            organisation.siren not in place.groupings
            and organisation.departement_id not in place.departements
        )
    if organisation.kind == "agence-eau":
        return organisation.area_code not in place.basins
    if organisation.departement_id:
        return organisation.departement_id not in place.departements
    if organisation.region_id:
        return organisation.region_id not in place.regions
    return False


@dataclass
class Found:
    organisation: Organisation | None
    how: str  # "nom", "role", "commune", "ambigu", "inconnu"
    candidates: list[Organisation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.organisation is not None


def choose(candidates: list[Organisation], place: Place) -> Organisation | None:
    """One body among those a name designates: the only one, or the only one in the
    territory. None when it stays ambiguous."""
    unique = list({o.pk: o for o in candidates}.values())
    if len(unique) == 1:
        return unique[0]
    inside = [o for o in unique if not outside(o, place)]
    return inside[0] if len(inside) == 1 else None


class BodyIndex:
    """The reference's bodies, read once (two queries) and looked up by name in memory;
    communes are looked up by their indexed name when a name asks for one."""

    def __init__(self, place: Place = NOWHERE):
        self.place = place
        # One instance per body, shared by its names.
        bodies = {
            o.pk: o for o in Organisation.objects.filter(is_reference=True).exclude(kind__in=["commune", ""])
        }
        aliases = list(OrganisationAlias.objects.values_list("key", "organisation_id"))
        others = {pk for _, pk in aliases if pk not in bodies}  # names learned for other bodies
        named = bodies | {o.pk: o for o in Organisation.objects.filter(pk__in=others)} if others else bodies
        self.by_key: dict[str, list[Organisation]] = {}
        for key, pk in aliases:
            self.by_key.setdefault(key, []).append(named[pk])
        self.by_role: dict[tuple, Organisation] = {}
        for organisation in bodies.values():
            if organisation.kind == "agence-eau":
                self.by_role[("agence-eau", organisation.area_code)] = organisation
            elif organisation.kind == "sous-prefecture":
                self.by_role[("sous-prefecture", organisation.area_code)] = organisation
            elif organisation.departement_id and organisation.kind != "conseil-regional":
                self.by_role.setdefault((organisation.kind, organisation.departement_id), organisation)
            elif organisation.region_id:
                self.by_role.setdefault((organisation.kind, organisation.region_id), organisation)
        self._special_departements()
        self._communes: dict[str, list[Organisation]] = {}

    def _special_departements(self) -> None:
        """A collectivité holding several départements' powers (Corse, Alsace) answers
        for each of them."""
        codes = {d.code: d.pk for d in Departement.objects.only("pk", "code")}
        for organisation in (
            Organisation.objects.filter(is_reference=True)
            .exclude(area_code="")
            .exclude(kind__in=["agence-eau", "sous-prefecture"])
        ):
            for code in organisation.area_code.split("|"):
                if code in codes:
                    self.by_role[("conseil-departemental", codes[code])] = organisation

    def role_body(self, kind: str, level: str) -> Organisation | None:
        place = self.place
        if level == "region":
            keys = [(kind, r) for r in place.regions]
        elif level == "departement":
            keys = [(kind, d) for d in place.departements]
        elif level == "arrondissement":
            keys = [(kind, a) for a in place.arrondissements]
        else:
            keys = [(kind, b) for b in place.basins]
        for key in keys:  # the main one first
            if key in self.by_role:
                return self.by_role[key]
        return None

    def communes_named(self, key: str) -> list[Organisation]:
        if key not in self._communes:
            self._communes[key] = list(
                Organisation.objects.filter(
                    kind="commune", commune__key=key, commune__is_current=True
                ).select_related("commune")
            )
            if not self._communes[key]:  # a delegated or former commune: today's commune
                self._communes[key] = list(
                    Organisation.objects.filter(
                        kind="commune", commune__former_communes__name__iexact=key.replace(" ", "-")
                    )
                )
        return self._communes[key]

    def find(self, text: str) -> Found:
        key = normalize_label(re.sub(r"^\s*(?:La|Le|Les|L['’])\s*", "", text or ""))
        if not key:
            return Found(None, "inconnu")
        if key in roles():
            kind, level = roles()[key]
            body = self.role_body(kind, level)
            return Found(body, "role" if body else "inconnu")
        commune = COMMUNE_PREFIX.match(key)
        if commune and key[commune.end() :]:
            candidates = self.communes_named(key[commune.end() :])
            if not candidates:
                return Found(None, "inconnu")
            return self._pick(candidates, "commune")
        candidates = self.by_key.get(key, [])
        if candidates:
            return self._pick(candidates, "nom")
        return Found(None, "inconnu")

    def _pick(self, candidates: list[Organisation], how: str) -> Found:
        chosen = choose(candidates, self.place)
        return Found(chosen, how if chosen else "ambigu", candidates)


# --- the grouping a contract is for ---------------------------------------------------------------


def groupings_by_siren(text: str) -> list[Grouping]:
    sirens = [re.sub(r"\s", "", s) for s in re.split(r"[,;\s]+(?=\d{9}\b)|[,;]", text or "") if s.strip()]
    found = {g.siren: g for g in Grouping.objects.filter(siren__in=sirens)}
    return [found[s] for s in sirens if s in found]


@dataclass
class GroupingMatch:
    """What a document's names say of its grouping: one grouping (found), several (a tie
    only a person can settle) or none; the name as written that said it, and how."""

    groupings: list[Grouping] = field(default_factory=list)
    label: str = ""
    how: str = ""  # "nom", "sigle", "siren", "nom approché", "communes"

    @property
    def grouping(self) -> Grouping | None:
        return self.groupings[0] if len(self.groupings) == 1 else None


# The nature words around a grouping's own name, on normalized text: « CC des Savanes »,
# « Communauté de communes des Savanes » -> « savanes »; « Brest Métropole » -> « brest ».
BARE_HEAD = re.compile(
    r"^(?:(?:la|le|l) )?(?:communaute (?:de communes|d agglomeration|urbaine|de l agglomeration)|communaute|"
    r"etablissement public territorial|metropole|agglomeration|agglo|cc|ca|cu|ept)"
    r"(?: intercommunale)?(?: (?:de la|de l|du|des|de|d))? "
)
BARE_TAIL = re.compile(
    r" (?:communaute(?: d agglomeration| de communes| urbaine)?|agglomeration|agglo|metropole)$"
)
MANY_EPCI = {"PETR", "PAYS", "SM", "PNR"}  # groupings of EPCI: only their own name says them
EPCI_NATURES = ["CC", "CA", "CU", "METRO", "EPT"]
SIMILAR_NAME = 90  # rapidfuzz score (0-100) for a name written a little differently
SMALL_WORDS = {"de", "la", "le", "les", "l", "du", "des", "d", "et", "en", "sur", "sous", "aux", "au"}


def bare_name(name: str) -> str:
    """A grouping's name without its nature, brackets or articles (normalized)."""
    key = normalize_label(re.sub(r"\([^()]*\)", " ", name or ""))
    key = BARE_HEAD.sub("", key + " ", count=1).strip()
    return BARE_TAIL.sub("", key).strip()


def _exact(label: str) -> list[Grouping]:
    key = normalize_label(re.sub(r"^\s*(?:La|Le|L['’])\s*", "", label))
    candidates = list(Grouping.objects.filter(key=key))
    if not candidates:
        candidates = list(Grouping.objects.filter(organisation__aliases__key=key).distinct()) or list(
            Grouping.objects.filter(short_name__iexact=label.strip())
        )
    return candidates


def _named_forms() -> dict[str, set[int]]:
    """Every current EPCI's names without their nature (its name, the words in its brackets,
    its aliases) -> the groupings so named."""
    forms: dict[str, set[int]] = {}
    rows = Grouping.objects.filter(is_current=True, nature__in=EPCI_NATURES).values_list("pk", "name")
    aliases = OrganisationAlias.objects.filter(
        organisation__grouping__is_current=True, organisation__grouping__nature__in=EPCI_NATURES
    ).values_list("organisation__grouping__pk", "key")
    for pk, name in rows:
        for written in [name, *re.findall(r"\(([^()]+)\)", name)]:
            forms.setdefault(bare_name(written), set()).add(pk)
    for pk, key in aliases:
        forms.setdefault(bare_name(key), set()).add(pk)
    forms.pop("", None)
    return forms


def _similar(bare: str, forms: dict[str, set[int]]) -> list[int]:
    """The groupings whose name, nature aside, is the written one or very close (the
    closest, several when as close); else those whose name holds every word written, the
    document shortening it (« Grand Sud » is in several: a tie)."""
    from rapidfuzz import fuzz

    words = [w for w in bare.split() if w not in SMALL_WORDS and len(w) > 2]
    close: dict[int, float] = {}
    holding: set[int] = set()
    for form, pks in forms.items():
        ratio = fuzz.ratio(bare, form)
        if ratio >= SIMILAR_NAME:
            for pk in pks:
                close[pk] = max(close.get(pk, 0), ratio)
        elif len(words) >= 2 and set(words) <= set(form.split()):
            holding |= pks
    if close:
        best = max(close.values())
        return sorted(pk for pk, ratio in close.items() if ratio >= best - 2)
    return sorted(holding)


def communes_cited(text: str, among: set[int] | None = None) -> dict[int, float]:
    """Groupings weighed by the communes a text names (with a capital, as names are
    written): each distinct commune counts for the groupings it belongs to, shared among
    them (« Saint-Pierre » is in several)."""
    through = Grouping.communes.through.objects.filter(
        grouping__is_current=True, grouping__nature__in=EPCI_NATURES, commune__is_current=True
    )
    if among is not None:
        through = through.filter(grouping_id__in=among)
    index: dict[str, set[int]] = {}
    for key, pk in through.values_list("commune__key", "grouping_id"):
        index.setdefault(key, set()).add(pk)
    longest = max((len(k.split()) for k in index), default=0)
    words = re.findall(r"[^\W_]+", text or "")
    named: set[str] = set()
    for i, word in enumerate(words):
        if not word[0].isupper():
            continue
        for n in range(min(longest, len(words) - i), 0, -1):
            key = normalize_label(" ".join(words[i : i + n]))
            if key in index:
                named.add(key)
                break
    weights: dict[int, float] = {}
    for key in named:
        for pk in index[key]:
            weights[pk] = weights.get(pk, 0) + 1 / len(index[key])
    return weights


def _by_communes(weights: dict[int, float], pks: list[int] | None = None) -> int | None:
    """The grouping the communes point to: clearly more than any other (among `pks`, or
    alone: at least three communes' worth)."""
    ranked = sorted(((weights.get(pk, 0), pk) for pk in (pks if pks is not None else weights)), reverse=True)
    if not ranked:
        return None
    best, second = ranked[0][0], (ranked[1][0] if len(ranked) > 1 else 0)
    enough = best > 0 if pks is not None else best >= 2.5
    return ranked[0][1] if enough and best >= 2 * second else None


def match_grouping(names: list[tuple[str, str]], text: str = "") -> GroupingMatch:
    """The grouping a document names, from its names as written (best first, each with its
    acronym): by a name or an acronym of the reference, a SIREN written in the text, then
    for an EPCI by its name without its nature and close spellings (a contract signed by
    the « Communauté de communes X » of what is now the « CA X »), the communes the text
    names settling a tie or, when no name is close, saying which EPCI it is."""
    names = [(n, s) for n, s in names if n or s][:4]
    for_many = bool(names) and grouping_nature(names[0][0]) in MANY_EPCI
    names = names[:1] if for_many else names  # a PETR, a Pays…: its member EPCI are not it
    for name, short in names:
        for label, how in ((name, "nom"), (short, "sigle")):
            candidates = _exact(label) if label else []
            if len(candidates) == 1:
                return GroupingMatch(candidates, label, how)
    for siren in SIREN_RE.findall((text or "")[:20000]):  # next to its name, at the start
        grouping = Grouping.objects.filter(siren=re.sub(r"\s", "", siren)).first()
        if grouping:
            return GroupingMatch([grouping], siren, "siren")
    epci_names = [n for n, _ in names[:3] if n and grouping_nature(n) not in MANY_EPCI]
    if for_many or not epci_names:
        return GroupingMatch()
    forms = _named_forms()
    for name in epci_names:
        pks = _similar(bare_name(name), forms)
        if len(pks) > 1:
            chosen = _by_communes(communes_cited(text, set(pks)), pks)
            pks = [chosen] if chosen else pks
        if pks:
            found = list(Grouping.objects.filter(pk__in=pks).order_by("name"))
            return GroupingMatch(found, name, "nom approché")
    chosen = _by_communes(communes_cited(text))
    if chosen:
        return GroupingMatch([Grouping.objects.get(pk=chosen)], epci_names[0], "communes")
    return GroupingMatch()


def identify_grouping(name: str, short: str = "", text: str = "") -> Grouping | None:
    """The grouping a document names: by its name (every nature), its acronym, or a SIREN
    written next to it, else as `match_grouping` finds it. None when nothing matches one
    grouping."""
    return match_grouping([(name, short)], text).grouping


def place_of(territory) -> Place:
    """The Place of a contracts.Territory (its derived communes, départements, régions)."""
    if territory is None:
        return NOWHERE
    communes = list(
        territory.communes.values_list(
            "pk", "departement_id", "region_id", "arrondissement_code", "population", "departement__code"
        )
    )
    return _place(communes, frozenset(territory.groupings.values_list("siren", flat=True)))


def _place(communes: list[tuple], groupings: frozenset[str]) -> Place:
    weight_d: dict[tuple, int] = {}
    weight_r: dict[int, int] = {}
    weight_a: dict[str, int] = {}
    for _, departement, region, arrondissement, population, code in communes:
        weight_d[(departement, code)] = weight_d.get((departement, code), 0) + (population or 1)
        weight_r[region] = weight_r.get(region, 0) + (population or 1)
        weight_a[arrondissement] = weight_a.get(arrondissement, 0) + (population or 1)
    departements = sorted((k for k in weight_d if k[0]), key=lambda k: -weight_d[k])
    return Place(
        regions=tuple(r for r in sorted(weight_r, key=lambda r: -weight_r[r]) if r),
        departements=tuple(d for d, _ in departements),
        departement_codes=tuple(c for _, c in departements),
        arrondissements=tuple(a for a in sorted(weight_a, key=lambda a: -weight_a[a]) if a),
        communes=frozenset(c[0] for c in communes),
        groupings=groupings,
    )


def place_for_groupings(groupings: list[Grouping]) -> Place:
    """The Place of groupings not yet attached to a territory (an import in progress)."""
    communes = {}
    for grouping in groupings:
        for commune in grouping.all_communes().select_related("departement"):
            communes[commune.pk] = commune
    return _place(
        [
            (
                c.pk,
                c.departement_id,
                c.region_id,
                c.arrondissement_code,
                c.population,
                c.departement.code if c.departement else "",
            )
            for c in communes.values()
        ],
        frozenset(g.siren for g in groupings),
    )
