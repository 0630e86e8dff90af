from decimal import Decimal

import factory

from crte.actions.tests.factories import ActionFactory
from crte.core.tests.factories import FunderFactory
from crte.finance.models import FundingLine


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    action = factory.SubFactory(ActionFactory)
    external_id = factory.Sequence(lambda n: f"financement-{n}")
    funder = factory.SubFactory(FunderFactory)
    amount = Decimal("50000")
