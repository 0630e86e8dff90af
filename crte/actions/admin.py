from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crte.actions.models import Action, ActionChange, ActionTransition, MaturationAssessment


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "contract", "orientation", "amount", "amount_basis", "maturity"]
    list_filter = ["contract", "maturity", "amount_basis"]
    search_fields = ["title", "external_id"]
    autocomplete_fields = ["owners", "communes"]


class TransitionInline(admin.TabularInline):
    model = ActionTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


ActionAdmin.inlines = [TransitionInline]


@admin.register(ActionChange)
class ActionChangeAdmin(admin.ModelAdmin):
    list_display = ["action", "status", "proposed_by", "proposed_at"]
    list_filter = ["status"]
    raw_id_fields = ["action"]


@admin.register(MaturationAssessment)
class MaturationAssessmentAdmin(admin.ModelAdmin):
    list_display = ["action", "total", "propose_to_copil", "assessed_at"]
    raw_id_fields = ["action"]
