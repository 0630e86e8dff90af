from decimal import Decimal

import factory

from crte.actions.models import Action
from crte.contracts.tests.factories import OrientationFactory


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    orientation = factory.SubFactory(OrientationFactory)
    contract = factory.SelfAttribute("orientation.contract")
    external_id = factory.Sequence(lambda n: f"action-{n}")
    title = factory.Sequence(lambda n: f"Action {n}")
    description = "Description de l'action."
    amount = Decimal("100000")
    maturity = Action.Maturity.VALIDEE

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        if create and extracted:
            self.owners.set(extracted)
