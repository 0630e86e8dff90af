"""Bulk inserts for writers of thousands of rows (imports), with their history rows.

Django's `bulk_create` builds the SQL of every value through its compiler, and
django-simple-history builds a model instance per history row: for an import of 10 000 rows
that preparation costs more than the database's work. Here each batch is one
`INSERT … VALUES (…), (…) RETURNING id` whose values are prepared by each field as Django
prepares them (`pre_save`, then `get_db_prep_save`: auto dates, decimals, foreign keys), and
the history rows hold what `bulk_history_create` would put in them. As with `bulk_create`:
no `save()`, no signal.

On PostgreSQL the rows go through `COPY … FROM STDIN (FORMAT BINARY)` (new keys drawn from
the table's sequence first): a multi-row INSERT of 65 000 parameters is spent in the driver
splitting the statement (psycopg scans it for placeholders: 17 s of a 10 000-row import).
ADR 0008."""

from decimal import Decimal
from operator import attrgetter, itemgetter

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import AutoField, BigAutoField, SmallAutoField, signals
from django.db.models.base import ModelState
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

POSTGRES_PARAMS = 65535  # psycopg's limit of parameters per statement


TEXT = (models.CharField, models.TextField)
WHOLE = (models.IntegerField, models.BooleanField)


def preparer(field):
    """The field's `get_db_prep_save`, skipped for values already of the database's type
    (texts for text fields, integers for integer fields and keys to numbered rows) and
    for None, and done once for a value repeated row after row (the moment of the write).
    A decimal goes straight to the database's adapter, as `get_db_prep_save` ends."""
    # The connection itself: through the `connection` proxy every use costs a look-up of
    # the current thread's connections.
    database = connections[DEFAULT_DB_ALIAS]
    last: list = [object(), None]

    def prepare(value):
        if value is None:
            return None
        if value is not last[0]:
            last[:] = [value, field.get_db_prep_save(value, database)]
        return last[1]

    if isinstance(field, models.DecimalField):
        adapt, digits, places = database.ops.adapt_decimalfield_value, field.max_digits, field.decimal_places
        return lambda value: (
            adapt(value, digits, places) if type(value) is Decimal and value.is_finite() else prepare(value)
        )
    if isinstance(field, TEXT):
        return lambda value: value if value is None or type(value) is str else prepare(value)
    if isinstance(field, WHOLE) or (isinstance(field, models.ForeignKey) and numbered(field.related_model)):
        return lambda value: value if value is None or type(value) in (int, bool) else prepare(value)
    return prepare


def numbered(model) -> bool:
    return isinstance(model._meta.pk, AutoField | BigAutoField | SmallAutoField)


def maker(model):
    """`model(**values)` for new rows, without Django's generic constructor (a fifth of a
    10 000-row import went to it): every concrete field takes its value or its default, a
    related object given by name sets the key and is cached, as the constructor does. The
    constructor itself for a model some `post_init` receiver listens to."""
    if signals.post_init.has_listeners(model):
        return model
    fields = model._meta.concrete_fields
    # name -> (attribute, whether the value is a related object)
    slots = {f.attname: (f.attname, False) for f in fields} | {
        f.name: (f.attname, f.is_relation) for f in fields
    }
    computed = [f for f in fields if f.has_default() and callable(f.default)]
    fixed = {f.attname: f.get_default() for f in fields if f not in computed}
    new = object.__new__

    def make(**values):
        obj = new(model)
        state = obj._state = ModelState()
        attributes = obj.__dict__
        attributes.update(fixed)
        for field in computed:
            attributes[field.attname] = field.get_default()
        for name, value in values.items():
            attname, related = slots[name]  # KeyError for what is not a field, as TypeError there
            if related:
                attributes[attname] = None if value is None else value.pk
                state.fields_cache[name] = value
            else:
                attributes[attname] = value
        return obj

    return make


def insert_rows(model, fields: list, rows, *, returning: bool, count: int | None = None) -> list:
    """INSERT prepared `rows` (values of `fields`, in order; a list, or any iterable of
    `count` rows) into `model`'s table; returns the new primary keys, in order, when
    `returning`."""
    if connection.vendor == "postgresql":
        return copy_rows(model, fields, rows, returning=returning, count=count)
    rows = list(rows)
    quote = connection.ops.quote_name
    opts = model._meta
    # Names from the models' metadata, quoted; every value is a parameter.
    columns = ", ".join(quote(f.column) for f in fields)
    head = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # nosec B608
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(opts.pk.column)}" if returning else ""
    size = max(1, (connection.features.max_query_params or POSTGRES_PARAMS) // len(fields))
    keys = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, [v for row in batch for v in row])
            if returning:
                keys += [pk for (pk,) in cursor.fetchall()]
    return keys


