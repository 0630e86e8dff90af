import factory

from crte.core.models import Commune, Organisation, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Prénom"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.django.Password("motdepasse-test")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    insee_code = factory.Sequence(lambda n: f"62{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    population = 1000


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    category = Organisation.Category.AUTRE_PUBLIC


class FunderFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Financeur {n}")
    category = Organisation.Category.REGION
    is_funder = True
