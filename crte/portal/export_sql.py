"""The open-data export written by PostgreSQL itself: each resource is the query of
crte/portal/exports.py with its columns formatted in SQL, sent through `COPY … TO STDOUT`
straight into the file. Same rows, same order, same bytes as the Python rows (a test
compares both on data written to trip them); Python's csv module is only bypassed.

Formatting (functions of migration portal 0001): `crte_text` is `text()` (NULL for empty,
the formula guard), `crte_number` is `number()`; dates with `to_char`, the national
schema's UUID v5 with `uuid_generate_v5` (extension uuid-ossp). Empty values are NULL,
which COPY writes as nothing, as the csv module writes an empty string."""

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from psycopg import ClientCursor

from crte.actions.models import Action
from crte.contracts.models import of_contracts
from crte.indicators.models import Measurement, Target
from crte.portal import exports
from crte.portal.exports import PHASE_STATUSES, PHASES, PROJECT_EMPTY, PROJECT_NAMESPACE

TEXT = TextField()


def people(expression):
    """A text people wrote: `exports.text`."""
    return Func(expression, function="crte_text", output_field=TEXT)


def number(expression, places: int = 2):
    """`exports.number` (rounded half away from zero, no trailing zeros)."""
    return Func(expression, Value(places), function="crte_number", output_field=TEXT)


def day(expression):
    return Func(expression, Value("YYYY-MM-DD"), function="to_char", output_field=TEXT)


def utc(expression):
    """`exports.iso_utc`: the moment in UTC, to the second."""
    template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
    return Func(expression, template=template, output_field=TEXT)


def year(expression):
    """`exports.year_or_empty`: none for 0 or nothing."""
    return Cast(NullIf(expression, Value(0)), TEXT)


def joined(*parts):
    """Parts joined by `||`: NULL as soon as one is."""
    return Func(*parts, template="(%(expressions)s)", arg_joiner=" || ", output_field=TEXT)


def boolean(condition: Q):
    return Case(When(condition, then=Value("true")), default=Value("false"), output_field=TEXT)


def when(condition: Q, then, otherwise=None):
    return Case(When(condition, then=then), default=otherwise, output_field=TEXT)


def choice(field: str, labels: dict, default=None):
    return Case(
        *(When(**{field: key}, then=Value(label)) for key, label in labels.items()),
        default=Value(default),
        output_field=TEXT,
    )


def columns(queryset, *expressions):
    """`queryset` reduced to these columns, in order."""
    names = [f"c{n}" for n in range(len(expressions))]
    return queryset.annotate(**dict(zip(names, expressions, strict=True))).values_list(*names)


def linked(through, contracts, value: str, *order: str) -> tuple[str, list]:
    """(action id, its links' values joined by « ; » in the order of the pages), one row per
    action of these contracts."""
    rows = of_contracts(through.objects.order_by(), "action__contract", contracts).values("action_id")
    listed = StringAgg(value, delimiter=" ; ", ordering=order, output_field=TEXT)
    return rows.annotate(v=listed).values_list("action_id", "v").query.sql_with_params()


def contracts_query(contracts):
    query = exports.contracts_in_order(contracts)
    known = Q(territory__isnull=False)
    return columns(
        query,
        people(F("slug")),
        people(F("name")),
        when(known, people(F("territory__epci__siren"))),
        when(known, people(F("territory__epci__name")), people(F("name"))),
        day(F("signed_on")),
        year(F("start_year")),
        year(F("end_year")),
        Cast("version", TEXT),
        people(F("status")),
    )


def orientations_query(contracts):
    query = exports.orientations_in_order(contracts)
    return columns(
        query, people(F("contract__slug")), people(F("code")), people(F("name")), Cast("order", TEXT)
    )


def priorities_query(contracts):
    query = exports.priorities_in_order(contracts)
    return columns(
        query,
        people(F("orientation__contract__slug")),
        people(joined(F("orientation__code"), Value("-"), F("code"))),
        people(F("orientation__code")),
        people(F("label")),
    )


