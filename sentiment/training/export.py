"""Export the trained model to ONNX and quantise it to int8 (dynamic quantisation)."""

from __future__ import annotations

from pathlib import Path

import torch


def export_onnx(model, path: Path) -> None:
    model.eval()
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    grams = torch.tensor([[5, 6, 7, 8], [9, 10, 0, 0]], dtype=torch.long)
    tf = (grams > 0).float()
    torch.onnx.export(
        model,
        (ids, mask, grams, tf),
        str(path),
        input_names=["input_ids", "attention_mask", "ngram_ids", "ngram_tf"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "ngram_ids": {0: "batch", 1: "ngrams"},
            "ngram_tf": {0: "batch", 1: "ngrams"},
            "logits": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )


def quantize(fp32: Path, int8: Path) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser logs every node on the root logger; keep our training log readable.
    logging.getLogger().setLevel(logging.WARNING)

    # MatMul weights and the embedding tables (Gather) go to int8; activations are quantised
    # per batch at run time.
    quantize_dynamic(
        str(fp32),
        str(int8),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gather"],
        nodes_to_exclude=ngram_nodes(fp32),
    )


def ngram_nodes(fp32: Path) -> list[str]:
    """The n-gram table lookup stays float: it holds logistic-regression weights whose small
    values per-tensor int8 would blur, and at one float per bucket it is only 1 MB."""
    import onnx

    graph = onnx.load(str(fp32), load_external_data=False).graph
    return [n.name for n in graph.node if n.op_type == "Gather" and "ngrams.weight" in n.input]
