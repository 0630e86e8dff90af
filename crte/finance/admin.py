from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crte.finance.models import FundingLine, Scheme


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "funder"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["funder"]


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    list_display = ["action", "funder", "scheme", "amount", "share", "status"]
    list_filter = ["status", "credit_type", "is_own_funding"]
    search_fields = ["action__title", "funder__name"]
    autocomplete_fields = ["funder", "scheme"]
    raw_id_fields = ["action"]
