from django.urls import path

from .consumers import VoteConsumer

websocket_urlpatterns = [path("ws/participate/votes/", VoteConsumer.as_asgi())]
