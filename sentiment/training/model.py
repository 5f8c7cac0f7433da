"""The hybrid model: a small char-level BERT (transformers) beside a hashed n-gram branch.

The [CLS] vector of the encoder and the mean of the n-gram embeddings (fastText-style; ids
computed in numpy by ``sentiment.nlp.sentiment.ngram_ids``) are concatenated and classified
jointly. Each branch also has its own auxiliary head during training, so the fast-learning
n-gram branch cannot starve the encoder of gradient (deep supervision); only the joint head
is exported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from transformers import BertConfig, BertForMaskedLM, BertModel


@dataclass
class ModelSettings:
    vocab_size: int = 6000
    hidden: int = 128
    layers: int = 2
    heads: int = 4
    intermediate: int = 512
    max_len: int = 128
    dropout: float = 0.1
    ngram_buckets: int = 1 << 18
    ngram_dim: int = 32
    ngram_orders: tuple[int, ...] = (1, 2, 3)
    ngram_max_chars: int = 512
    # n-grams of the last characters, hashed apart (sentiment.nlp.sentiment.ngram_features);
    # 0 (the shipped 1.0) adds none. The unshipped 1.1 candidate used 32 (MODEL_CARD.md).
    ngram_tail_chars: int = 0

    def bert_config(self) -> BertConfig:
        return BertConfig(
            vocab_size=self.vocab_size,
            hidden_size=self.hidden,
            num_hidden_layers=self.layers,
            num_attention_heads=self.heads,
            intermediate_size=self.intermediate,
            max_position_embeddings=self.max_len,
            type_vocab_size=1,
            hidden_dropout_prob=self.dropout,
            attention_probs_dropout_prob=self.dropout,
            pad_token_id=0,
            attn_implementation="eager",
        )

    def as_dict(self) -> dict:
        d = asdict(self)
        d["ngram_orders"] = list(self.ngram_orders)
        return d


class HybridSentimentModel(nn.Module):
    def __init__(self, settings: ModelSettings):
        super().__init__()
        self.settings = settings
        self.encoder = BertModel(settings.bert_config(), add_pooling_layer=False)
        self.ngrams = nn.Embedding(settings.ngram_buckets, settings.ngram_dim, padding_idx=0)
        nn.init.normal_(self.ngrams.weight, std=0.01)
        # IDF per bucket, from the training split (train.idf_table); exported as a constant.
        self.register_buffer("idf", torch.ones(settings.ngram_buckets))
        with torch.no_grad():
            self.ngrams.weight[0].zero_()
        self.dropout = nn.Dropout(settings.dropout)
        self.head = nn.Linear(settings.hidden + settings.ngram_dim, 2)
        self.aux_cls = nn.Linear(settings.hidden, 2)
        self.aux_ngram = nn.Linear(settings.ngram_dim, 2)

    def tfidf_bag(self, ngram_ids, ngram_tf):
        # TF-IDF weights (padding has tf 0), L2-normalised per text, then a weighted sum.
        weights = ngram_tf * self.idf[ngram_ids]
        weights = weights / weights.norm(dim=1, keepdim=True).clamp(min=1e-6)
        return (self.ngrams(ngram_ids) * weights.unsqueeze(-1)).sum(dim=1)

    def branches(self, input_ids, attention_mask, ngram_ids, ngram_tf):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        return hidden[:, 0], self.tfidf_bag(ngram_ids, ngram_tf)

    def forward(self, input_ids, attention_mask, ngram_ids, ngram_tf):
        cls, bag = self.branches(input_ids, attention_mask, ngram_ids, ngram_tf)
        return self.head(self.dropout(torch.cat([cls, bag], dim=-1)))

    def training_logits(self, input_ids, attention_mask, ngram_ids, ngram_tf):
        cls, bag = self.branches(input_ids, attention_mask, ngram_ids, ngram_tf)
        joint = self.head(self.dropout(torch.cat([cls, bag], dim=-1)))
        return joint, self.aux_cls(self.dropout(cls)), self.aux_ngram(self.dropout(bag))


def masked_lm(settings: ModelSettings) -> BertForMaskedLM:
    return BertForMaskedLM(settings.bert_config())
