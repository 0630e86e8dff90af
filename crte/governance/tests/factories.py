import datetime

import factory

from crte.governance.models import Committee, Meeting


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["contract", "kind"]

    kind = Committee.Kind.COTECH


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    date = datetime.date(2024, 5, 14)
    place = "Béthune"
    status = Meeting.Status.TENUE
