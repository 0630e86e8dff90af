from django import template

from crte.core import formats

register = template.Library()


@register.filter
def euros(value, empty: str = "non chiffré") -> str:
    return formats.format_euros(value, empty)


@register.filter
def share(value) -> str:
    return formats.format_share(value)


@register.filter
def date_fr(value) -> str:
    return formats.format_date(value)


@register.filter
def number_fr(value, decimals: int = 0) -> str:
    return "" if value is None else formats.format_number(value, int(decimals))


@register.filter
def quantity(value) -> str:
    return formats.format_quantity(value)


@register.filter
def labels(organisations) -> str:
    """'CABBALR, AULA': the short labels of organisations, comma-separated."""
    return ", ".join(o.label for o in organisations)


@register.simple_tag(takes_context=True)
def with_page(context, param: str, number: int) -> str:
    """The current query string with one page parameter set (the others kept), encoded."""
    query = context["request"].GET.copy()
    query[param] = number
    return query.urlencode()
