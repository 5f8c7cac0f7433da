"""One WebSocket per page: the client subscribes to the live streams it shows.

Write paths publish with :func:`minyi.live.events.live_event_send`; this consumer
forwards each event to the browsers subscribed to its stream.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .events import MAX_SUBSCRIPTIONS, group_for_stream, stream_is_valid


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.groups_joined: set[str] = set()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        stream = content.get("stream") if isinstance(content, dict) else None
        if action not in {"subscribe", "unsubscribe"} or not stream_is_valid(stream):
            await self.send_json({"type": "error", "error": "invalid_request"})
            return
        group = group_for_stream(stream)
        if action == "subscribe":
            if len(self.groups_joined) >= MAX_SUBSCRIPTIONS:
                await self.send_json({"type": "error", "error": "too_many_subscriptions"})
                return
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)
            await self.send_json({"type": "subscribed", "stream": stream})
        else:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined.discard(group)
            await self.send_json({"type": "unsubscribed", "stream": stream})

    async def live_event(self, message: dict) -> None:
        await self.send_json(
            {"type": "event", "stream": message["stream"], "event": message["event"]}
        )
