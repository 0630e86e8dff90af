from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from crte.core.models import (
    Commune,
    Departement,
    FormerCommune,
    Grouping,
    Organisation,
    OrganisationAlias,
    PerimeterAccess,
    ReferenceVintage,
    Region,
    User,
)


class PerimeterAccessInline(admin.TabularInline):
    model = PerimeterAccess
    extra = 0


@admin.register(User)
class CrteUserAdmin(UserAdmin):
    inlines = [PerimeterAccessInline]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "departement", "population", "is_current"]
    list_filter = ["is_current", "region"]
    search_fields = ["name", "insee_code", "siren"]
    list_select_related = ["departement"]
    raw_id_fields = ["successor"]


@admin.register(FormerCommune)
class FormerCommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "current"]
    search_fields = ["name", "code"]
    raw_id_fields = ["current"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "zone"]
    search_fields = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "zone"]
    search_fields = ["name", "code"]


@admin.register(Grouping)
class GroupingAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "nature", "population", "is_current", "vintage"]
    list_filter = ["nature", "is_current"]
    search_fields = ["name", "siren", "short_name"]
    autocomplete_fields = ["communes", "members", "organisation"]


@admin.register(ReferenceVintage)
class ReferenceVintageAdmin(admin.ModelAdmin):
    list_display = ["name", "loaded_at"]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    fields = ["label"]
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "category", "kind", "is_funder"]
    list_filter = ["category", "is_funder", "is_reference"]
    search_fields = ["name", "short_name", "aliases__label"]
    autocomplete_fields = ["commune"]
    raw_id_fields = ["region", "departement"]
    inlines = [AliasInline]
