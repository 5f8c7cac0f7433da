"""Emotion stage: counts and intensities in the seven DUTIR categories (樂 好 怒 哀 懼 惡 驚).

The categories are those of the DUTIR affective lexicon ontology (Dalian University of
Technology): 樂 joy and relief, 好 liking, praise, trust and good wishes, 怒 anger, 哀 sadness,
disappointment and guilt, 懼 fear, worry and shame, 惡 disgust, contempt, annoyance and
suspicion, 驚 surprise. The lexicon itself (``lexicons/emotions.tsv``) is project-authored,
because the DUTIR files may not be redistributed; README.md beside it says how it was made.

Scoring, per text (token list from the segmenter):

* each lexicon word found counts once in its category and adds ``strength / 9`` (strength on
  DUTIR's 1–9 scale) times the degree adverbs before it (很 ×1.4, 非常 ×1.8, 有點 ×0.7 …);
* negation: a negated 樂 or 好 word expresses the opposite feeling, so 不開心 counts under 哀 and
  不喜歡 under 惡, at half intensity; a negated 怒, 哀, 懼, 惡 or 驚 word (不怕, 不生氣) is not
  counted at all: denying a feeling does not express its opposite; two negators cancel;
* ``intensity`` is the sum per category (not divided by length, so a decision report can add
  texts up); ``dominant`` is the category with the highest intensity (ties: more words, then the
  order above), or None when no emotion word was found.
"""

from __future__ import annotations

from sentiment.nlp.lexicons import EMOTION_CATEGORIES, load_emotions, scan

NEGATED_CATEGORY = {"樂": "哀", "好": "惡"}
NEGATED_SHARE = 0.5


class EmotionScorer:
    name = "emotions"

    def run(self, token_lists: list[list[str]]) -> list[dict]:
        lexicon = load_emotions()
        return [self._score(tokens, lexicon) for tokens in token_lists]

    @staticmethod
    def _score(tokens: list[str], lexicon) -> dict:
        counts = dict.fromkeys(EMOTION_CATEGORIES, 0)
        intensity = dict.fromkeys(EMOTION_CATEGORIES, 0.0)
        for hit in scan(tokens, lexicon):
            category, strength = lexicon[hit.word]
            value = strength / 9 * hit.degree
            if hit.negation < 0:
                if category not in NEGATED_CATEGORY:
                    continue
                category = NEGATED_CATEGORY[category]
                value *= NEGATED_SHARE * abs(hit.negation)
            else:
                value *= hit.negation  # 1, or a damped double negation
            counts[category] += 1
            intensity[category] += value
        intensity = {c: round(v, 3) for c, v in intensity.items()}
        order = {c: i for i, c in enumerate(EMOTION_CATEGORIES)}
        best = max(EMOTION_CATEGORIES, key=lambda c: (intensity[c], counts[c], -order[c]))
        dominant = best if counts[best] > 0 and intensity[best] > 0 else None
        return {"counts": counts, "intensity": intensity, "dominant": dominant}
