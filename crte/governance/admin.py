from django.contrib import admin

from crte.governance.models import Committee, Decision, Meeting


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "contract", "kind"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    raw_id_fields = ["action", "amendment"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "status", "is_demo"]
    inlines = [DecisionInline]
