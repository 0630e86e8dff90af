import factory

from crte.contracts.models import Contract, Membership, Orientation, Priority, Territory
from crte.core.models import Organisation
from crte.core.tests.factories import OrganisationFactory


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Communauté de communes {n}")
    epci = factory.SubFactory(OrganisationFactory, category=Organisation.Category.EPCI)
    departement_code = "62"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    slug = factory.Sequence(lambda n: f"crte-test-{n}")
    name = factory.Sequence(lambda n: f"CRTE de test {n}")
    territory = factory.SubFactory(TerritoryFactory)
    start_year = 2021
    end_year = 2026
    duration_years = 6
    status = Contract.Status.SIGNE


class OrientationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Orientation

    contract = factory.SubFactory(ContractFactory)
    code = factory.Sequence(lambda n: f"orientation-{n}")
    name = factory.Sequence(lambda n: f"Orientation {n}")
    order = factory.Sequence(int)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    orientation = factory.SubFactory(OrientationFactory)
    code = factory.Sequence(lambda n: f"E{n}")
    label = factory.Sequence(lambda n: f"Enjeu {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    contract = factory.SubFactory(ContractFactory)
    role = Membership.Role.LECTEUR
