from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "crte.core"
    verbose_name = "Socle"

    def ready(self) -> None:
        post_migrate.connect(load_reference_after_migrate, sender=self)
        checks.register(secret_key_check, checks.Tags.security, deploy=True)
        from crte.core import search, sqlite

        sqlite.connect()
        connection_created.connect(search.register_sqlite_function, dispatch_uid="crte_fold")


def load_reference_after_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    """The national reference comes with the database: loaded when the shipped vintage is
    not there yet (a fresh database, or a new vintage shipped with the code)."""
    from crte.core.national import VINTAGE, load_national_reference, reference_loaded

    if reference_loaded():
        return
    counts = load_national_reference()
    if verbosity:
        print(
            f"Référentiel national chargé ({VINTAGE}) : " + ", ".join(f"{v} {k}" for k, v in counts.items())
        )


def secret_key_check(app_configs=None, **kwargs) -> list:
    """`crte check --deploy` refuses the development key outside demo and debug mode (the
    WSGI application, which runserver and gunicorn load, refuses to start: config/wsgi.py)."""
    if settings.SECRET_KEY_REQUIRED:
        return [checks.Error(settings.SECRET_KEY_MESSAGE, id="crte.E001")]
    return []
