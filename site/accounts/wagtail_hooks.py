"""Accounts managed from the Wagtail admin follow the same rules as sign-up and deletion."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from .services import user_created_by_administrator, user_delete


@hooks.register("after_create_user")
def complete_admin_created_user(request, user):
    user_created_by_administrator(user=user)


@hooks.register("before_delete_user")
def anonymise_instead_of_deleting(request, user):
    # Deleting the row would take a person's public contributions with it; the
    # house rule keeps them under "已刪除的使用者" instead (see user_delete).
    if request.method == "POST":
        user_delete(user=user)
        messages.success(
            request, _("The account has been deleted; its content is kept anonymously.")
        )
        return redirect("wagtailusers_users:index")
    return None
