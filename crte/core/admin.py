from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from crte.core.models import Commune, Organisation, OrganisationAlias, PerimeterAccess, User


class PerimeterAccessInline(admin.TabularInline):
    model = PerimeterAccess
    extra = 0


@admin.register(User)
class CrteUserAdmin(UserAdmin):
    inlines = [PerimeterAccessInline]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "population", "postal_code"]
    search_fields = ["name", "insee_code"]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    fields = ["label"]
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "category", "is_funder"]
    list_filter = ["category", "is_funder"]
    search_fields = ["name", "short_name", "aliases__label"]
    autocomplete_fields = ["commune"]
    inlines = [AliasInline]
