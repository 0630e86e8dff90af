"""The board by maturity of the actions list: each column's count covers the whole
selection (every page), where its cards are the current page's."""

from django import template
from django.db.models import Count

register = template.Library()


@register.simple_tag
def board_with_counts(columns, actions) -> list[tuple[str, str, list, int]]:
    """(maturity, label, cards of this page, actions of the selection at that maturity) for
    each column of `columns`; `actions`: the selection (the paginator's query set), counted
    in one aggregate query."""
    counts = dict(actions.order_by().values_list("maturity").annotate(n=Count("pk", distinct=True)))
    return [(maturity, label, cards, counts.get(maturity, 0)) for maturity, label, cards in columns]
