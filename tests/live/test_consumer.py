"""The live WebSocket: subscribe to a stream, receive events sent after commit."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from minyi.asgi import application
from minyi.live.events import live_event_send

ORIGIN = [(b"origin", b"http://127.0.0.1")]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_subscriber_receives_events():
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"action": "subscribe", "stream": "consultation.42"})
    assert await communicator.receive_json_from() == {
        "type": "subscribed",
        "stream": "consultation.42",
    }

    await database_sync_to_async(live_event_send)("consultation.42", {"kind": "vote", "agree": 3})
    await database_sync_to_async(live_event_send)("consultation.43", {"kind": "vote", "agree": 9})
    message = await communicator.receive_json_from(timeout=2)
    assert message == {
        "type": "event",
        "stream": "consultation.42",
        "event": {"kind": "vote", "agree": 3},
    }
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_invalid_requests_get_an_error():
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=ORIGIN)
    await communicator.connect()
    for bad in ({"action": "subscribe", "stream": "../etc"}, {"action": "drop"}, ["x"]):
        await communicator.send_json_to(bad)
        assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.django_db
def test_events_wait_for_commit(django_capture_on_commit_callbacks):
    with pytest.raises(ValueError):
        live_event_send("not a stream!", {})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        live_event_send("consultation.1", {"x": 1})
    assert len(callbacks) == 1
