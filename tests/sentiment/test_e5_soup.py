"""A model soup averages the weights of runs from the same start, and refuses other runs.

Needs torch (the ``[train]`` extra); skipped with that reason where it is not installed.
"""

import json

import pytest

torch = pytest.importorskip("torch", reason="the [train] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [train] extra (transformers) is not installed")


def test_each_weight_is_the_mean_of_the_runs_weights():
    from sentiment.training.e5_soup import average_states

    a = {"w": torch.tensor([1.0, 2.0]), "b": torch.tensor([0.0])}
    b = {"w": torch.tensor([3.0, 6.0]), "b": torch.tensor([1.0])}
    soup = average_states([a, b])
    assert torch.equal(soup["w"], torch.tensor([2.0, 4.0]))
    assert torch.equal(soup["b"], torch.tensor([0.5]))
    with pytest.raises(ValueError, match="not the same model"):
        average_states([a, {"w": b["w"]}])


def _run(root, name, keep, layers=1):
    from dataclasses import asdict

    from sentiment.training.e5_finetune import E5Settings

    run = root / name
    (run / "prepared").mkdir(parents=True)
    (run / "prepared" / "keep.json").write_text(json.dumps(keep))
    settings = asdict(E5Settings(layers=layers, epochs=2))
    state = {"model": {"w": torch.ones(2)}, "optimizer": {}, "scheduler": {}, "step": 20}
    torch.save(state | {"rng": torch.get_rng_state(), "settings": settings}, run / "checkpoint.pt")
    return run


def test_a_soup_is_a_finished_checkpoint_and_runs_of_other_vocabularies_are_refused(tmp_path):
    from sentiment.training.e5_finetune import E5Settings
    from sentiment.training.e5_soup import make_soup

    a, b = _run(tmp_path, "a", [0, 1, 5]), _run(tmp_path, "b", [0, 1, 5])
    make_soup(tmp_path / "soup", [a, b], E5Settings(run="soup", layers=1, epochs=1))
    saved = torch.load(tmp_path / "soup" / "checkpoint.pt", weights_only=False)
    assert saved["step"] == 10  # one epoch of the runs' ten steps: resuming goes to export
    assert saved["settings"]["epochs"] == 1
    assert (tmp_path / "soup" / "prepared" / "keep.json").read_text() == "[0, 1, 5]"
    other = _run(tmp_path, "c", [0, 1, 6])
    with pytest.raises(ValueError, match="pruned the vocabulary differently"):
        make_soup(tmp_path / "soup2", [a, other], E5Settings(layers=1))
    deeper = _run(tmp_path, "d", [0, 1, 5], layers=2)
    with pytest.raises(ValueError, match="layers"):
        make_soup(tmp_path / "soup3", [a, deeper], E5Settings(layers=1))
