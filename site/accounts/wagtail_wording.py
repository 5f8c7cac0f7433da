# ruff: noqa: E501 (Wagtail's msgids are kept whole, as they are searched for)
"""Our Traditional Chinese for the Wagtail 8 admin messages that Wagtail's own zh_Hant
catalogues leave in English: what an agency editor, reviewer or moderator meets while creating
and editing pages (autosave, scheduling, preview, locks, the slug check), in workflows and
moderation, on the dashboard and in the workflow e-mails.

Like ``wording.py``: the project's catalogue comes first (``LOCALE_PATHS``), so translating the
same msgids there fills Wagtail's gaps; naming them here keeps ``makemessages`` from dropping
them as obsolete. After a Wagtail upgrade, compare each of its ``locale/en`` catalogues with
its ``zh_Hant`` one (polib) for msgids still without a translation.

Also the administrator's user and group screens, the reports and the keyboard shortcuts, and
Wagtail zh_Hant's mainland wording (創建, 搜索, 其它) on the screens staff and administrators
meet. Not here: the redirect, search-promotion, locale and API-token screens, nobody's daily
work. The admin's JavaScript strings are in
``locale/zh_Hant/LC_MESSAGES/djangojs.po``.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

TRANSLATED = (
    gettext_noop("Autosave is paused"),
    gettext_noop("View Wagtail quick actions"),  # the userbar's button on public pages
    gettext_noop("You do not have permission to access the admin."),  # above our 403 page
    # Saved, created, deleted: 「」 instead of ASCII quotes (and 建立 instead of 創建)
    gettext_noop("%(model_name)s '%(object)s' updated."),
    gettext_noop("%(model_name)s '%(object)s' created."),
    gettext_noop("%(model_name)s '%(object)s' deleted."),
    gettext_noop(
        'See our <a href="%(guide_link)s" target="_blank">content checks guide</a> for more information on how content metrics are calculated.'
    ),
    gettext_noop("Autosave is <span>paused</span>"),
    gettext_noop("Saved"),
    gettext_noop("There are validation errors, click save to highlight them."),
    gettext_noop(
        'Multi-word tags with spaces will automatically be enclosed in double quotes (").'
    ),
    gettext_noop("Tags can only consist of a single word, no spaces allowed."),
    ngettext_lazy("Referenced %(count)s time", "Referenced %(count)s times", "count"),
    gettext_noop("Privacy and access"),
    gettext_noop("Task submitted by"),
    gettext_noop(
        'The page "%(title)s" has been submitted for moderation to workflow "%(workflow)s" by %(requester)s.'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for moderation to workflow "%(workflow)s" by %(requester)s.'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for moderation to workflow "%(workflow)s".'
    ),
    gettext_noop('The page "%(title)s" has been submitted to workflow "%(workflow)s"'),
    gettext_noop('The %(model_name)s "%(title)s" has been submitted to workflow "%(workflow)s"'),
    gettext_noop("The slug '%(page_slug)s' is already in use within the parent page."),
    gettext_noop(
        "The slug '%(page_slug)s' is already in use within the parent page at '%(parent_url_path)s'."
    ),
    gettext_noop(
        "The slug '%(page_slug)s' is already in use at the selected parent page. Make sure the slug is unique and try again."
    ),
    gettext_noop("The page could not be created due to validation errors."),
    gettext_noop("The page could not be saved due to validation errors."),
    gettext_noop("The page could not be saved as it is locked."),
    gettext_noop("Go to the first error"),
    gettext_noop("Your pages and snippets in a workflow"),
    gettext_noop("Changes requested at"),
    gettext_noop("Wagtail upgrade available"),
    gettext_noop("Read the release notes."),
    gettext_noop("Things in Wagtail %(version)s have changed!"),
    gettext_noop("What's new in Wagtail %(version)s"),
    gettext_noop("just now"),
    gettext_noop("at %(time)s by %(user_display_name)s"),
    gettext_noop("at %(time)s"),
    gettext_noop("%(time)s by %(user_display_name)s"),
    gettext_noop("%(time_period)s ago by %(user_display_name)s"),
    gettext_noop("Changes requested %(finished_at)s"),
    gettext_noop("Sent to %(task_name)s %(started_at)s"),
    gettext_noop("%(status_display)s %(task_name)s %(started_at)s"),
    gettext_noop("This page is locked, by you, to further editing"),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been approved in moderation stage "%(task)s".'
    ),
    gettext_noop("You can edit the %(model_name)s here:"),
    gettext_noop('The %(model_name)s "%(title)s" has been approved in "%(task)s".'),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been rejected in moderation stage "%(task)s".'
    ),
    gettext_noop('The %(model_name)s "%(title)s" has been rejected during "%(task)s".'),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for approval in moderation stage "%(task)s".'
    ),
    gettext_noop("You can preview the %(model_name)s here:"),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for approval to moderation stage "%(task)s".'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for approval in moderation stage "%(task)s"'
    ),
    gettext_noop('%(editor)s has updated comments on "%(title)s".'),
    gettext_noop('%(editor)s has updated comments on "%(title)s"'),
    gettext_noop('The %(model_name)s "%(title)s" has been approved in workflow "%(workflow)s".'),
    gettext_noop('The %(model_name)s "%(title)s" has been approved in "%(workflow)s".'),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s" by %(rejector)s.'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s".'
    ),
    gettext_noop('The %(model_name)s "%(title)s" has been rejected during "%(workflow)s".'),
    gettext_noop("Scheduling…"),
    gettext_noop("Schedule to publish"),
    gettext_noop("Choose when this %(model_name)s should go live and/or expire"),
    gettext_noop("Choose when this page should go live and/or expire"),
    gettext_noop(
        'This publishing schedule will only take effect after you select the "Schedule to publish" option'
    ),
    gettext_noop("Anyone with editing permissions can create schedules"),
    gettext_noop("But only those with publishing permissions can make them effective."),
    gettext_noop("Set publishing schedule"),
    gettext_noop("Expiry date/time must be in the future."),
    gettext_noop("Expiry:"),
    gettext_noop("Go-live:"),
    gettext_noop("Once scheduled:"),
    gettext_noop("No publishing schedule set"),
    gettext_noop("Invalid schedule"),
    gettext_noop("In Moderation"),
    gettext_noop("To be created by %(user)s"),
    gettext_noop("First published"),
    gettext_noop("Preview in new tab"),
    gettext_noop("Refreshing…"),
    gettext_noop("Refresh"),
    gettext_noop("Preview is out of date"),
    gettext_noop("Correct the validation errors to resume preview (saving will highlight errors)"),
    gettext_noop("Preview not available"),
    gettext_noop(
        "Preview cannot display due to validation errors. <br /> Click save to highlight the relevant fields."
    ),
    gettext_noop("Preview in mobile size"),
    gettext_noop("Preview in tablet size"),
    gettext_noop("Preview in desktop size"),
    gettext_noop("Placeholder title"),
    gettext_noop("Save your changes before leaving"),
    gettext_noop("Saving will overwrite a newer version."),
    gettext_noop("Locking: "),
    gettext_noop("Anyone can edit this %(model_name)s – lock it to prevent others from editing"),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("Page visibility: "),
    gettext_noop("Once live anyone can view"),
    gettext_noop("Not visible to the public"),
    gettext_noop("Choose who can view the live version of this page"),
    gettext_noop("Visible to all. Visit the live page"),
    gettext_noop("Visible to all"),
    gettext_noop("Private. Visit the live page"),
    gettext_noop("Change privacy"),
    gettext_noop("Changing the privacy for this page has been disabled."),
    gettext_noop("Privacy is inherited from the ancestor page - %(ancestor_page)s"),
    gettext_noop("Private, accessible with a shared password"),
    gettext_noop("Private, accessible to any logged-in users"),
    gettext_noop("Minimap"),
    gettext_noop("Side panels"),
    gettext_noop("Side panel width"),
    gettext_noop("Show issue"),
    gettext_noop("Content metrics"),
    gettext_noop("Words"),
    gettext_noop("Reading time"),
    gettext_noop("Readability"),
    gettext_noop("Issues found"),
    gettext_noop("Checks"),
    gettext_noop("Warnings"),
    gettext_noop("Comment notifications"),
    gettext_noop("Toggle minimap"),
    gettext_noop("Show filters"),
    gettext_noop("Filter by"),
    gettext_noop("Clear"),
    gettext_noop("%(field_label)s:"),
    gettext_noop("The %(model_name)s could not be saved as it is locked"),
    gettext_noop(
        "You are viewing a previous version of this page from <b>%(created_at)s</b> by %(user)s"
    ),
    gettext_noop(
        "You are viewing a previous version of this %(model_name)s from <b>%(created_at)s</b> by %(user)s"
    ),
    gettext_noop(
        "Page '%(page_title)s' has been replaced with version from %(previous_revision_datetime)s."
    ),
    gettext_noop(
        "Version from %(previous_revision_datetime)s of page '%(page_title)s' has been scheduled for publishing."
    ),
    gettext_noop(
        "Page '%(page_title)s' is live and this version has been scheduled for publishing."
    ),
    gettext_noop("Version from %(datetime)s of page '%(page_title)s' has been published."),
    gettext_noop("Request to edit %(model_name)s was blocked by hook."),
    gettext_noop("Request to create %(model_name)s was blocked by hook."),
    gettext_noop("Compare"),
    ngettext_lazy("Moved down 1 place.", "Moved down %(counter)s places.", "counter"),
    ngettext_lazy("Moved up 1 place.", "Moved up %(counter)s places.", "counter"),
    gettext_noop("Cannot overwrite a revision that is not the latest for this %(model_name)s."),
    gettext_noop("Cannot overwrite a revision that was not created by the current user."),
    gettext_noop('You do not have permission to publish pages at "%(page_title)s"'),
    gettext_noop('You do not have permission to create a page under "%(page_title)s".'),
    gettext_noop('You cannot create a page of type "%(page_type)s" under "%(page_title)s".'),
    gettext_noop("Sorry, you cannot create a page at this location."),
    gettext_noop("Tag(s) %(value_too_long)s are over %(max_tag_length)d characters."),
    gettext_noop("Choose parent"),
    gettext_noop("Create a new %(model_name)s"),
    gettext_noop("New: %(model_name)s"),
    gettext_noop("Date cannot be in the future."),
    gettext_noop("- Select an option -"),
    gettext_noop("Heading 1"),
    gettext_noop("Heading 2"),
    gettext_noop("Heading 3"),
    gettext_noop("Heading 4"),
    gettext_noop("Heading 5"),
    gettext_noop("Heading 6"),
    gettext_noop("Image is decorative"),
    gettext_noop("Please add some alt text for your image or mark it as decorative"),
    gettext_noop("Choose another image"),
    gettext_noop("Maximum filesize: %(max_upload_size)s."),
    gettext_noop("You saved a new version in another window"),
    gettext_noop("System"),
    gettext_noop("%(user_name)s saved a new version"),
    gettext_noop("View latest version"),
    gettext_noop("You have unsaved changes in another window"),
    gettext_noop("%(user_name)s has unsaved changes"),
    gettext_noop("Currently idle"),
    gettext_noop("Currently viewing"),
    ngettext_lazy(
        "One other user is currently viewing",
        "%(num_user)s other users are currently viewing",
        "num_user",
    ),
    gettext_noop("Proceeding will overwrite the changes you made in that window."),
    gettext_noop("Proceeding will overwrite the changes made by %(user_name)s."),
    gettext_noop("Alternatively, you can view the latest version in a new tab."),
    gettext_noop("A network error occurred"),
    gettext_noop(
        "Troubleshoot your connection to the site before proceeding. Open the editor in a separate tab to view the last saved version."
    ),
    gettext_noop("Publish %(model_name)s"),
    gettext_noop(
        "This %(model_name)s was marked as needing changes at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop(
        "This %(model_name)s is currently at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop("Publishing this %(model_name)s will cancel the current workflow."),
    gettext_noop("Would you still like to publish this %(model_name)s?"),
    gettext_noop(
        "This page was marked as needing changes at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop(
        "This page is currently at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop("Requested by"),
    gettext_noop("Requested by <b>%(modified_by)s</b>"),
    gettext_noop("Started at <b>%(started_at)s</b>"),
    gettext_noop("Status %(status)s"),
    gettext_noop("%(action)s by <b>%(who)s</b> at <b>%(at)s</b>"),
    gettext_noop("%(action)s at <b>%(at)s</b>"),
    gettext_noop("%(action)s by <b>%(who)s</b>"),
    gettext_noop("This page hasn't been submitted for moderation yet"),
    gettext_noop("This %(model_name)s hasn't been submitted for moderation yet"),
    gettext_noop("No pages/snippets have been submitted for moderation yet"),
    gettext_noop("Page/Snippet"),
    gettext_noop("Changes requested by %(requested_by)s"),
    gettext_noop("Cancelled by %(cancelled_by)s"),
    gettext_noop("Approved by %(approved_by)s"),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' created and submitted for moderation."),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been restarted."),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been cancelled."),
    gettext_noop("%(model_name)s '%(object)s' has been scheduled for publishing."),
    gettext_noop("%(model_name)s '%(object)s' created and scheduled for publishing."),
    gettext_noop(
        "%(model_name)s '%(object)s' is live and this version has been scheduled for publishing."
    ),
    gettext_noop("%(model_name)s '%(object)s' updated and published."),
    gettext_noop("%(model_name)s '%(object)s' created and published."),
    gettext_noop("The %(model_name)s '%(title)s' is not currently awaiting moderation."),
    gettext_noop(
        "The %(model_name)s '%(title)s' is not currently awaiting moderation in task '%(task_name)s'."
    ),
    gettext_noop(
        "The page '%(page_title)s' is not currently awaiting moderation in task '%(task_name)s'."
    ),
    gettext_noop(
        "There may only be one in progress or needs changes workflow state per page/snippet."
    ),
    gettext_noop("Workflow '%(workflow_name)s' on %(model_name)s '%(title)s': %(status)s"),
    gettext_noop("Task '%(task_name)s' on Revision '%(revision_info)s': %(status)s"),
    gettext_noop("Resubmitted '%(task)s'. Workflow resumed"),
    gettext_noop("finished by"),
    gettext_noop("Disabled"),
    gettext_noop("No one can make changes while the %(model_name)s is locked"),
    gettext_noop("<b>'{title}' was locked</b> by <b>you</b> on <b>{datetime}</b>."),
    gettext_noop("<b>'{title}' is locked</b> by <b>you</b>."),
    gettext_noop("<b>'{title}' was locked</b> by <b>{user}</b> on <b>{datetime}</b>."),
    gettext_noop("<b>'{title}' is locked</b>."),
    gettext_noop("Locked by you"),
    gettext_noop("Locked by another user"),
    gettext_noop("Only you can make changes while the %(model_name)s is locked"),
    gettext_noop("Only %(user)s can make changes while the %(model_name)s is locked"),
    gettext_noop("This %(model_name)s is currently awaiting moderation."),
    gettext_noop(
        "This {model_name} is awaiting <b>'{task_name}'</b> in the <b>'{workflow_name}'</b> workflow."
    ),
    gettext_noop("Only reviewers for this task can edit the %(model_name)s."),
    gettext_noop("Locked by workflow"),
    gettext_noop(
        "Reviewers can edit this %(model_name)s – lock it to prevent other reviewers from editing"
    ),
    gettext_noop("Only reviewers can edit and approve the %(model_name)s"),
    gettext_noop(
        "{model_name} '{title}' is locked and has been scheduled to go live at {datetime}"
    ),
    gettext_noop("Locked by schedule"),
    gettext_noop("Currently locked and will go live on the scheduled date"),
    gettext_noop("%(model_name)s '%(title)s' is now unlocked."),
    gettext_noop("Locked by"),
    ngettext_lazy(
        "This %(model_name)s is referenced %(usage_count)s time.",
        "This %(model_name)s is referenced %(usage_count)s times.",
        "model_name",
    ),
    gettext_noop("One or more references to this %(model_name)s prevent it from being deleted."),
    gettext_noop("If you confirm deletion"),
    gettext_noop("Date updated"),
    gettext_noop("Owner"),
    gettext_noop("Edited by"),
    gettext_noop("Has child pages"),
    gettext_noop("Any"),
    gettext_noop("Page type"),
    gettext_noop("No results across entire site."),
    gettext_noop("Search the whole site"),
    gettext_noop("Sorry, no pages match <em>%(query_string)s</em>"),
    ngettext_lazy("There is one matching page", "There are %(counter)s matching pages", "counter"),
    gettext_noop("There are no results."),
    gettext_noop("No %(model_name)s match your query."),
    gettext_noop("There are no %(model_name)s to display."),
    ngettext_lazy("Publish 1 page", "Publish %(counter)s pages", "counter"),
    gettext_noop("Are you sure you want to publish these pages?"),
    ngettext_lazy("Unpublish 1 page", "Unpublish %(counter)s pages", "counter"),
    gettext_noop("Are you sure you want to unpublish these pages?"),
    gettext_noop("Are you sure you want to unpublish this %(model_name)s?"),
    gettext_noop("Publish selected pages"),
    gettext_noop("Unpublish selected pages"),
    ngettext_lazy(
        "%(num_parent_objects)d page has been published",
        "%(num_parent_objects)d pages have been published",
        "num_parent_objects",
    ),
    ngettext_lazy(
        "%(num_parent_objects)d page has been unpublished",
        "%(num_parent_objects)d pages have been unpublished",
        "num_parent_objects",
    ),
    gettext_noop("'%(object)s' unpublished."),
    gettext_noop('Version %(revision_id)s of "%(object)s" unscheduled.'),
    gettext_noop("(blank)"),
    gettext_noop("More bulk actions"),
    gettext_noop("(Private %(object)s)"),
    gettext_noop("Renamed from '%(old)s' to '%(new)s'"),
    gettext_noop("Reverted to previous revision with id %(revision_id)s from %(created_at)s"),
    gettext_noop("Copied from %(title)s"),
    gettext_noop(
        "Revision %(revision_id)s from %(created_at)s scheduled for publishing at %(go_live_at)s."
    ),
    gettext_noop("%(model_name)s scheduled for publishing at %(go_live_at)s"),
    gettext_noop("%(model_name)s scheduled for publishing"),
    gettext_noop(
        "Revision %(revision_id)s from %(created_at)s unscheduled from publishing at %(go_live_at)s."
    ),
    gettext_noop("%(model_name)s unscheduled for publishing at %(go_live_at)s"),
    gettext_noop("%(model_name)s unscheduled from publishing"),
    gettext_noop("Added the '%(restriction)s' view restriction"),
    gettext_noop("Removed the '%(restriction)s' view restriction. The page is public."),
    gettext_noop('Added a comment on field %(field)s: "%(text)s"'),
    gettext_noop('Edited a comment on field %(field)s: "%(text)s"'),
    gettext_noop('Deleted a comment on field %(field)s: "%(text)s"'),
    gettext_noop('Resolved a comment on field %(field)s: "%(text)s"'),
    gettext_noop('Replied to comment on field %(field)s: "%(text)s"'),
    gettext_noop('Edited a reply to a comment on field %(field)s: "%(text)s"'),
    gettext_noop('Deleted a reply to a comment on field %(field)s: "%(text)s"'),
    gettext_noop("Is commenting action"),
    # Wagtail's own zh_Hant says 你 and quotes with "…" in its workflow e-mails
    gettext_noop("Hello %(username)s,"),
    gettext_noop('The page "%(title)s" has been approved.'),
    gettext_noop('The page "%(title)s" has been approved'),
    gettext_noop('The page "%(title)s" has been rejected.'),
    gettext_noop('The page "%(title)s" has been rejected'),
    gettext_noop("You can edit the page here:"),
    gettext_noop("You can view the page here:"),
    gettext_noop("You can preview the page here:"),
    gettext_noop("Edit your notification preferences here:"),
    gettext_noop('The page "%(title)s" has been approved in moderation stage "%(task)s".'),
    gettext_noop('The page "%(title)s" has been approved in "%(task)s".'),
    gettext_noop('The page "%(title)s" has been rejected in moderation stage "%(task)s".'),
    gettext_noop('The page "%(title)s" has been rejected during "%(task)s".'),
    gettext_noop(
        'The page "%(title)s" has been submitted for approval in moderation stage "%(task)s".'
    ),
    gettext_noop(
        'The page "%(title)s" has been submitted for approval to moderation stage "%(task)s".'
    ),
    gettext_noop(
        'The page "%(title)s" has been submitted for approval in moderation stage "%(task)s"'
    ),
    gettext_noop('The page "%(title)s" has been approved in workflow "%(workflow)s".'),
    gettext_noop('The page "%(title)s" has been approved in "%(workflow)s".'),
    gettext_noop(
        'The page "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s" by %(rejector)s.'
    ),
    gettext_noop(
        'The page "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s".'
    ),
    gettext_noop('The page "%(title)s" has been rejected during "%(workflow)s".'),
    # The administrator's user and group screens
    gettext_noop("Access level"),
    gettext_noop("Last login"),
    gettext_noop("Select all users in listing"),
    gettext_noop("Sorry, no users match your query"),
    ngettext_lazy("Assign role to 1 user", "Assign role to %(counter)s users", "counter"),
    gettext_noop("Assign role"),
    gettext_noop("Are you sure you want to assign this role to these users?"),
    ngettext_lazy(
        "You don't have permission to edit this user",
        "You don't have permission to edit these users",
        "counter",
    ),
    gettext_noop("Yes, assign"),
    gettext_noop("No, don't assign"),
    ngettext_lazy("Delete 1 user", "Delete %(counter)s users", "counter"),
    gettext_noop("Are you sure you want to delete these users?"),
    ngettext_lazy(
        "You don't have permission to delete this user",
        "You don't have permission to delete these users",
        "counter",
    ),
    ngettext_lazy(
        "Change active state for 1 user", "Change active state for %(counter)s users", "counter"
    ),
    gettext_noop("Set active state"),
    gettext_noop("Are you sure you want to change the active state for these users?"),
    gettext_noop("You cannot change your own active status"),
    gettext_noop("Yes, change state"),
    gettext_noop("No, don't change state"),
    gettext_noop("Assign role to selected users"),
    ngettext_lazy(
        "%(num_parent_objects)d user has been assigned as %(role)s",
        "%(num_parent_objects)d users have been assigned as %(role)s",
        "num_parent_objects",
    ),
    gettext_noop("Delete selected users"),
    ngettext_lazy(
        "%(num_parent_objects)d user has been deleted",
        "%(num_parent_objects)d users have been deleted",
        "num_parent_objects",
    ),
    gettext_noop("Mark as active"),
    gettext_noop("Change the active state for selected users"),
    ngettext_lazy(
        "%(num_parent_objects)d user has been marked as active",
        "%(num_parent_objects)d users have been marked as active",
        "num_parent_objects",
    ),
    ngettext_lazy(
        "%(num_parent_objects)d user has been marked as inactive",
        "%(num_parent_objects)d users have been marked as inactive",
        "num_parent_objects",
    ),
    ngettext_lazy(
        "The group '%(group_name)s' has <strong>%(group_user_count)s</strong> member.",
        "The group '%(group_name)s' has <strong>%(group_user_count)s</strong> members.",
        "group_user_count",
    ),
    gettext_noop("Custom permissions"),
    gettext_noop("Toggle all"),
    gettext_noop("Toggle all add permissions"),
    gettext_noop("Toggle all change permissions"),
    gettext_noop("Toggle all delete permissions"),
    gettext_noop("Toggle all custom permissions"),
    gettext_noop("Can view"),
    gettext_noop("Collection management permissions"),
    gettext_noop("Add a collection permission"),
    gettext_noop("Can access Wagtail admin"),
    # Reports and the keyboard shortcuts
    gettext_noop("Shortcuts"),
    gettext_noop("Aging pages"),
    gettext_noop("Page types usage"),
    gettext_noop("Last published before"),
    gettext_noop("Last published at"),
    gettext_noop("Last published by"),
    gettext_noop("No pages found."),
    gettext_noop("No pages match this report's criteria."),
    gettext_noop("App"),
    gettext_noop("Last edited page"),
    gettext_noop("Last edit"),
    gettext_noop("No page types found."),
    gettext_noop("Locked by <b>you</b> at <b>%(locking_date)s</b>"),
    gettext_noop("Locked by <b>%(locked_by)s</b> at <b>%(locking_date)s</b>"),
    gettext_noop("Locked at <b>%(locking_date)s</b>"),
    gettext_noop("Anyone"),
    gettext_noop("By task"),
    gettext_noop("Page/Snippet ID"),
    gettext_noop("Page/Snippet Type"),
    gettext_noop("Page/Snippet Title"),
    gettext_noop("account"),
    gettext_noop("Keyboard shortcuts"),
    gettext_noop(
        "Keyboard shortcuts are currently disabled; manage your %(account_link)s to enable them."
    ),
    gettext_noop(
        "Keyboard shortcuts are currently enabled; manage your %(account_link)s to disable them."
    ),
    gettext_noop("All keyboard shortcuts"),
    gettext_noop("Section"),
    gettext_noop("Keyboard shortcut"),
    gettext_noop("Show keyboard shortcuts"),
    gettext_noop("Application"),
    gettext_noop("Toggle sidebar"),
    gettext_noop("Close modal dialogs (like this one)"),
    gettext_noop("Add or show comments"),
    gettext_noop("Text editing"),
    gettext_noop("Cut"),
    gettext_noop("Paste"),
    gettext_noop("Paste and match style"),
    gettext_noop("Paste without formatting"),
    gettext_noop("Text formatting"),
    gettext_noop("Insert or edit a link"),
    gettext_noop("Monospace (code)"),
    gettext_noop("Strike-through"),
    # Listings
    gettext_noop(
        'There are no %(model_name)s to display. Why not <a href="%(add_url)s">add one</a>?'
    ),
    gettext_noop('Sorry, there are no matches for "<em>%(search_query)s</em>"'),
    gettext_noop("item"),
    gettext_noop("items"),
    gettext_noop("Sort by '%(label)s' in ascending order."),
    gettext_noop("Sort by '%(label)s' in descending order."),
    gettext_noop(
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s across entire site."
    ),
    gettext_noop(
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s in '<span class=\"w-title-ellipsis\">%(title)s</span>'."
    ),
    gettext_noop("Search in '<span class=\"w-title-ellipsis\">%(title)s</span>'"),
    gettext_noop("No results in '<span class=\"w-title-ellipsis\">%(title)s</span>'."),
    gettext_noop("Toggle section"),
    gettext_noop("Toggle side panel"),
    # Wagtail's zh_Hant says 創建, 搜索 and 其它 (mainland wording): 建立, 搜尋, 其他 here
    gettext_noop("Other searches"),
    gettext_noop("Enter a search term above"),
    gettext_noop("Search groups"),
    gettext_noop("You cannot edit another user's comment."),
    gettext_noop("This page is an alias of another page."),
    gettext_noop("Assign to another page"),
    gettext_noop("Choose a different task type"),
    gettext_noop("Choose another item"),
    gettext_noop("Choose another page"),
    gettext_noop("Choose another task"),
    gettext_noop(
        'No collections have been created. Why not <a href="%(add_collection_url)s">add one</a>?'
    ),
    gettext_noop("Create a page in %(title)s"),
    gettext_noop("Create a page in"),
    gettext_noop("Choose which type of page you'd like to create."),
    gettext_noop("Collection '%(object)s' created."),
    gettext_noop("%(model_name)s '%(object)s' created."),
    gettext_noop("The %(model_name)s could not be created due to errors."),
    gettext_noop("Page '%(page_title)s' created."),
    gettext_noop("Page '%(page_title)s' created and scheduled for publishing."),
    gettext_noop("Page '%(page_title)s' created and published."),
    gettext_noop("Page '%(page_title)s' created and submitted for moderation."),
    gettext_noop("The image could not be created due to errors."),
    gettext_noop("latest revision created at"),
    gettext_noop("Site '%(object)s' created."),
    gettext_noop(
        'There are no users configured. Why not <a href="%(wagtailusers_add_url)s">add some</a>?'
    ),
    gettext_noop("Group '%(object)s' created."),
    gettext_noop("User '%(object)s' created."),
)
