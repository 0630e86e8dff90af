from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crte.finance.models import FundingLine
from crte.finance.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


def post(client, line, **changes):
    data = {
        "funder": line.funder_id or "",
        "scheme": line.scheme_id or "",
        "amount": str(line.amount or ""),
        "rate": "",
        "start_year": line.start_year or "",
        "end_year": line.end_year or "",
        "status": "accorde",
        "status_changed_on": "",
        "credit_type": line.credit_type,
        "note": "",
        "revision": line.revision,
    }
    data.update(changes)
    return client.post(reverse("finance:funding_line_edit", args=[line.pk]), data)


def test_financer_member_updates_the_status_of_its_own_line(client, funder_member, funding_line):
    client.force_login(funder_member)
    assert post(client, funding_line).status_code == 302
    funding_line.refresh_from_db()
    assert funding_line.status == FundingLine.Status.ACCORDE
    assert funding_line.status_changed_on == timezone.localdate()
    assert funding_line.history.first().history_user == funder_member


def test_financer_member_gets_403_on_another_financers_line(client, funder_member, action):
    other = FundingLineFactory(action=action)
    client.force_login(funder_member)
    assert post(client, other).status_code == 403
    other.refresh_from_db()
    assert other.status == FundingLine.Status.PREVU


def test_reader_and_owner_member_get_403_on_a_funding_line(client, reader, owner_member, funding_line):
    for user in (reader, owner_member):
        client.force_login(user)
        assert post(client, funding_line).status_code == 403


def test_outsider_gets_404_on_a_funding_line(client, outsider, funding_line):
    client.force_login(outsider)
    assert post(client, funding_line).status_code == 404


def test_a_status_date_in_the_future_is_refused(client, manager, funding_line):
    client.force_login(manager)
    response = post(client, funding_line, status_changed_on="2099-01-01")
    assert "futur" in " ".join(response.context["form"].errors["status_changed_on"])


def test_share_resolves_against_the_action_amount_to_the_cent(action, funder):
    line = FundingLineFactory(action=action, funder=funder, amount=None, share=Decimal("0.3530958"))
    assert line.resolved_amount() == Decimal("35309.58")


def test_action_page_shows_the_update_link_to_the_financer_only(client, funder_member, reader, funding_line):
    link = reverse("finance:funding_line_edit", args=[funding_line.pk])
    client.force_login(funder_member)
    assert link in client.get(funding_line.action.get_absolute_url()).content.decode()
    client.force_login(reader)
    assert link not in client.get(funding_line.action.get_absolute_url()).content.decode()
