from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crte.contracts.models import (
    Amendment,
    Contract,
    Membership,
    Orientation,
    Partner,
    Priority,
    Programme,
    Territory,
)


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    """Communes, départements and régions are derived from the groupings when saved."""

    list_display = ["name", "epci", "departement_code", "region_code"]
    autocomplete_fields = ["epci", "groupings"]
    readonly_fields = ["departement_code", "region_code"]
    exclude = ["communes", "departements", "regions"]
    search_fields = ["name"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.derive()


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    autocomplete_fields = ["organisation"]


class OrientationInline(admin.TabularInline):
    model = Orientation
    extra = 0
    fields = ["order", "code", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "status", "version", "is_published", "signed_on"]
    list_filter = ["status", "is_published"]
    search_fields = ["name", "slug"]
    inlines = [PartnerInline, OrientationInline, MembershipInline]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0


@admin.register(Orientation)
class OrientationAdmin(admin.ModelAdmin):
    list_display = ["name", "contract", "order"]
    list_filter = ["contract"]
    inlines = [PriorityInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contract", "start_year", "end_year"]
    list_filter = ["kind"]
    autocomplete_fields = ["partners"]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "contract", "status", "approved_on"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "contract", "role", "organisation"]
    list_filter = ["role", "contract"]
    autocomplete_fields = ["user", "organisation"]
