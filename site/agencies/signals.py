"""Keeps the per-user cache of group names (``selectors.user_group_names``) true to writes."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from minyi.accounts.models import User

from .selectors import user_group_names_forget


@receiver(m2m_changed, sender=User.groups.through)
def forget_cached_group_names(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, User):
        user_group_names_forget(instance)
    # From the group's side (group.user_set.add) other user objects may hold a stale cache;
    # each request loads its own user, so that lasts at most to the end of the request.