def actions_query(contracts):
    """The actions, then their owners and communes joined from one grouped query each (a
    subquery per action would run 85 000 times for the whole country)."""
    query = of_contracts(Action.objects.order_by(), "contract", contracts)
    keys = [F("pk"), F("contract_id"), F("orientation__order"), F("order")]
    actions, params = columns(
        query,
        people(F("contract__slug")),
        people(F("external_id")),
        people(F("title")),
        people(F("description")),
        people(F("orientation__code")),
        people(joined(F("priority__orientation__code"), Value("-"), F("priority__code"))),
        number(F("amount")),
        boolean(Q(amount_basis=Action.AmountBasis.ANNUAL)),
        people(F("amount_text")),
        year(F("start_year")),
        year(F("end_year")),
        people(F("calendar_text")),
        people(F("maturity")),
        people(F("source")),
        *keys,
    ).query.sql_with_params()
    owners, owners_params = linked(
        Action.owners.through, contracts, "organisation__name", "organisation__name", "organisation_id"
    )
    communes, communes_params = linked(
        Action.communes.through, contracts, "commune__insee_code", "commune__name", "commune__insee_code"
    )
    shown = [f"a.c{n}" for n in range(6)] + ["crte_text(o.v)"] + [f"a.c{n}" for n in range(6, 13)]
    shown += ["crte_text(m.v)", "a.c13"]
    order = ", ".join(f"a.c{14 + n}" for n in (1, 2, 3, 0))  # contract, orientation, action, id
    sql = (
        f"SELECT {', '.join(shown)} FROM ({actions}) AS a "  # nosec B608: SQL of the ORM, values as parameters
        f"LEFT JOIN ({owners}) AS o (action_id, v) ON o.action_id = a.c14 "
        f"LEFT JOIN ({communes}) AS m (action_id, v) ON m.action_id = a.c14 "
        f"ORDER BY {order}"
    )
    return sql, [*params, *owners_params, *communes_params]


def funding_query(contracts):
    query = exports.lines_in_order(contracts)
    known = Q(funder__isnull=False)
    resolved = Coalesce(
        F("amount"),
        Func(F("share") * F("action__amount"), Value(2), function="round"),
        output_field=DecimalField(),
    )
    return columns(
        query,
        people(F("action__contract__slug")),
        people(joined(F("action__external_id"), Value("/"), F("external_id"))),
        people(F("action__external_id")),
        when(known, people(F("funder__name")), Value("Non précisé")),
        when(known, people(F("funder__category")), Value("INCONNU")),
        people(F("scheme__name")),
        number(resolved),
        number(F("share"), 8),
        boolean(Q(is_annual=True)),
        people(F("status")),
        people(F("credit_type")),
        people(F("source_text")),
    )


def indicators_query(contracts):
    query = exports.indicators_in_order(contracts)
    target = Case(
        When(orientation__isnull=False, then=F("orientation__code")),
        When(action__isnull=False, then=F("action__external_id")),
        default=None,
        output_field=TEXT,
    )
    return columns(
        query,
        people(F("contract__slug")),
        people(F("code")),
        people(F("name")),
        people(F("unit")),
        people(F("level")),
        people(target),
        people(F("direction")),
        people(F("source")),
    )


