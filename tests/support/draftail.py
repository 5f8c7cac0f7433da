"""What the Wagtail admin's rich text editor posts: Draftail content state, not HTML."""

import json


def draftail_body(text: str) -> str:
    """One paragraph of ``text`` as the page editor's rich text field sends it."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "text": text,
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [],
                    "data": {},
                }
            ],
            "entityMap": {},
        }
    )
