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
        nn.init.normal_(self.ngrams.weight, std=0.02)
        with torch.no_grad():
            self.ngrams.weight[0].zero_()
        self.dropout = nn.Dropout(settings.dropout)
        self.head = nn.Linear(settings.hidden + settings.ngram_dim, 2)
        self.aux_cls = nn.Linear(settings.hidden, 2)
        self.aux_ngram = nn.Linear(settings.ngram_dim, 2)

    def branches(self, input_ids, attention_mask, ngram_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        cls = hidden[:, 0]
        present = (ngram_ids > 0).to(cls.dtype).unsqueeze(-1)
        summed = (self.ngrams(ngram_ids) * present).sum(dim=1)
        bag = summed / present.sum(dim=1).clamp(min=1.0)
        return cls, bag

    def forward(self, input_ids, attention_mask, ngram_ids):
        cls, bag = self.branches(input_ids, attention_mask, ngram_ids)
        return self.head(self.dropout(torch.cat([cls, bag], dim=-1)))

    def training_logits(self, input_ids, attention_mask, ngram_ids):
        cls, bag = self.branches(input_ids, attention_mask, ngram_ids)
        joint = self.head(self.dropout(torch.cat([cls, bag], dim=-1)))
        return joint, self.aux_cls(self.dropout(cls)), self.aux_ngram(self.dropout(bag))


def masked_lm(settings: ModelSettings) -> BertForMaskedLM:
    return BertForMaskedLM(settings.bert_config())
