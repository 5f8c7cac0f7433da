"""Reads about agencies and the agencies a user works for."""

from django.db.models import QuerySet

from minyi.accounts.models import User

from .models import Agency
from .roles import Role


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.select_related("parent").order_by("code")


def agencies_as_tree() -> list[tuple[Agency, int]]:
    """Every agency once, each followed by those under it (行政院, …, 交通部, 交通部公路局, …),
    with its depth below the top level's children (0 for 行政院 and the ministries): what a
    citizen picks from expects the ministry's own bodies beside it, not an English code order.
    Siblings keep the code order; an agency whose parent chain loops is listed at the end."""
    agencies = list(agency_list())
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        children.setdefault(agency.parent_id, []).append(agency)
    out: list[tuple[Agency, int]] = []
    seen: set[int] = set()

    def visit(agency: Agency, depth: int) -> None:
        if agency.pk in seen:
            return
        seen.add(agency.pk)
        out.append((agency, depth))
        for child in children.get(agency.pk, []):
            visit(child, depth + 1 if agency.parent_id is not None else depth)

    for root in children.get(None, []):
        visit(root, 0)
    out += [(agency, 0) for agency in agencies if agency.pk not in seen]
    return out


def agencies_for_user(user: User) -> QuerySet[Agency]:
    """The agencies whose data ``user`` may manage (all of them for administrators)."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser or user_has_role(user, Role.ADMINISTRATOR):
        return Agency.objects.all()
    return Agency.objects.filter(memberships__user=user)


def user_can_manage_agency(user: User, agency: Agency) -> bool:
    return agencies_for_user(user).filter(pk=agency.pk).exists()


def user_can_manage_staff(user: User) -> bool:
    """Who may put people on an agency's staff: administrators only."""
    return user.is_authenticated and (user.is_superuser or user_has_role(user, Role.ADMINISTRATOR))


# The user's group names, read once per user object: one admin page asks for roles a dozen
# times (menu items, buttons, permission policies). Like Django's own ``_perm_cache`` it lives
# on the instance, so each request (which loads its own user) sees current roles; changes
# through ``user.groups`` clear it (``minyi.agencies.apps``).
GROUP_NAMES_CACHE = "_minyi_group_names"


def user_group_names(user: User) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    names = getattr(user, GROUP_NAMES_CACHE, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, GROUP_NAMES_CACHE, names)
    return names


def user_group_names_forget(user: User) -> None:
    if getattr(user, GROUP_NAMES_CACHE, None) is not None:
        delattr(user, GROUP_NAMES_CACHE)


def user_has_role(user: User, role: Role) -> bool:
    return role.group_name in user_group_names(user)


def user_roles(user: User) -> list[Role]:
    names = user_group_names(user)
    return [role for role in Role if role.group_name in names]


def user_is_citizen_only(user: User) -> bool:
    """Signed in with no staff flag, agency, permission or role beyond 公民 (whose group holds
    no permission): such readers all see the same public pages, apart from their own follows,
    votes and comments."""
    if not user.is_authenticated or not user.is_active or user.is_staff or user.is_superuser:
        return False
    from django.contrib.auth.models import Group
    from django.db.models import Exists, OuterRef

    from .models import AgencyMembership

    citizen = Role.CITIZEN.group_name
    return (
        not User.objects.filter(pk=user.pk)
        .filter(
            Exists(
                User.groups.through.objects.filter(user_id=OuterRef("pk")).exclude(
                    group__name=citizen
                )
            )
            | Exists(User.user_permissions.through.objects.filter(user_id=OuterRef("pk")))
            | Exists(AgencyMembership.objects.filter(user_id=OuterRef("pk")))
            | Exists(Group.permissions.through.objects.filter(group__name=citizen))
        )
        .exists()
    )


def agency_staff_users(agency: Agency) -> QuerySet[User]:
    """The active members of an agency's staff (administrators are not members)."""
    return User.objects.filter(is_active=True, agency_memberships__agency=agency).order_by("pk")
