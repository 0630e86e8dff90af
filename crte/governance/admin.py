from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crte.governance.models import (
    AgendaItem,
    AmendmentDerogation,
    CharterAdhesion,
    Committee,
    ContractVersion,
    Decision,
    EngineeringRequest,
    Meeting,
)


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "contract", "kind"]
    autocomplete_fields = ["members"]  # the organisations of France: searched, never listed


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "kind", "title", "notes"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["kind", "outcome", "subject", "text", "action"]
    raw_id_fields = ["action"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "status", "is_demo"]
    list_filter = ["committee__kind", "status", "is_demo"]
    autocomplete_fields = ["attending_organisations"]
    inlines = [AgendaInline, DecisionInline]


@admin.register(ContractVersion)
class ContractVersionAdmin(admin.ModelAdmin):
    list_display = ["contract", "number", "amendment", "created_at"]
    readonly_fields = ["snapshot"]


@admin.register(AmendmentDerogation)
class AmendmentDerogationAdmin(SimpleHistoryAdmin):
    """Written with the amendment's approval; read here, never created apart from it."""

    list_display = ["action", "amendment", "recorded_at", "recorded_by"]
    raw_id_fields = ["amendment", "action", "transition", "recorded_by"]
    readonly_fields = ["missing", "recorded_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CharterAdhesion)
class CharterAdhesionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "contract", "status", "requested_on"]
    list_filter = ["status"]
    autocomplete_fields = ["organisation"]


@admin.register(EngineeringRequest)
class EngineeringRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "partner", "contract", "phase", "status"]
    list_filter = ["status", "phase"]
    autocomplete_fields = ["partner"]
    raw_id_fields = ["action"]
