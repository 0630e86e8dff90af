from types import SimpleNamespace

from django.conf import settings


def site(request) -> dict:
    """What every page needs to know about the instance, without a query. SITE_CONFIG is
    the name django-dsfr's templates read."""
    config = SimpleNamespace(
        site_title=settings.SITE_TITLE,
        site_tagline=settings.SITE_TAGLINE,
        footer_description=(
            "Plateforme de pilotage des contrats pour la réussite de la transition écologique."
        ),
        mourning=False,
        beta_tag=False,
    )
    return {
        "SITE_CONFIG": config,
        "operator_is_state": settings.OPERATOR_IS_STATE,
        "operator_name": settings.OPERATOR_NAME,
        "demo_mode": settings.DEMO_MODE,
    }
