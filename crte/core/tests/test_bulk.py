"""The import's bulk inserts write what Django's bulk_create and django-simple-history's
bulk_create_with_history write: the same rows, keys and history, on both databases."""

import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from simple_history.utils import bulk_create_with_history

from crte.actions.models import Action
from crte.core import bulk
from crte.core.tests.factories import UserFactory
from crte.finance.models import FundingLine

pytestmark = pytest.mark.django_db
MOMENTS = {"id", "created_at", "updated_at", "history_id", "history_date", "action", "external_id"}


def actions(orientation, prefix: str) -> list[Action]:
    return [
        Action(
            contract=orientation.contract,
            orientation=orientation,
            external_id=f"{prefix}-{n}",
            title=f"Opération « {n} » ; d'essai",
            amount=Decimal("1234567.89") + n,
            amount_basis=Action.AmountBasis.ANNUAL if n % 2 else Action.AmountBasis.TOTAL,
            start_year=2022 + n % 3,
            order=n,
        )
        for n in range(7)
    ]


def lines(of: list[Action], funder) -> list[FundingLine]:
    return [
        FundingLine(
            action=action,
            action_id=action.pk,
            external_id="l1",
            funder=funder if n % 2 else None,
            share=Decimal("0.12345678"),
            is_annual=bool(n % 2),
            status_changed_on=dt.date(2023, 3, n + 1),
            source_text="Région 12,3 %",
        )
        for n, action in enumerate(of)
    ]


def rows(queryset) -> list[dict]:
    return [
        {k: v for k, v in model_to_dict(row).items() if k not in MOMENTS} for row in queryset.order_by("pk")
    ]


def history(model, objs) -> list[dict]:
    found = model.history.filter(id__in=[o.pk for o in objs]).order_by("id")
    return [{k: v for k, v in row.items() if k not in MOMENTS and k != "action_id"} for row in found.values()]


def test_rows_keys_and_history_are_those_of_django(orientation, funder):
    user = UserFactory()
    ours, theirs = actions(orientation, "a"), actions(orientation, "b")
    bulk.insert_with_history(Action, ours, user=user)
    bulk_create_with_history(theirs, Action, default_user=user)
    assert all(a.pk and not a._state.adding for a in ours)
    assert [a.pk for a in ours] == sorted(a.pk for a in ours)
    assert rows(Action.objects.filter(pk__in=[a.pk for a in ours])) == rows(
        Action.objects.filter(pk__in=[a.pk for a in theirs])
    )
    assert history(Action, ours) == history(Action, theirs)
    assert len(history(Action, ours)) == 7 and {h["history_type"] for h in history(Action, ours)} == {"+"}
    assert Action.objects.get(pk=ours[3].pk).created_at is not None

    our_lines, their_lines = lines(ours, funder), lines(theirs, funder)
    bulk.insert_with_history(FundingLine, our_lines, user=user)
    bulk_create_with_history(their_lines, FundingLine, default_user=user)
    assert [line.action_id for line in FundingLine.objects.filter(pk__in=[x.pk for x in our_lines])] == [
        a.pk for a in ours
    ]
    assert rows(FundingLine.objects.filter(pk__in=[x.pk for x in our_lines])) == rows(
        FundingLine.objects.filter(pk__in=[x.pk for x in their_lines])
    )
    assert history(FundingLine, our_lines) == history(FundingLine, their_lines)
    assert FundingLine.objects.get(pk=our_lines[1].pk).share == Decimal("0.12345678")


def test_many_rows_go_in_several_statements(orientation):
    many = [
        Action(
            contract=orientation.contract, orientation=orientation, external_id=f"m{n}", title="x", order=n
        )
        for n in range(1200)  # more than SQLite's 999 parameters allow in one statement
    ]
    bulk.insert(Action, many)
    assert Action.objects.filter(external_id__startswith="m").count() == 1200
    assert len({a.pk for a in many}) == 1200


def test_a_made_instance_is_what_the_constructor_makes(orientation, funder):
    """`bulk.maker` skips Django's constructor: same attributes (defaults included, callable
    ones called), same related objects cached, new and unsaved, for names and attributes."""
    action = Action(contract=orientation.contract, orientation=orientation, external_id="n", title="t")
    for model, values in [
        (
            Action,
            {"contract": orientation.contract, "orientation": orientation, "priority": None, "title": "t"},
        ),
        (Action, {"contract_id": orientation.contract_id, "external_id": "x", "amount": Decimal("1.5")}),
        (FundingLine, {"action": action, "external_id": "l", "funder": funder, "share": Decimal("0.5")}),
        (FundingLine, {"action": action, "funder": None, "status": FundingLine.Status.DEMANDE}),
    ]:
        made, built = bulk.maker(model)(**values), model(**values)
        assert {k: v for k, v in made.__dict__.items() if k != "_state"} == {
            k: v for k, v in built.__dict__.items() if k != "_state"
        }
        assert made._state.fields_cache == built._state.fields_cache
        assert made._state.adding and made._state.db is None and made.pk is None
    line = bulk.maker(FundingLine)(action=action, external_id="l")
    assert line.action is action and line.action_id is None  # its action not written yet
    with pytest.raises(KeyError):
        bulk.maker(Action)(titre="t")
