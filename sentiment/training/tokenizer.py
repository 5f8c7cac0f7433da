"""Character-level vocabulary built from the training texts, saved as a ``tokenizers`` file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]  # ids 0..4, see nlp/sentiment.py


def build_char_vocab(texts: Iterable[str], min_count: int = 2, max_size: int = 8000) -> list[str]:
    """Most frequent characters first; rare ones map to [UNK] (they cannot be learnt anyway)."""
    counts = Counter(ch for text in texts for ch in text.lower() if not ch.isspace())
    chars = [ch for ch, n in counts.most_common() if n >= min_count]
    return SPECIAL_TOKENS + chars[: max_size - len(SPECIAL_TOKENS)]


def build_tokenizer(vocab: list[str]):
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordLevel

    ids = {tok: i for i, tok in enumerate(vocab)}
    tokenizer = Tokenizer(WordLevel(ids, unk_token="[UNK]"))  # noqa: S106 - a token, not a secret
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    # Whitespace separates pieces and is dropped; every remaining character is one token.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), "isolated")]
    )
    return tokenizer
