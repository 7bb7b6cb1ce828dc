"""Generate-time isolation: bad params are refused first, bad results and hangs name the plugin.

Broken plugins are real drop-in files written into tmp_path.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from plugin_test_helpers import HEADER, assert_rest_works, dataset_plugin, load, report, write

from microgui.plugin_host.manager import PluginError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "good", dataset_plugin("good_data"))
    return tmp_path


# --------------------------------------------------------------------------- failures


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("raise ZeroDivisionError('oops')", "failed in generate: ZeroDivisionError: oops"),
        ("raise SystemExit(1)", "failed in generate: SystemExit"),
        ("return 'data'", "must return a Dataset, got str"),
        (
            "return Dataset(np.zeros(5), np.zeros(5), 'binary', ('a',), ('n', 'p'))",
            "X must be 2-D",
        ),
        (
            "return Dataset(np.zeros((5, 2), int), np.zeros(5), 'binary', ('a', 'b'), ('n', 'p'))",
            "X must hold floats, got dtype int64",
        ),
        (
            "return Dataset([[0.0, 1.0]], np.zeros(1), 'binary', ('a', 'b'), ('n', 'p'))",
            "X must be a numpy array, got list",
        ),
        (
            "return Dataset(np.zeros((5, 2)), np.zeros(4), 'binary', ('a', 'b'), ('n', 'p'))",
            "y has 4 entries but X has 5 rows",
        ),
        (
            "y = np.array(['a', 'b'])\n"
            "return Dataset(np.zeros((2, 2)), y, 'binary', ('a', 'b'), ('n', 'p'))",
            "y must hold numbers, got dtype <U1",
        ),
        (
            "X = np.zeros((5, 2)); X[3, 1] = np.nan\n"
            "return Dataset(X, np.zeros(5), 'binary', ('a', 'b'), ('n', 'p'))",
            "X has 1 NaN or infinite value(s), the first in row 3",
        ),
        (
            "y = np.zeros(5); y[2] = np.inf\n"
            "return Dataset(np.zeros((5, 2)), y, 'regression', ('a', 'b'))",
            "y has 1 NaN or infinite value(s), the first in row 2",
        ),
        (
            "return Dataset(np.zeros((5, 2)), np.zeros(5), 'binary', ('a',), ('n', 'p'))",
            "feature_names has 1 entries, expected 2",
        ),
        (
            "y = np.array([0.0, 1.0, 2.0])\n"
            "return Dataset(np.zeros((3, 2)), y, 'binary', ('a', 'b'), ('n', 'p'))",
            "labels must be class indices 0..1",
        ),
        (
            "return Dataset(np.zeros((2, 2)), np.array([0., .5]), 'multiclass', ('a', 'b'), "
            "('n', 'p', 'q'))",
            "labels must be class indices 0..2",
        ),
        (
            "return Dataset(np.zeros((2, 2)), np.zeros(2), 'binary', ('a', 'b'), ('only',))",
            "class_names (binary) has 1 entries, expected 2",
        ),
        (
            "return Dataset(np.zeros((2, 2)), np.zeros(2), 'clustering', ('a', 'b'))",
            "task 'clustering' is not one of",
        ),
    ],
    ids=[
        "raises",
        "sys-exit",
        "not-a-dataset",
        "X-1d",
        "X-int",
        "X-list",
        "y-length",
        "y-strings",
        "nan",
        "inf",
        "feature-names",
        "binary-label-2",
        "fractional-label",
        "class-names",
        "task",
    ],
)
def test_bad_generate_result_becomes_plugin_error_naming_the_plugin(folder, body, expected):
    write(folder, "bad", dataset_plugin("bad_data", body=body))
    registry = load(folder)
    assert report(registry, "bad").status == "ok"  # fine until it runs
    with pytest.raises(PluginError) as caught:
        registry.generate("bad_data", None, 0)
    message = str(caught.value)
    assert expected in message
    assert "dataset 'bad_data' (plugin 'bad')" in message
    assert caught.value.plugin == "bad" and not caught.value.input_error
    assert_rest_works(registry)


def test_generate_error_points_at_the_plugins_own_line(folder):
    body = "x = 1\nreturn np.linalg.inv(np.zeros((2, 2)))"  # raised deep inside numpy
    path = write(folder, "bad", dataset_plugin("bad_data", body=body))
    line = path.read_text().splitlines().index("    return np.linalg.inv(np.zeros((2, 2)))") + 1
    with pytest.raises(PluginError, match=rf"LinAlgError: .*\(at bad.py line {line}\)"):
        load(folder).generate("bad_data", None, 0)


def test_hook_error_points_at_the_plugins_own_line(folder):
    write(folder, "bad", HEADER + "\n@hookimpl\ndef microgui_datasets():\n    return [1][5]\n")
    assert "IndexError: list index out of range (at bad.py line 6)" in (
        report(load(folder), "bad").error
    )


def test_dataset_error_is_passed_on_as_input_error(folder):
    write(folder, "bad", dataset_plugin("bad_data", body="raise DatasetError('pick a file')"))
    with pytest.raises(PluginError, match=r"\(plugin 'bad'\): pick a file$") as caught:
        load(folder).generate("bad_data", None, 0)
    assert caught.value.input_error


PARAMS = "(ParamSpec('n', 'int', 10, minimum=2, maximum=50), ParamSpec('scale', 'float', 1.0))"
NEVER_CALLED = "raise AssertionError('generate must not run with bad params')"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"n": 51}, "parameter 'n' = 51 is outside its bounds [2, 50]"),
        ({"n": 1}, "parameter 'n' = 1 is outside its bounds [2, 50]"),
        ({"n": 2.5}, "parameter 'n' must be a whole number, got 2.5"),
        ({"n": "10"}, "parameter 'n' must be a finite number (int), got '10'"),
        ({"n": True}, "must be a finite number (int), got True"),
        ({"scale": float("nan")}, "parameter 'scale' must be a finite number"),
        ({"colour": "red"}, "unknown parameter(s) 'colour' for dataset 'bad_data'"),
    ],
    ids=["above", "below", "fraction", "text", "bool", "nan", "unknown"],
)
def test_bad_params_are_rejected_before_generate_runs(folder, params, expected):
    write(folder, "bad", dataset_plugin("bad_data", body=NEVER_CALLED, params=PARAMS))
    registry = load(folder)
    with pytest.raises(PluginError) as caught:
        registry.generate("bad_data", params, 0)
    assert expected in str(caught.value) and "(plugin 'bad')" in str(caught.value)
    assert caught.value.input_error
    assert_rest_works(registry)


def test_params_are_completed_with_defaults_and_converted(folder):
    body = "return Dataset(np.full((params['n'], 1), params['scale']), np.zeros(params['n']), "
    body += "'regression', (type(params['n']).__name__,))"
    write(folder, "typed", dataset_plugin("typed_data", body=body, params=PARAMS))
    registry = load(folder)
    data = registry.generate("typed_data", {"n": 12.0}, 0)  # a spin box may send 12.0
    assert data.X.shape == (12, 1) and data.feature_names == ("int",)
    assert registry.resolve_params("typed_data", {"scale": 2}) == {"n": 10, "scale": 2.0}


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "1", True])
def test_bad_seed_is_rejected(folder, seed):
    with pytest.raises(PluginError, match="seed must be"):
        load(folder).generate("good_data", None, seed)


def test_unknown_dataset_lists_what_is_available(folder):
    with pytest.raises(PluginError, match=r"no dataset with id 'nope'; available: .*moons"):
        load(folder).generate("nope")


def test_hanging_generate_times_out_and_the_caller_moves_on(folder):
    body = "RELEASE.wait(60)\nreturn Dataset(np.zeros((1, 1)), np.zeros(1), 'regression', ('x',))"
    source = "import threading\nRELEASE = threading.Event()\n" + dataset_plugin("slow", body=body)
    write(folder, "hangs", source)
    registry = load(folder)
    release = registry.datasets["slow"].generate.__globals__["RELEASE"]
    try:
        with pytest.raises(PluginError, match=r"took longer than 0.2 s") as caught:
            registry.generate("slow", None, 0, timeout=0.2)
        assert caught.value.plugin == "hangs" and not caught.value.input_error
        stuck = [t for t in threading.enumerate() if "slow" in t.name]
        assert stuck and all(t.daemon for t in stuck), "a hung plugin must not block exit"
        assert_rest_works(registry)
    finally:
        release.set()


def test_timeout_path_returns_the_same_data_and_passes_errors_on(folder):
    write(folder, "raises", dataset_plugin("raising", body="raise OSError('disk')"))
    registry = load(folder)
    direct = registry.generate("good_data", None, 5)
    threaded = registry.generate("good_data", None, 5, timeout=30)
    np.testing.assert_array_equal(direct.X, threaded.X)
    with pytest.raises(PluginError, match="OSError: disk"):
        registry.generate("raising", None, 0, timeout=30)
    with pytest.raises(ValueError, match="timeout must be a positive"):
        registry.generate("good_data", None, 0, timeout=0)


def test_result_arrays_are_normalised_copies(folder):
    body = """\
    X = KEEP.setdefault("X", np.zeros((3, 2), dtype=np.float32))
    return Dataset(X, np.array([0, 2, 1]), "multiclass", ("a", "b"), ("p", "q", "r"))
    """
    write(folder, "multi", "KEEP = {}\n" + dataset_plugin("multi_data", body=body))
    registry = load(folder)
    data = registry.generate("multi_data", None, 0)
    assert data.X.dtype == np.float64 and data.y.dtype == np.int64
    assert data.y.tolist() == [0, 2, 1]
    data.X[0, 0] = 99.0  # the caller may change its copy freely
    assert registry.datasets["multi_data"].generate.__globals__["KEEP"]["X"][0, 0] == 0.0
