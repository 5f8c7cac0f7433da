"""Characters that show nothing but change what text means or how it is matched.

One set for the platform: moderation's screening strips them before storing and matching,
NLP normalisation drops them before segmenting, and the display-name validator refuses them
(by Unicode category, which covers these).
"""

# Bidirectional embeddings, overrides, isolates and marks: they reorder what a reader sees.
BIDI_CHARS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
# Zero-width characters and the soft hyphen: they split words without showing.
ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_CHARS = frozenset(
    ["\u200b", "\u200c", ZERO_WIDTH_JOINER, "\u2060", "\ufeff", "\u180e", "\u00ad"]
)
