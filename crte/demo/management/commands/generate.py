from django.core.management.base import BaseCommand, CommandError

from crte.demo.generate import generate, print_progress
from crte.demo.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Génère des contrats fictifs réalistes (30 à 150 actions, 0 à 6 financements, indicateurs, "
        "réunions) pour les essais de charge et les démonstrations. Même graine, mêmes données."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contracts", type=int, required=True, help="Nombre de contrats")
        parser.add_argument("--seed", type=int, default=1, help="Graine (défaut : 1)")
        parser.add_argument("--quiet", action="store_true", help="Sans barre de progression")

    def handle(self, *args, contracts: int, seed: int, quiet: bool = False, **options):
        if contracts < 1:
            raise CommandError("Indiquez au moins un contrat.")
        load_reference_data()
        try:
            counts = generate(contracts, seed, progress=None if quiet else print_progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        rate = counts.rows / counts.seconds if counts.seconds else 0
        detail = ", ".join(f"{n} {name}" for name, n in counts.per_table.items())
        self.stdout.write(
            f"{counts.contracts} contrats générés en {counts.seconds:.1f} s ({rate:.0f} lignes/s) : {detail}."
        )
