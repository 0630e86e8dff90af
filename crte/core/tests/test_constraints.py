"""The hard rules live in the database: a write that breaks them fails whatever the path."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from crte.actions.tests.factories import ActionFactory
from crte.contracts.models import Membership
from crte.contracts.tests.factories import ContractFactory, MembershipFactory
from crte.core.tests.factories import OrganisationFactory, UserFactory
from crte.finance.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


def refused(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


def test_negative_amounts_are_refused():
    refused(ActionFactory, amount=Decimal("-1"))
    refused(FundingLineFactory, amount=Decimal("-0.01"))


def test_shares_stay_between_0_and_1():
    refused(FundingLineFactory, share=Decimal("1.2"))
    refused(FundingLineFactory, share=Decimal("-0.1"))
    assert FundingLineFactory(share=Decimal("1")).share == 1


def test_years_must_be_plausible_and_ordered():
    refused(ActionFactory, start_year=1850)
    refused(ActionFactory, start_year=2024, end_year=2022)
    refused(ContractFactory, start_year=2021, end_year=3021)


def test_external_ids_are_unique_within_a_contract():
    action = ActionFactory(external_id="parking")
    refused(ActionFactory, orientation=action.orientation, external_id="parking")
    assert ActionFactory(external_id="parking").external_id == "parking"  # another contract


def test_organisation_roles_need_an_organisation():
    contract, user = ContractFactory(), UserFactory()
    refused(MembershipFactory, contract=contract, user=user, role=Membership.Role.FINANCEUR)
    refused(
        MembershipFactory,
        contract=contract,
        user=user,
        role=Membership.Role.LECTEUR,
        organisation=OrganisationFactory(),
    )
    assert MembershipFactory(contract=contract, user=user, role=Membership.Role.LECTEUR)
