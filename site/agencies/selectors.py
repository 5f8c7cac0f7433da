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


def agency_impersonated_by(display_name: str, *, user: User | None = None) -> Agency | None:
    """The agency a display name would pass for: one whose Chinese or English name or code it
    is (whoever asks: an agency speaks through the badge on its staff's replies, not through a
    name), or whose Chinese name it contains (「交通部客服」), unless ``user`` is on that
    agency's staff (「交通部承辦人」)."""
    from minyi.accounts.validators import display_name_key

    key = display_name_key(display_name)
    if not key:
        return None
    own: set[int] = set()
    if user is not None and user.pk is not None:
        own = set(user.agency_memberships.values_list("agency_id", flat=True))
    for agency in Agency.objects.only("pk", "code", "name_zh", "name_en"):
        chinese = display_name_key(agency.name_zh)
        if key in {chinese, display_name_key(agency.code), display_name_key(agency.name_en)}:
            return agency
        if chinese and chinese in key and agency.pk not in own:
            return agency
    return None


def agency_member_ids(agency: Agency) -> frozenset[int]:
    """Everyone on the agency's staff, deactivated accounts too (what they wrote as the agency
    stays the agency's)."""
    return frozenset(agency.memberships.values_list("user_id", flat=True))
