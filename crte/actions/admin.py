from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crte.actions.models import Action


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "contract", "orientation", "amount", "amount_basis", "maturity"]
    list_filter = ["contract", "maturity", "amount_basis"]
    search_fields = ["title", "external_id"]
    autocomplete_fields = ["owners", "communes"]
