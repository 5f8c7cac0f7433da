"""Django admin: taggit's tags (consultation topics), with the permission check taggit lacks."""

import taggit.admin  # registers Tag first, so that it can be replaced below
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from taggit.models import Tag


class PermissionCheckedTagAdmin(taggit.admin.TagAdmin):
    """taggit's "merge tags" view checks only that the user is staff, yet it rewrites every
    tagged object: it needs the permission to change tags, like the rest of this admin."""

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return super().merge_tags_view(request)


admin.site.unregister(Tag)
admin.site.register(Tag, PermissionCheckedTagAdmin)
