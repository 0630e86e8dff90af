from datetime import date
from decimal import Decimal

import pytest

from crte.core.formats import NBSP, format_date, format_euros, format_share
from crte.core.text import normalize_label


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.89"), "1 234 567,89 €"),
        (Decimal("700000"), "700 000 €"),
        (Decimal("133890.00"), "133 890 €"),
        (Decimal("999.999"), "1 000,00 €"),
        (Decimal("0"), "0 €"),
        (Decimal("57800000"), "57 800 000 €"),
        (Decimal("-675000"), "-675 000 €"),
    ],
)
def test_format_euros_uses_french_separators(value, expected):
    assert format_euros(value) == expected.replace(" ", NBSP)


def test_format_euros_says_when_an_amount_is_missing():
    assert format_euros(None) == "non chiffré"


@pytest.mark.parametrize(
    ("share", "expected"),
    [(Decimal("0.35"), "35 %"), (Decimal("0.3530958"), "35,3 %"), (Decimal("1"), "100 %")],
)
def test_format_share_prints_a_french_percentage(share, expected):
    assert format_share(share) == expected.replace(" ", NBSP)


def test_format_date_is_day_month_year():
    assert format_date(date(2022, 1, 21)) == "21/01/2022"


def test_normalize_label_ignores_case_accents_and_punctuation():
    assert normalize_label("Région Hauts-de-France") == normalize_label("REGION  hauts de france")
    assert normalize_label("CD 62") == "cd 62"
