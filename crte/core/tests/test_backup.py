"""`crte backup` then `crte restore` into an emptied database gives back every row: the same
counts and the same financing totals, on SQLite and on PostgreSQL (CI runs both)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from crte.actions.models import Action
from crte.contracts.models import Contract
from crte.core.models import Commune, Organisation
from crte.finance.models import FundingLine

pytestmark = pytest.mark.django_db(transaction=True)


def state() -> tuple:
    return (
        Contract.objects.count(),
        Action.objects.count(),
        FundingLine.objects.count(),
        FundingLine.objects.aggregate(total=Sum("amount"))["total"],
        Commune.objects.count(),
        Organisation.objects.count(),
    )


def test_a_backup_restored_into_an_empty_database_gives_everything_back(tmp_path, funding_line, action):
    FundingLine.objects.create(action=action, external_id="x", amount=Decimal("1234.56"))
    before = state()
    assert before[2] == 2 and before[4] > 30000  # the national reference is there too
    path = tmp_path / "crte.backup"
    call_command("backup", out=path, stdout=StringIO())
    assert path.stat().st_size > 0
    call_command("flush", interactive=False, verbosity=0)
    assert state()[:3] == (0, 0, 0)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), stdout=StringIO())
    call_command("restore", str(path), yes=True, stdout=StringIO())
    assert state() == before


def test_restoring_something_that_is_not_a_backup_is_refused_in_french(tmp_path):
    wrong = tmp_path / "notes.txt"
    wrong.write_text("pas une sauvegarde")
    with pytest.raises(CommandError):
        call_command("restore", str(wrong), yes=True, stdout=StringIO())
    with pytest.raises(CommandError, match="introuvable"):
        call_command("restore", str(tmp_path / "absent"), yes=True, stdout=StringIO())
    assert Commune.objects.exists()  # nothing was lost
