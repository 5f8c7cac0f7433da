import pytest


@pytest.fixture
def admin_client(client, make_user):
    """A client signed in as a superuser (pytest-django's own admin_client has no display
    name, which Minyi's users need)."""
    admin = make_user(display_name="管理者")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client
