"""Art. 7: the COPIL meets at least once a year, the COTECH at least twice."""

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear

from crte.governance.models import Committee, Meeting

MINIMUM = {Committee.Kind.COPIL: 1, Committee.Kind.COTECH: 2}


@dataclass(frozen=True)
class YearFrequency:
    year: int
    copil: int
    cotech: int
    complete: bool  # a year still under way is not judged

    @property
    def warnings(self) -> list[str]:
        found = []
        if not self.complete:
            return found
        if self.copil < MINIMUM[Committee.Kind.COPIL]:
            found.append(
                f"{self.year} : le comité de pilotage ne s'est pas réuni (au moins une fois par an)."
            )
        if self.cotech < MINIMUM[Committee.Kind.COTECH]:
            found.append(
                f"{self.year} : le comité technique s'est réuni {self.cotech} fois "
                "(au moins deux fois par an)."
            )
        return found


def committee_frequency(contract, today) -> list[YearFrequency]:
    """Meetings held (not cancelled) per year of the contract up to this year (one
    query); years before this one are judged against the minimum."""
    until_year = min(contract.end_year or today.year, today.year)
    first = min(contract.start_year or until_year, until_year)
    counts = (
        Meeting.objects.filter(committee__contract=contract)
        .exclude(status=Meeting.Status.ANNULEE)
        .annotate(year=ExtractYear("date"))
        .values("year", "committee__kind")
        .annotate(n=Count("id"))
    )
    table = {(row["year"], row["committee__kind"]): row["n"] for row in counts}
    return [
        YearFrequency(
            year,
            table.get((year, Committee.Kind.COPIL), 0),
            table.get((year, Committee.Kind.COTECH), 0),
            complete=year < today.year,
        )
        for year in range(first, until_year + 1)
    ]