def column_types(table: str, columns: tuple[str, ...]) -> list[int]:
    """The PostgreSQL types (oids) of these columns, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [connection.ops.quote_name(table)],
        )
        found = dict(cursor.fetchall())
    return [found[column] for column in columns]


def copy_rows(model, fields: list, rows, *, returning: bool, count: int | None = None) -> list:
    """`insert_rows` on PostgreSQL: keys drawn from the sequence of the primary key (one
    query), then one COPY of every row, keys included. Rows may be produced as they are
    sent: a thread writes to the server while this one prepares the next ones, so the
    database's work and Python's overlap."""
    quote = connection.ops.quote_name
    opts = model._meta
    keys = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(rows) if count is None else count],
            )
            keys = [pk for (pk,) in cursor.fetchall()]
            fields = [opts.pk, *fields]
            rows = ([pk, *row] for pk, row in zip(keys, rows, strict=True))
        columns = ", ".join(quote(f.column) for f in fields)
        types = column_types(opts.db_table, tuple(f.column for f in fields))
        # Names from the models' metadata, quoted; the values travel as COPY data, in
        # PostgreSQL's binary form (neither side turns numbers and dates into text).
        statement = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(statement, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
    return keys


def insert(model, objs: list, moment=None) -> tuple[list, list[list]]:
    """INSERT `objs` (new instances of `model`); their primary keys come from the database.
    Automatic dates take `moment` (now by default). Returns the fields written and each
    object's prepared values."""
    if not objs:
        return [], []
    auto = numbered(model)
    fields = [f for f in model._meta.concrete_fields if not (auto and f.primary_key)]
    moment = moment or timezone.now()
    automatic = {
        f.attname: moment.date() if type(f) is models.DateField else moment
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    for obj in objs:  # the write's moment, set on the objects as `pre_save` does
        obj.__dict__.update(automatic)
    names = [f.attname for f in fields]
    # All of an object's values at once (a tuple, even of one value).
    values = attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    own_pre_save = [
        (n, f)
        for n, f in enumerate(fields)
        if f.attname not in automatic and type(f).pre_save is not models.Field.pre_save
    ]
    preparers = [preparer(f) for f in fields]
    rows: list[list] = []

    def prepared():  # kept for the history, produced as they are sent
        for obj in objs:
            row = values(obj)
            if own_pre_save:
                row = list(row)
                for n, field in own_pre_save:
                    row[n] = field.pre_save(obj, True)
            rows.append([prepare(value) for prepare, value in zip(preparers, row, strict=True)])
            yield rows[-1]

    keys = insert_rows(model, fields, prepared(), returning=auto, count=len(objs))
    for obj, pk in zip(objs, keys, strict=True) if auto else ():
        obj.pk = pk
    for obj in objs:
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    return fields, rows


def insert_values(model, names: list[str], rows: list[tuple]) -> None:
    """INSERT rows given as values of the fields `names` (attribute names: `action_id`),
    without model instances: link tables written by the thousand."""
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in names]
    preparers = [preparer(f) for f in fields]
    prepared = [[prepare(value) for prepare, value in zip(preparers, row, strict=True)] for row in rows]
    if prepared:
        insert_rows(model, fields, prepared, returning=False)


def insert_with_history(model, objs: list, *, user=None) -> None:
    """`insert`, then one « + » history row per object, dated as the rows, by `user`: the
    object's values as they were prepared for its own row (a history field is a copy of the
    model's), its new key, and the history's own columns."""
    if not objs:
        return
    moment = timezone.now()
    written, rows = insert(model, objs, moment)
    history = model.history.model
    tracked = {f.attname for f in history.tracked_fields}
    own = {
        "history_date": moment,
        "history_user_id": user.pk if user is not None else None,
        "history_change_reason": None,  # as bulk_create_with_history leaves it
        "history_type": "+",
    }
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    unknown = [f.attname for f in fields if f.attname not in tracked and f.attname not in own]
    if unknown:
        raise ValueError(f"{history.__name__}: history fields left unfilled: {unknown}")
    # Each history row is picked from [*object's row, its key, *history's own values].
    position = {f.attname: n for n, f in enumerate(written)}
    key_at = len(written)
    own_at = {name: key_at + 1 + n for n, name in enumerate(own)}
    extra = [preparer(history._meta.get_field(name.removesuffix("_id")))(v) for name, v in own.items()]
    picks = [
        own_at[f.attname]
        if f.attname in own
        else position.get(f.attname, key_at if f.attname == model._meta.pk.attname else None)
        for f in fields
    ]
    if None in picks:
        raise ValueError(f"{history.__name__}: tracked fields the model does not write: {fields}")
    pick = itemgetter(*picks)
    history_rows = (pick([*row, obj.pk, *extra]) for row, obj in zip(rows, objs, strict=True))
    insert_rows(history, fields, history_rows, returning=False)
