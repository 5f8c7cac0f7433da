"""The two baselines the model must beat, on exactly the same Traditional-text splits."""

from __future__ import annotations

import numpy as np

from sentiment.training.metrics import macro_f1

TFIDF_C_GRID = (4.0, 16.0, 64.0)


class TfidfLogReg:
    """TF-IDF over character 1–3-grams + logistic regression; C chosen on the dev split."""

    name = "tfidf-lr"

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.vectorizer = None
        self.classifier = None
        self.c = None

    def _vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2, lowercase=True
        )

    def fit(self, train_texts, train_labels, dev_texts, dev_labels) -> TfidfLogReg:
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = self._vectorizer()
        x_train = self.vectorizer.fit_transform(train_texts)
        x_dev = self.vectorizer.transform(dev_texts)
        best = -1.0
        for c in TFIDF_C_GRID:
            clf = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=self.seed)
            clf.fit(x_train, train_labels)
            score = macro_f1(dev_labels, clf.predict(x_dev))
            if score > best:
                best, self.c, self.classifier = score, c, clf
        return self

    def predict(self, texts) -> np.ndarray:
        return self.classifier.predict(self.vectorizer.transform(texts))


class SnowNLPShipped:
    """SnowNLP's own sentiment model as shipped on PyPI: positive when ``sentiments >= 0.5``."""

    name = "snownlp"

    def predict(self, texts) -> np.ndarray:
        from snownlp import SnowNLP

        return np.array([int(SnowNLP(t).sentiments >= 0.5) for t in texts])
