"""Training, export and evaluation of the sentiment model (see sentiment/MODEL_CARD.md).

Data preparation, splits, baselines and evaluation need only the run-time dependencies;
``model``/``train``/``export`` need the ``[train]`` extra (torch, transformers, onnx) and are
imported lazily by the ``train_sentiment`` command.
"""
