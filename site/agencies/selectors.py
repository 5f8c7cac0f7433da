"""Reads about agencies and the agencies a user works for."""

from django.db.models import QuerySet

from minyi.accounts.models import User

from .models import Agency
from .roles import Role


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.select_related("parent").order_by("code")


def agencies_for_user(user: User) -> QuerySet[Agency]:
    """The agencies whose data ``user`` may manage (all of them for administrators)."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser or user_has_role(user, Role.ADMINISTRATOR):
        return Agency.objects.all()
    return Agency.objects.filter(memberships__user=user)


def user_can_manage_agency(user: User, agency: Agency) -> bool:
    return agencies_for_user(user).filter(pk=agency.pk).exists()


def user_has_role(user: User, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    return user.groups.filter(name=role.group_name).exists()


def user_roles(user: User) -> list[Role]:
    names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return [role for role in Role if role.group_name in names]
