"""The move of notifications out of participation keeps existing rows (issue 17)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("participation", "0009_notification_kind_reply"), ("notifications", None)]
AFTER = [("notifications", "0001_initial")]


def _migrate(targets, *, state):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(state).apps


@pytest.fixture
def migrated_back_to_the_latest():
    """The test migrates participation back to 0009 and only as far forward as notifications
    needs; the transactional tests after it need every app's newest schema again."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


# Like the other transactional tests: later ones restore the serialized rows, not post_migrate's.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_survive_the_move(migrated_back_to_the_latest, make_user):
    user = make_user()
    old = _migrate(BEFORE, state=BEFORE[:1])
    assert "notifications_notification" not in connection.introspection.table_names()
    old.get_model("participation", "Notification").objects.create(
        user_id=user.pk, kind="reply", title="舊的通知", url="/x/", created_at=timezone.now()
    )
    old.get_model("participation", "NotificationSettings").objects.create(
        user_id=user.pk, email_frequency="daily"
    )
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="participation", model="notification")

    new = _migrate(AFTER, state=AFTER)
    tables = connection.introspection.table_names()
    assert "notifications_notification" in tables
    assert "participation_notification" not in tables
    note = new.get_model("notifications", "Notification").objects.get()
    assert (note.user_id, note.title, note.kind) == (user.pk, "舊的通知", "reply")
    setting = new.get_model("notifications", "NotificationSettings").objects.get()
    assert setting.email_frequency == "daily"
    assert ContentType.objects.filter(app_label="notifications", model="notification").exists()
    assert not ContentType.objects.filter(app_label="participation", model="notification").exists()
    # New rows get fresh ids after the renamed table's (the sequence moved with it).
    second = new.get_model("notifications", "Notification").objects.create(
        user_id=user.pk, kind="reply", title="新的通知", created_at=timezone.now()
    )
    assert second.pk > note.pk
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "notifications_notification")
    assert "notifications_user_unread" in indexes
