from django.contrib import admin

from crte.governance.models import (
    AgendaItem,
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
