"""Writes for agencies, memberships and roles."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from minyi.accounts.models import User

from .models import Agency, AgencyMembership, AgencyPage, PeerApprovalTask
from .roles import Role, agency_group_name

# What an agency's staff may do inside the agency's own page subtree. Publishing
# is not among them: a second staff member approves through the agency workflow.
AGENCY_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
AGENCY_COLLECTION_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
)


def role_group(role: Role) -> Group:
    """The group of a role; created by the roles migration, recreated if deleted."""
    group, _ = Group.objects.get_or_create(name=role.group_name)
    return group


def user_role_add(*, user: User, role: Role) -> None:
    user.groups.add(role_group(role))
    # is_staff opens Django's admin (the task queue) to staff roles; Wagtail ignores it.
    if role is not Role.CITIZEN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def user_role_remove(*, user: User, role: Role) -> None:
    user.groups.remove(role_group(role))


@transaction.atomic
def agency_create(
    *,
    code: str,
    name_zh: str,
    name_en: str = "",
    parent: Agency | None = None,
    website: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    section_parent: Page | None = None,
) -> Agency:
    """Create an agency with its section page, media collection and staff group."""
    agency = Agency(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        parent=parent,
        website=website,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    agency.full_clean()
    agency.save()
    agency_sync_access(agency=agency, section_parent=section_parent)
    return agency


@transaction.atomic
def agency_sync_access(*, agency: Agency, section_parent: Page | None = None) -> Group:
    """Make sure the agency has its section, collection and permission group.

    Safe to run again: it only creates what is missing. ``section_parent``
    (normally the home page) is needed only when the section page is missing.
    """
    if agency.root_page_id is None and section_parent is not None:
        section = AgencyPage(title=agency.name_zh, slug=agency.code.lower(), agency=agency)
        section_parent.add_child(instance=section)
        agency.root_page = section
    if agency.collection_id is None:
        agency.collection = Collection.get_first_root_node().add_child(name=agency.name_zh)
    group = _agency_staff_group_ensure(agency=agency)
    agency.save(update_fields=["root_page", "collection", "staff_group"])

    if agency.root_page_id is not None:
        for codename in AGENCY_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page_id=agency.root_page_id,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    if agency.root_page_id is not None:
        _agency_workflow_ensure(agency=agency, group=group)
    for app_label, codename in AGENCY_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=agency.collection,
            permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        )
    return group


def _agency_staff_group_ensure(*, agency: Agency) -> Group:
    """The agency's staff group, named after the agency (renamed with it); not saved here."""
    name = agency_group_name(agency.name_zh)
    group = agency.staff_group
    if group is None:
        group, _ = Group.objects.get_or_create(name=name)
        agency.staff_group = group
    elif group.name != name and not Group.objects.filter(name=name).exists():
        group.name = name
        group.save(update_fields=["name"])
    return group


def _agency_workflow_ensure(*, agency: Agency, group: Group) -> None:
    """Pages in the agency's section need a second staff member's approval."""
    if WorkflowPage.objects.filter(page_id=agency.root_page_id).exists():
        return
    # Workflow and task names are data the admin shows as they are: one language, the site's.
    workflow = Workflow.objects.create(name=f"{agency.name_zh}發布審核")
    task = PeerApprovalTask.objects.create(name=f"{agency.name_zh}同機關覆核")
    task.groups.add(group)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page_id=agency.root_page_id, workflow=workflow)


@transaction.atomic
def agency_staff_add(*, agency: Agency, user: User, title: str = "") -> AgencyMembership:
    """Make ``user`` a staff member of ``agency``, with that agency's permissions only."""
    membership, created = AgencyMembership.objects.get_or_create(
        agency=agency, user=user, defaults={"title": title}
    )
    if not created and title and membership.title != title:
        membership.title = title
        membership.save(update_fields=["title"])
    user_role_add(user=user, role=Role.AGENCY_STAFF)
    user.groups.add(agency_sync_access(agency=agency))
    return membership


@transaction.atomic
def agency_staff_remove(*, agency: Agency, user: User) -> None:
    """Take ``user`` off ``agency``'s staff: membership and group (and the role after the last)."""
    AgencyMembership.objects.filter(agency=agency, user=user).delete()
    if agency.staff_group_id is not None:
        user.groups.remove(agency.staff_group_id)
    if not AgencyMembership.objects.filter(user=user).exists():
        user_role_remove(user=user, role=Role.AGENCY_STAFF)


@transaction.atomic
def user_agencies_set(*, user: User, agencies: Iterable[Agency]) -> None:
    """Put ``user`` on the staff of exactly ``agencies``.

    The one way the admin's user form and the agency-staff screen change who works where: both
    end in ``agency_staff_add`` / ``agency_staff_remove``, which write the membership (what the
    agency's work, its answers due, reports and notices, follows) and the staff group (what
    pages and media the person may edit) together, so the two never part.
    """
    wanted = {agency.pk: agency for agency in agencies}
    for agency in wanted.values():
        agency_staff_add(agency=agency, user=user)
    held = Agency.objects.filter(
        models.Q(memberships__user=user) | models.Q(staff_group__user=user)
    ).distinct()
    for agency in held.exclude(pk__in=wanted):
        agency_staff_remove(agency=agency, user=user)


# --- Work waiting for an agency -------------------------------------------------------------

# The notification kind of work an agency's staff must do (a petition to answer, a citizen's
# question): registered in ``apps.py``; sent by participation and performance through
# ``agency_staff_notify``, so neither app needs to know who works where.
AGENCY_TASK = "agency_task"


def agency_staff_notify(*, agency: Agency, title: str, url: str) -> int:
    """Tell every active member of ``agency``'s staff (in the site, and by e-mail as each
    prefers) that something waits for the agency's answer."""
    from minyi.notifications.services import notifications_send

    from .selectors import agency_staff_users

    return notifications_send(
        users=agency_staff_users(agency), kind=AGENCY_TASK, title=title, url=url, duty=True
    )