def values_query(contracts):
    """Baselines, then results by date, then targets by year, indicator by indicator: the
    three kinds in one sorted union (`exports.value_rows`)."""
    no_date, no_year = Cast(Value(None), DateField()), Cast(Value(None), IntegerField())

    def kind(queryset, prefix: str, part: int, date, key_date, key_year, label: str, value, note: str):
        return (
            queryset.order_by()
            .annotate(
                v0=people(F(f"{prefix}contract__slug")),
                v1=people(F(f"{prefix}code")),
                v2=date,
                v3=Value(label, output_field=TEXT),
                v4=number(value, 6),
                v5=people(F(note)),
                k0=F(f"{prefix}contract_id"),
                k1=F(f"{prefix}code"),
                k2=F(f"{prefix}id"),
                k3=Value(part, output_field=IntegerField()),
                k4=key_date,
                k5=key_year,
                k6=F("id"),
            )
            .values_list("v0", "v1", "v2", "v3", "v4", "v5", "k0", "k1", "k2", "k3", "k4", "k5", "k6")
        )

    baselines = kind(
        exports.contract_indicators(contracts)
        .exclude(baseline_year=0)
        .filter(baseline_year__isnull=False, baseline_value__isnull=False),
        "",
        0,
        joined(Cast("baseline_year", TEXT), Value("-01-01")),
        no_date,
        no_year,
        "reference",
        F("baseline_value"),
        "source",
    )
    results = kind(
        exports.of_indicators(Measurement, contracts),
        "indicator__",
        1,
        day(F("date")),
        F("date"),
        no_year,
        "resultat",
        F("value"),
        "source",
    )
    aimed = exports.of_indicators(Target, contracts)
    computed = Coalesce(
        F("value"),
        F("indicator__baseline_value") * (Value(1) + F("relative_change")),
        output_field=DecimalField(),
    )
    targets = kind(
        aimed.annotate(computed=computed).filter(computed__isnull=False),
        "indicator__",
        2,
        joined(Cast("year", TEXT), Value("-01-01")),
        no_date,
        F("year"),
        "objectif",
        F("computed"),
        "note",
    )
    union, params = baselines.union(results, targets, all=True).query.sql_with_params()
    quote = connection.ops.quote_name
    shown = ", ".join(quote(f"v{n}") for n in range(6))
    order = ", ".join(quote(f"k{n}") for n in range(7))
    # Names only; the values stay parameters.
    return f"SELECT {shown} FROM ({union}) AS valeurs ORDER BY {order}", params  # nosec B608


def decisions_query(contracts):
    query = exports.decisions_in_order(contracts)
    return columns(
        query,
        people(F("meeting__committee__contract__slug")),
        Cast("pk", TEXT),
        people(F("meeting__committee__kind")),
        day(F("meeting__date")),
        people(F("kind")),
        people(F("subject")),
        people(F("action__external_id")),
    )


def projects_query(contracts):
    query = exports.actions_in_order(contracts)
    budget = Q(amount__isnull=False) & ~Q(amount_basis=Action.AmountBasis.ANNUAL)
    return columns(
        query,
        Cast(
            Func(
                Value(str(PROJECT_NAMESPACE)),
                joined(F("contract__slug"), Value("/"), F("external_id")),
                template="uuid_generate_v5(%(expressions)s)",
                arg_joiner="::uuid, ",
            ),
            TEXT,
        ),
        utc(F("created_at")),
        utc(F("updated_at")),
        people(F("title")),
        people(F("description")),
        when(budget, number(F("amount"), 0)),
        joined(year(F("start_year")), Value("-01-01")),
        choice("maturity", PHASES),
        choice("maturity", PHASE_STATUSES, "En cours"),
        Value("CRTE", output_field=TEXT),
        *[Value(None, output_field=TEXT)] * len(PROJECT_EMPTY),
    )


QUERIES = {
    "contrats": contracts_query,
    "orientations": orientations_query,
    "enjeux": priorities_query,
    "actions": actions_query,
    "financements": funding_query,
    "indicateurs": indicators_query,
    "valeurs": values_query,
    "decisions": decisions_query,
    "projets-territoire": projects_query,
}


def sql_of(name: str, contracts) -> tuple[str, list]:
    built = QUERIES[name](contracts)
    return built if isinstance(built, tuple) else built.query.sql_with_params()


def uuid5_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('uuid_generate_v5(uuid, text)') IS NOT NULL")
        return cursor.fetchone()[0]


def copy_csv(handle, name: str, contracts) -> None:
    """The rows of resource `name` (no header) written by PostgreSQL into binary `handle`."""
    sql, params = sql_of(name, contracts)
    with connection.cursor() as cursor:
        # COPY takes no parameters: psycopg inlines the values, quoted, whatever the binding
        # of Django's cursors.
        statement = ClientCursor(cursor.connection).mogrify(sql, params)
        with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                handle.write(block)


def copied(name: str) -> bool:
    """Whether PostgreSQL writes this resource (every one but the national schema's
    projects without uuid-ossp)."""
    return connection.vendor == "postgresql" and (name != "projets-territoire" or uuid5_available())
