"""Sessions: continue exactly where training stopped; every bad file gets one clear error."""

from __future__ import annotations

import dataclasses
import json
import math
import os

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons

from engine.config import TrainConfig
from engine.session import (
    FORMAT_VERSION,
    SessionFileError,
    load_session,
    read_session,
    save_session,
    session_to_dict,
    trainer_from_session,
)
from engine.train import Trainer


def moons(n=40, seed=3):
    X, y = make_moons(n_samples=n, noise=0.1, random_state=seed)
    return X, y.astype(np.float64)


def comparable(result):
    """Everything a step reports except its wall time."""
    return dataclasses.replace(result, seconds=0.0)


CONFIGS = {
    "micrograd demo (sgd, linear schedule)": TrainConfig(
        seed=1337, test_fraction=0, lr=1.0, schedule="linear", final_lr=0.1, steps=100
    ),
    "adam, minibatches, test split": TrainConfig(
        optimizer="adam", lr=0.03, batch_size=8, test_fraction=0.25, steps=100, patience=1000
    ),
    "momentum, cosine, l1, tanh": TrainConfig(
        momentum=0.9, schedule="cosine", reg="l1", activation="tanh", batch_size=5, steps=100
    ),
    "features, standardized, vectorized adam": TrainConfig(
        features="x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)",
        scaling="standardize",
        execution="vectorized",
        optimizer="adam",
        lr=0.02,
        batch_size=8,
        test_fraction=0.25,
        steps=100,
    ),
    "minmax, vectorized sgd with momentum": TrainConfig(
        scaling="minmax", execution="vectorized", momentum=0.9, steps=100
    ),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_save_at_50_load_and_run_to_100_equals_a_straight_run(name, tmp_path):
    config = CONFIGS[name]
    X, y = moons(n=30)
    straight = Trainer(config, X, y, "binary")
    expected = [straight.step() for _ in range(100)]

    first = Trainer(config, X, y, "binary")
    for _ in range(50):
        first.step()
    path = tmp_path / "run.session.json"
    save_session(first, path)
    del first
    resumed = load_session(path, X, y)
    assert resumed.steps_done == 50 and len(resumed.history) == 50
    rest = [resumed.step() for _ in range(50)]

    assert [comparable(r) for r in rest] == [comparable(r) for r in expected[50:]]
    assert resumed.parameter_values() == straight.parameter_values()
    assert resumed.optimizer.state_dict() == straight.optimizer.state_dict()
    assert [comparable(r) for r in resumed.history] == [comparable(r) for r in straight.history]
    assert resumed.finished and resumed.stop_reason == straight.stop_reason == "steps"


def test_a_resumed_run_with_patience_stops_where_the_straight_run_stops(tmp_path):
    # Patience counts steps since the best loss: a session must carry both the count
    # and the best loss, or the resumed run waits for a new best that never comes.
    config = TrainConfig(lr=1.0, patience=5, steps=200, test_fraction=0.25, batch_size=8)
    X, y = moons(n=30)
    straight = Trainer(config, X, y, "binary")
    while not straight.finished:
        straight.step()
    assert straight.stop_reason == "patience" and 8 < straight.steps_done < 50
    expected = [comparable(r) for r in straight.history]

    for saved_at in range(1, straight.steps_done):  # issue 18: patience 5, saved at 8
        first = Trainer(config, X, y, "binary")
        for _ in range(saved_at):
            first.step()
        path = tmp_path / f"at-{saved_at}.session.json"
        save_session(first, path)
        resumed = load_session(path, X, y)
        while not resumed.finished:
            resumed.step()
        assert resumed.stop_reason == "patience", saved_at
        assert resumed.steps_done == straight.steps_done, saved_at
        assert [comparable(r) for r in resumed.history] == expected


def test_a_resumed_run_rolls_back_a_blow_up_to_the_same_weights(tmp_path):
    # When a step's loss is inf, the weights go back to those of the step before it:
    # the save point travels in the session, or a resumed run could not roll back.
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = X @ np.array([2.0, -1.0]) + 0.5
    config = TrainConfig(
        dataset="custom", layers=(4,), activation="tanh", loss="mse", reg="none", lr=0.8,
        steps=500, test_fraction=0.0, divergence_factor=None,
    )  # fmt: skip
    straight = Trainer(config, X, y, "regression")
    straight.run()
    assert straight.diverged
    k = straight.history[-1].step
    for saved_at in (k - 1, k):
        first = Trainer(config, X, y, "regression")
        first.run(max_steps=saved_at)
        save_session(first, tmp_path / "s.json")
        resumed = load_session(tmp_path / "s.json", X, y)
        resumed.run()
        assert resumed.message == straight.message, saved_at
        assert resumed.parameter_values() == straight.parameter_values(), saved_at


BAD_TRAINER_STATES = {
    "a list": (lambda s: [s], "trainer state must be an object, got list"),
    "missing keys": (
        lambda s: {k: v for k, v in s.items() if k not in ("parameters", "history")},
        "trainer state is missing parameters, history",
    ),
    "steps_done a bool": (
        lambda s: {**s, "steps_done": True},
        "steps_done must be a whole number >= 0, got True",
    ),
    "steps_done negative": (
        lambda s: {**s, "steps_done": -1},
        "steps_done must be a whole number >= 0, got -1",
    ),
    "best_loss text": (lambda s: {**s, "best_loss": "x"}, "best_loss 'x' is not a number"),
    "since_best a bool": (
        lambda s: {**s, "since_best": True},
        "since_best True is not a whole number >= 0",
    ),
    "since_best text": (
        lambda s: {**s, "since_best": "x"},
        "since_best 'x' is not a whole number >= 0",
    ),
    "parameters a list": (
        lambda s: {**s, "parameters": list(s["parameters"].values())},
        "^parameters must be an object mapping names to numbers$",
    ),
    "a parameter missing": (
        lambda s: {**s, "parameters": dict(list(s["parameters"].items())[1:])},
        r"^parameter 'layers\.0\.neurons\.0\.w\.0' is missing; the state was saved from a "
        r"different architecture$",
    ),
    "a parameter as text": (
        lambda s: {**s, "parameters": {**s["parameters"], "layers.0.neurons.0.b": "x"}},
        r"^parameter 'layers\.0\.neurons\.0\.b' is 'x', not a number$",
    ),
    "an extra parameter": (
        lambda s: {**s, "parameters": {**s["parameters"], "layers.9.neurons.0.b": 0.0}},
        r"^parameter 'layers\.9\.neurons\.0\.b' does not exist in this network; the state "
        r"was saved from a different architecture$",
    ),
    "previous of 2 parts": (
        lambda s: {**s, "previous": s["previous"][:2]},
        r"^'previous' is not a save point \(parameters, optimizer, rng\)$",
    ),
    "previous of 4 parts": (
        lambda s: {**s, "previous": [*s["previous"], 0]},
        r"'previous' is not a save point \(parameters, optimizer, rng\)",
    ),
    "previous without values": (
        lambda s: {**s, "previous": [1.0, *s["previous"][1:]]},
        r"'previous' is not a save point",
    ),
    "previous too short": (
        lambda s: {**s, "previous": [s["previous"][0][:3], *s["previous"][1:]]},
        r"'previous' has 3 values for \d+ parameters",
    ),
    "previous holding text": (
        lambda s: {**s, "previous": [["x", *s["previous"][0][1:]], *s["previous"][1:]]},
        r"a value in 'previous' is 'x', not a number",
    ),
    "previous holding a bool": (
        lambda s: {**s, "previous": [[True, *s["previous"][0][1:]], *s["previous"][1:]]},
        r"a value in 'previous' is True, not a number",
    ),
}


def test_a_state_without_the_optional_keys_loads_with_their_defaults():
    # Early-stopping counters and the stop message came later: older states lack them.
    X, y = moons(n=30)
    trainer = Trainer(TrainConfig(steps=10, patience=3), X, y, "binary")
    for _ in range(4):
        trainer.step()
    state = json.loads(json.dumps(trainer.state_dict()))
    for key in ("best_loss", "since_best", "stop_reason", "message"):
        del state[key]
    again = Trainer(TrainConfig(steps=10, patience=3), X, y, "binary")
    again.load_state_dict(state)
    loaded = again.state_dict()
    assert (loaded["best_loss"], loaded["since_best"]) == (None, 0)  # inf: nothing seen yet
    assert (loaded["stop_reason"], loaded["message"]) == ("", "")
    assert again.step().step == 4


def test_a_session_saved_before_the_first_step_loads_at_step_0(tmp_path):
    X, y = moons(n=30)
    trainer = Trainer(TrainConfig(steps=10), X, y, "binary")
    save_session(trainer, tmp_path / "s.json")
    again = load_session(tmp_path / "s.json", X, y)
    assert again.steps_done == 0 and again.parameter_values() == trainer.parameter_values()
    assert comparable(again.step()) == comparable(trainer.step())


@pytest.mark.parametrize("case", list(BAD_TRAINER_STATES))
def test_a_bad_trainer_state_says_what_is_wrong_and_changes_nothing(case):
    X, y = moons(n=30)
    trainer = Trainer(TrainConfig(steps=10), X, y, "binary")
    trainer.step()
    trainer.step()
    state = json.loads(json.dumps(trainer.state_dict()))
    change, message = BAD_TRAINER_STATES[case]
    before = trainer.parameter_values()
    with pytest.raises(ValueError, match=message):
        trainer.load_state_dict(change(state))
    assert trainer.parameter_values() == before and trainer.steps_done == 2


def test_multiclass_session_round_trip_keeps_classes_and_extra(tmp_path):
    X, y = make_blobs(n_samples=40, centers=4, random_state=1)
    trainer = Trainer(TrainConfig(steps=10, optimizer="adam"), X, y, "multiclass", n_classes=4)
    trainer.step()
    path = tmp_path / "s.json"
    save_session(trainer, path, extra={"view": {"log_scale": True}})
    session = read_session(path)
    assert session.task == "multiclass" and session.n_classes == 4
    assert session.extra == {"view": {"log_scale": True}}
    assert session.steps_done == 1 and session.path == path
    again = trainer_from_session(session, X, y)
    assert again.nout == 4 and again.parameter_values() == trainer.parameter_values()


def test_a_diverged_session_keeps_finite_weights_and_stays_stopped(tmp_path):
    X, y = moons(n=100, seed=1337)
    trainer = Trainer(TrainConfig(lr=100.0), X, y, "binary")
    while not trainer.finished:
        trainer.step()
    assert trainer.diverged
    save_session(trainer, tmp_path / "d.json")
    again = load_session(tmp_path / "d.json", X, y)
    assert again.diverged and again.message == trainer.message
    assert again.parameter_values() == trainer.parameter_values()
    assert json.loads((tmp_path / "d.json").read_text())  # strict JSON: no NaN tokens


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    X, y = moons()
    trainer = Trainer(TrainConfig(), X, y, "binary")
    path = tmp_path / "s.json"
    save_session(trainer, path)
    good = path.read_bytes()
    trainer.step()
    with pytest.raises(SessionFileError, match="cannot save"):
        save_session(trainer, path, extra={"not json": object()})
    assert path.read_bytes() == good  # the previous file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]
    with pytest.raises(SessionFileError, match="folder"):
        save_session(trainer, tmp_path)
    with pytest.raises(SessionFileError, match="cannot save"):
        save_session(trainer, tmp_path / "missing" / "s.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_saving_into_a_read_only_folder_fails_cleanly(tmp_path):
    X, y = moons()
    trainer = Trainer(TrainConfig(), X, y, "binary")
    folder = tmp_path / "ro"
    folder.mkdir()
    save_session(trainer, folder / "s.json")
    good = (folder / "s.json").read_bytes()
    folder.chmod(0o500)
    try:
        with pytest.raises(SessionFileError, match="cannot save"):
            save_session(trainer, folder / "s.json")
        assert (folder / "s.json").read_bytes() == good
    finally:
        folder.chmod(0o700)


# ---------------------------------------------------------------------- bad files


@pytest.fixture
def saved(tmp_path):
    """(path, session dict, X, y) of a small valid session after 3 steps."""
    X, y = moons()
    trainer = Trainer(TrainConfig(optimizer="adam", batch_size=8), X, y, "binary")
    for _ in range(3):
        trainer.step()
    path = tmp_path / "good.json"
    save_session(trainer, path)
    return path, session_to_dict(trainer), X, y


def _write(tmp_path, content, name="bad.json"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def _mutated(d, change):
    d = json.loads(json.dumps(d))
    change(d)
    return d


def _nan_weight(d):
    name = next(iter(d["trainer"]["parameters"]))
    d["trainer"]["parameters"][name] = "NaN-placeholder"


BAD_CONTENTS = [
    ("", "empty"),
    (b"\xff\xfe\x00garbage", "not a text"),
    ("not json at all", "not valid JSON"),
    ("[1, 2, 3]", "not a microgui session"),
    ('{"format": "microgui-mlp"}', "not a microgui session"),
]

BAD_CHANGES = [
    (lambda d: d.update(format_version=FORMAT_VERSION + 1), "newer microgui"),
    (lambda d: d.update(format_version="one"), "format_version"),
    (lambda d: d.pop("trainer"), "'trainer' is missing"),
    (lambda d: d["config"].update(lr=-1), "config is invalid: lr"),
    (lambda d: d["config"].update(layers=[7, 3]), "different architecture"),
    (lambda d: d["data"].update(task="ranking"), "task"),
    (lambda d: d["trainer"]["parameters"].popitem(), "missing"),
    (lambda d: d["trainer"]["optimizer"].update(m=[0.0]), "belongs to another model"),
    (lambda d: d["trainer"].update(batch_rng={"bit_generator": "MT"}), "batch_rng"),
    (lambda d: d["trainer"]["history"].update(loss=[1.0]), "history column"),
    (lambda d: d["trainer"].update(steps_done=-1), "steps_done"),
    (lambda d: d["trainer"]["parameters"].update({"layers.9.neurons.0.b": 0.0}), "does not exist"),
]


@pytest.mark.parametrize(("content", "must_say"), BAD_CONTENTS)
def test_unreadable_files_say_what_is_wrong(tmp_path, content, must_say):
    path = _write(tmp_path, content)
    with pytest.raises(SessionFileError) as info:
        read_session(path)
    assert must_say in str(info.value) and str(path) in str(info.value)


def test_a_truncated_file_is_reported_as_truncated(saved):
    path, _, _, _ = saved
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(SessionFileError, match="truncated or corrupt"):
        read_session(path)


def test_nan_weights_are_refused(saved, tmp_path):
    _, d, X, y = saved
    text = json.dumps(_mutated(d, _nan_weight)).replace('"NaN-placeholder"', "NaN")
    path = _write(tmp_path, text)
    with pytest.raises(SessionFileError, match="NaN is not a valid JSON number"):
        read_session(path)
    # The same weight as a huge-but-JSON number that is not finite after parsing (1e999).
    path = _write(tmp_path, text.replace("NaN", "1e999"))
    with pytest.raises(SessionFileError, match="not a finite number"):
        load_session(path, X, y)


@pytest.mark.parametrize(("change", "must_say"), BAD_CHANGES)
def test_wrong_content_is_refused_with_its_reason(saved, tmp_path, change, must_say):
    _, d, X, y = saved
    path = _write(tmp_path, _mutated(d, change))
    with pytest.raises(SessionFileError) as info:
        load_session(path, X, y)
    assert must_say in str(info.value)
    assert str(path) in str(info.value)


def test_a_session_on_different_data_is_refused(saved):
    path, _, X, y = saved
    with pytest.raises(SessionFileError, match="different data"):
        load_session(path, X + 1e-9, y)
    with pytest.raises(SessionFileError, match="different data"):
        load_session(path, X[:-1], y[:-1])


def test_missing_paths_and_folders(tmp_path):
    with pytest.raises(SessionFileError, match="not found"):
        read_session(tmp_path / "nope.json")
    with pytest.raises(SessionFileError, match="is a folder"):
        read_session(tmp_path)


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as f:  # a sparse 1 GB file: instant to make, never read
        f.truncate(1024**3)
    with pytest.raises(SessionFileError, match="limit") as info:
        read_session(path)
    assert "1,074 MB" in str(info.value)
    with pytest.raises(SessionFileError, match="limit"):
        read_session(_write(tmp_path, "x" * 2000), max_bytes=1000)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_file(saved):
    path, _, _, _ = saved
    path.chmod(0)
    try:
        with pytest.raises(SessionFileError, match="cannot read"):
            read_session(path)
    finally:
        path.chmod(0o600)


def test_state_dict_round_trip_is_json_and_loading_nothing_half_way(saved):
    path, d, X, y = saved
    trainer = load_session(path, X, y)
    before = trainer.parameter_values()
    broken = _mutated(d["trainer"], lambda t: t["optimizer"].update(v=[1.0]))
    with pytest.raises(ValueError):
        trainer.load_state_dict(broken)
    assert trainer.parameter_values() == before  # nothing applied
    assert all(math.isfinite(v) for v in before.values())


def test_the_preprocessing_is_stored_and_used_as_it_is(tmp_path):
    X, y = moons(n=30)
    config = TrainConfig(features="x1*x2,sin(x1)", scaling="standardize", steps=5)
    trainer = Trainer(config, X, y, "binary")
    trainer.step()
    path = tmp_path / "s.json"
    save_session(trainer, path)
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["format_version"] == FORMAT_VERSION == 2
    assert d["trainer"]["preprocessing"] == trainer.preprocessor.to_dict()
    # A stored scaling that differs from a refit (say, another numpy) is kept, not refitted.
    d["trainer"]["preprocessing"]["scaling"]["shift"][0] += 1e-9
    path.write_text(json.dumps(d), encoding="utf-8")
    resumed = load_session(path, X, y)
    assert resumed.preprocessor.scaler.shift[0] == trainer.preprocessor.scaler.shift[0] + 1e-9
    assert resumed.config.features == ("x1*x2", "sin(x1)")


def test_a_version_1_session_continues_on_the_raw_inputs(tmp_path):
    X, y = moons(n=30)
    trainer = Trainer(TrainConfig(steps=10, scaling="none"), X, y, "binary")
    for _ in range(3):
        trainer.step()
    d = session_to_dict(trainer)
    d["format_version"] = 1
    for key in ("features", "scaling", "execution"):
        del d["config"][key]
    del d["trainer"]["preprocessing"]
    del d["trainer"]["history"]["vectorized"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    resumed = load_session(path, X, y)
    assert resumed.preprocessor.is_identity and resumed.steps_done == 3
    assert resumed.parameter_values() == trainer.parameter_values()
    assert [r.execution for r in resumed.history] == ["scalar"] * 3
    assert comparable(resumed.step()) == comparable(trainer.step())


def test_the_data_fingerprint_is_the_one_earlier_session_files_hold():
    # Session files store it and a session continues only on data with the same one, so it
    # must not change between versions: the first 32 hex digits of the SHA-256 of X's and
    # y's float64 bytes and the task (unchanged since the first version), here by hashlib.
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    trainer = Trainer(TrainConfig(layers=(2,), test_fraction=0.0), X, y, "binary")
    assert trainer.data_fingerprint == "d05964eba75027349c87181801aa57b3"
