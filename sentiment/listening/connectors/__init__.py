"""Connectors: one small class per kind of source, all with ``fetch(cursor) -> (posts, cursor)``."""

from .base import Connector, ConnectorError, NormalisedPost
from .dcard import DcardConnector
from .facebook import FacebookConnector
from .ptt import PttConnector
from .rss import RssConnector
from .upload import UploadConnector

CONNECTORS: dict[str, type[Connector]] = {
    "ptt": PttConnector,
    "dcard": DcardConnector,
    "facebook": FacebookConnector,
    "rss": RssConnector,
    "upload": UploadConnector,
}


def connector_for(source, **kwargs) -> Connector:
    return CONNECTORS[source.kind](source, **kwargs)


__all__ = ["CONNECTORS", "Connector", "ConnectorError", "NormalisedPost", "connector_for"]
