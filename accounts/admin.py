from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Public profile", {"fields": ("display_name", "notify_on_reply")}),
        ("Deletion", {"fields": ("is_deleted",)}),
    )
    readonly_fields = ("is_deleted",)
    list_display = ("username", "display_name", "email", "is_staff", "is_deleted", "date_joined")
    list_filter = (*DjangoUserAdmin.list_filter, "is_deleted")
    search_fields = ("username", "display_name", "email")
