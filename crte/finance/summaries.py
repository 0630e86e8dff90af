"""Per-contract figures kept for the roll-ups, so that a national page sums 850 rows
instead of 250 000 financing lines.

Every write to a contract, its actions, its financing lines or its indicators' values moves
its summary's `writes` counter (signals below; bulk writers call `touch`). `refresh`
computes again, in a fixed number of queries, the contracts whose counter moved since their
figures were computed, and the roll-up reads the summaries. The figures follow the money
rule of `sql.py`; the roll-up keeps the direct computation over the lines
(`crte.reports.rollup.raw_rollup`), which a test compares with the summaries on generated
data."""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from crte.actions.models import Action
from crte.contracts.models import Contract, of_contracts
from crte.finance.models import ContractFunding, ContractSummary, FundingLine
from crte.finance.sql import actions_total, lines_total
from crte.indicators.models import Indicator, Measurement

BATCH = 2000
_held: ContextVar[set | None] = ContextVar("summaries_held", default=None)


def touch(contract_ids: Iterable[int | None]) -> None:
    """The figures of these contracts are to compute again."""
    ids = {pk for pk in contract_ids if pk is not None}
    held = _held.get()
    if held is not None:
        held.update(ids)
    elif ids:
        ContractSummary.objects.filter(contract_id__in=ids).update(writes=F("writes") + 1)


@contextmanager
def deferred():
    """Writers of thousands of rows (imports): one mark per contract when they succeed,
    instead of one per row."""
    if _held.get() is not None:
        yield
        return
    held: set = set()
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    touch(held)  # not reached when the work failed: its transaction is rolled back


def stale(contracts=None) -> dict[int, int]:
    """{contract id: writes} of the contracts whose figures are stale, after giving every
    contract without a summary one."""
    missing = (Contract.objects.all() if contracts is None else contracts).filter(summary__isnull=True)
    ids = list(missing.values_list("pk", flat=True))
    if ids:
        ContractSummary.objects.bulk_create(
            [ContractSummary(contract_id=pk) for pk in ids], batch_size=BATCH, ignore_conflicts=True
        )
    summaries = of_contracts(ContractSummary.objects.filter(computed__lt=F("writes")), "contract", contracts)
    return dict(summaries.values_list("contract_id", "writes"))


def compute(ids: list[int]) -> tuple[dict, list[ContractFunding]]:
    """The figures of these contracts, read from their actions and lines."""
    abandoned = Action.Maturity.ABANDONNEE
    figures = {
        pk: (n_actions, amount)
        for pk, n_actions, amount in Contract.objects.filter(pk__in=ids)
        .annotate(
            n_actions=Count("actions"),
            amount=actions_total("actions__", filter=~Q(actions__maturity=abandoned)),
        )
        .values_list("pk", "n_actions", "amount")
    }
    funding = (
        FundingLine.objects.filter(action__contract_id__in=ids)
        .exclude(action__maturity=abandoned)
        .values(
            "funder_id",
            contract_id=F("action__contract_id"),
            year=Coalesce("start_year", "action__start_year"),
        )
        .annotate(total=lines_total())
        .order_by()
    )
    rows = [
        ContractFunding(
            contract_id=row["contract_id"],
            funder_id=row["funder_id"],
            year=row["year"],
            total=row["total"] or 0,
        )
        for row in funding
    ]
    return figures, rows


def refresh(contracts=None) -> int:
    """Computes again the stale summaries of these contracts (None: every contract), in one
    transaction and a fixed number of queries. Returns how many were computed."""
    with transaction.atomic():
        todo = stale(contracts)
        if not todo:
            return 0
        ids = sorted(todo)
        figures, funding = compute(ids)
        ContractFunding.objects.filter(contract_id__in=ids).delete()
        ContractFunding.objects.bulk_create(funding, batch_size=BATCH)
        ContractSummary.objects.bulk_update(
            [
                ContractSummary(
                    contract_id=pk, computed=writes, n_actions=figures[pk][0], amount=figures[pk][1]
                )
                for pk, writes in todo.items()
                if pk in figures  # a contract removed meanwhile takes its summary with it
            ],
            ["computed", "n_actions", "amount"],
            batch_size=BATCH,
        )
    return len(ids)


# -- what moves the counter ---------------------------------------------------------------


def contract_written(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        touch([instance.pk])


def action_written(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        touch([instance.contract_id])


def child_written(parent: str, parent_model):
    """A receiver for rows of a contract's action or indicator: the parent's contract."""

    def receiver(sender, instance, **kwargs) -> None:
        if kwargs.get("raw"):
            return
        if sender._meta.get_field(parent).is_cached(instance):
            touch([getattr(instance, parent).contract_id])
        else:  # a parent deleted with its rows moves the counter itself
            parent_id = getattr(instance, f"{parent}_id")
            touch(parent_model.objects.filter(pk=parent_id).values_list("contract_id", flat=True))

    return receiver


line_written = child_written("action", Action)
measurement_written = child_written("indicator", Indicator)


def indicator_written(sender, instance, **kwargs) -> None:
    """The roll-up sums the contracts' indicators too (its cache follows the counter)."""
    if not kwargs.get("raw"):
        touch([instance.contract_id])


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(contract_written, sender=Contract, dispatch_uid=f"summary-contract-{signal}")
        signal.connect(action_written, sender=Action, dispatch_uid=f"summary-action-{signal}")
        signal.connect(line_written, sender=FundingLine, dispatch_uid=f"summary-line-{signal}")
        signal.connect(indicator_written, sender=Indicator, dispatch_uid=f"summary-indicator-{signal}")
        signal.connect(measurement_written, sender=Measurement, dispatch_uid=f"summary-measure-{signal}")
