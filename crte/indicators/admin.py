from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crte.indicators.models import Indicator, Measurement, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "level", "contract"]
    list_filter = ["level", "direction"]
    search_fields = ["code", "name"]
    raw_id_fields = ["action"]
    inlines = [TargetInline]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "date", "value", "source", "is_demo"]
