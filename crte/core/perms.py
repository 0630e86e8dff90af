"""One way to fetch an object for a user: 404 when it is not visible, 403 when it is
visible but the user may not do what the view is about to do."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404


def get_for_user(
    queryset: QuerySet, user, *, check: Callable[[object, object], bool] | None = None, **lookup
):
    obj = get_object_or_404(queryset.visible_to(user), **lookup)
    if check is not None and not check(user, obj):
        raise PermissionDenied("Vous n'avez pas le droit de modifier cet élément.")
    return obj
