from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from crte.demo.reference import (
    load_demo_governance,
    load_demo_indicators,
    load_reference_contract,
    load_reference_data,
    setup_demo,
)


class Command(BaseCommand):
    help = (
        "Charge les données de référence et le contrat de référence (crte-cabbalr) ; "
        "en mode démo, le publie et crée les comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Forcer le mode démo (sinon CRTE_DEMO).")

    def handle(self, *args, demo: bool = False, **options):
        counts = load_reference_data()
        self.stdout.write("Données de référence : " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        contract, created = load_reference_contract()
        state = "importé" if created else "déjà présent, conservé tel quel"
        actions = contract.actions.count()
        self.stdout.write(f"Contrat « {contract.slug} » {state} : {actions} actions.")
        if demo or settings.DEMO_MODE:
            accounts = setup_demo(contract)
            self.stdout.write(f"Mode démo : contrat publié, comptes {', '.join(accounts)}.")
            meetings = load_demo_governance(contract)
            if meetings:
                self.stdout.write(f"Démonstration : {meetings} réunions de 2022 avec leurs décisions.")
            values = load_demo_indicators(contract, timezone.localdate().year)
            if values:
                self.stdout.write(f"Démonstration : {values} valeurs d'indicateurs PCAET.")
