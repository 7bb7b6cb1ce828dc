"""`microgui train`: end to end as a subprocess, plus the option logic in-process.

Subprocess tests run ``python -m microgui train ...`` exactly as a user would
(exit codes, JSON lines, files written and loadable, Ctrl-C). In-process
tests call ``microgui.cli.main`` for the many small cases that only need
the option handling; none of them draws (no Qt in this folder's process).
"""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import struct
import subprocess
import sys

import numpy as np
import pytest
from child_process import AS_FROM_A_TERMINAL
from sklearn.datasets import make_moons

from engine.modelio import load_model
from engine.presets import PRESETS, preset_config
from engine.session import read_session
from engine.train import Trainer
from microgui.cli import build_parser, main
from microgui.commands.train_command import build_config
from microgui.plugin_host.manager import load_plugins

PARAM_NAME = re.compile(r"layers\.\d+\.neurons\.\d+\.(w\.\d+|b)")
STEP_KEYS = {
    "step",
    "loss",
    "accuracy",
    "lr",
    "seconds",
    "nodes",
    "finite",
    "rmse",
    "test_loss",
    "test_accuracy",
    "test_rmse",
    "message",
    "stop_reason",
    "execution",
}


def microgui(*args: str, cwd, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "microgui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


# ---------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_micrograd_demo_preset_end_to_end(tmp_path):
    done = microgui(
        "train",
        "--preset",
        "micrograd-demo",
        "--json",
        "--save",
        "model.json",
        "--session",
        "run.session.json",
        "--plot",
        "boundary.png",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    steps = json_lines(done.stdout)
    assert [s["step"] for s in steps] == list(range(100))
    assert all(set(s) == STEP_KEYS and s["finite"] for s in steps)
    assert {s["execution"] for s in steps} == {"scalar"}  # micrograd's arithmetic
    assert steps[-1]["accuracy"] == 1.0
    assert steps[-1]["stop_reason"] == "steps"
    assert "ms per step" in done.stderr and "Traceback" not in done.stderr

    # The same run in this process, on the same plugin data: identical numbers.
    config = preset_config("micrograd-demo")
    data = load_plugins().generate(config.dataset, config.dataset_params, config.seed)
    trainer = Trainer(config, data.X, data.y, data.task)
    for expected in steps:
        got = dataclasses.replace(trainer.step(), seconds=expected["seconds"])
        assert got.to_dict() == expected

    model, saved_config = load_model(tmp_path / "model.json")
    assert [p.data for p in model.parameters()] == list(trainer.parameter_values().values())
    assert saved_config["lr"] == 1.0 and saved_config["layers"] == [16, 16]
    session = read_session(tmp_path / "run.session.json")
    assert session.steps_done == 100 and session.config == trainer.config
    assert png_size(tmp_path / "boundary.png") == (1280, 620)


def test_lr_100_diverges_with_exit_code_3_naming_step_and_parameter(tmp_path):
    done = microgui("train", "--lr", "100", "--quiet", "--session", "d.json", cwd=tmp_path)
    assert done.returncode == 3
    assert done.stdout == ""
    assert re.search(r"diverged at step \d+", done.stderr)
    assert PARAM_NAME.search(done.stderr)
    assert "Traceback" not in done.stderr
    assert read_session(tmp_path / "d.json").trainer_state["stop_reason"] == "diverged"


def test_bad_argument_exits_2_with_one_clear_line(tmp_path):
    done = microgui("train", "--layers", "16,,16", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("microgui train: error: --layers: '16,,16'")


def test_ctrl_c_saves_the_session_and_exits_130(tmp_path):
    process = subprocess.Popen(
        [
            *AS_FROM_A_TERMINAL,
            "-m",
            "microgui",
            "train",
            "--layers",
            "4",
            "--steps",
            "10000000",
            "--json",
            "--quiet",
            "--session",
            "s.json",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(3):  # wait until it is really training
            assert process.stdout.readline()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "interrupted after" in stderr and "Traceback" not in stderr
    session = read_session(tmp_path / "s.json")
    assert session.steps_done >= 3
    assert len(session.trainer_state["history"]["loss"]) == session.steps_done


@pytest.mark.slow
def test_regression_run_writes_plot_and_model(tmp_path):
    done = microgui(
        "train", "--dataset", "sine", "--optimizer", "adam", "--lr", "0.02", "--steps", "30",
        "--quiet", "--plot", "fit.png", "--save", "m.json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert png_size(tmp_path / "fit.png") == (1280, 620)
    model, _ = load_model(tmp_path / "m.json")
    assert model.nin == 1 and model.nouts == [16, 16, 1]


# ---------------------------------------------------------------------- in-process


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["train", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("args", "must_say"),
    [
        (["--layers", "abc"], "--layers: 'abc' is not a whole number"),
        (["--layers", "0"], "--layers: '0': a layer needs at least 1 neuron"),
        (["--lr", "-1"], "--lr: -1.0 is not allowed; a finite number > 0"),
        (["--lr", "nan"], "--lr: nan is not allowed"),
        (["--test-fraction", "1"], "--test-fraction: 1.0 is not allowed"),
        (["--steps", "0"], "--steps: 0 is not allowed"),
        (["--dataset", "nope"], "--dataset: no dataset 'nope'; available:"),
        (["--dataset-param", "noise=abc"], "--dataset-param noise=abc: not a number"),
        (["--dataset-param", "nois=0.2"], "unknown parameter(s) 'nois'"),
        (["--dataset-param", "noise=9"], "outside its bounds"),
        (["--dataset", "blobs", "--dataset-param", "k=3", "--loss", "hinge"], "--loss: 'hinge'"),
        (["--config", "missing.json"], "--config missing.json: config file not found"),
        (["--save", "no/such/folder/m.json"], "--save no/such/folder/m.json: the folder"),
        (["--plot", "."], "--plot .: is a folder"),
        (["--resume", "missing.json"], "--resume: session file not found"),
        (["--layers", "4096,4096"], "--max-nodes: this network needs"),
        (["--resume", "x.json", "--preset", "micrograd-demo"], "drop --preset/--config"),
        (["--features", "x1,x3"], "--features: 'x3' needs input x3 but the data has 2"),
        (["--features", "x1^3"], "--features: 'x1^3' is not a feature (only squares: ^2)"),
        (["--features", "exec('1')"], "--features: \"exec('1')\" is not a feature"),
        (["--features", "x1,x1"], "--features: 'x1' is listed twice"),
    ],
)
def test_bad_input_returns_2_and_one_line(capsys, tmp_path, monkeypatch, args, must_say):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(capsys, *args, "--quiet")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("microgui train: error: ")
    assert must_say in err


@pytest.mark.parametrize(
    "args", [["--loss", "nope"], ["--lr", "fast"], ["--preset", "nope"], ["--betas", "1"]]
)
def test_argparse_errors_exit_2(capsys, args):
    with pytest.raises(SystemExit) as info:
        main(["train", *args])
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def parse(*args: str):
    return build_parser().parse_args(["train", *args])


def test_options_override_config_file_which_overrides_preset(tmp_path):
    file = tmp_path / "c.json"
    file.write_text(json.dumps({"lr": 0.5, "layers": [8], "steps": 7}))
    config = build_config(parse("--preset", "micrograd-demo", "--config", str(file), "--lr", "2"))
    assert config.lr == 2.0  # option
    assert config.layers == (8,) and config.steps == 7  # file
    assert config.schedule == "linear" and config.seed == 1337  # preset
    assert config.dataset_params == PRESETS["micrograd-demo"]["dataset_params"]
    # "none" resets an optional setting; another dataset drops the preset's parameters.
    config = build_config(
        parse("--preset", "micrograd-demo", "--final-lr", "none", "--dataset", "sine")
    )
    assert config.final_lr is None and config.dataset_params == {}
    config = build_config(parse("--dataset-param", "noise=0.3", "--dataset-param", "n_samples=50"))
    assert config.dataset_params == {"noise": "0.3", "n_samples": "50"}  # typed per plugin later


def test_a_new_lr_keeps_the_presets_decay_instead_of_rising_to_its_final_rate(tmp_path):
    config = build_config(parse("--preset", "micrograd-demo", "--lr", "0.01"))
    assert config.lr == 0.01 and config.final_lr == pytest.approx(0.001)
    file = tmp_path / "c.json"
    file.write_text(json.dumps({"lr": 0.5}))
    config = build_config(parse("--preset", "micrograd-demo", "--config", str(file)))
    assert config.final_lr == pytest.approx(0.05)
    # A final rate given on the command line is the user's: kept, even above the rate.
    config = build_config(parse("--preset", "micrograd-demo", "--lr", "0.01", "--final-lr", "0.1"))
    assert config.final_lr == 0.1
    assert build_config(parse("--preset", "micrograd-demo")).final_lr == 0.1  # as micrograd


def test_config_file_errors_name_the_file_and_key(tmp_path, capsys):
    file = tmp_path / "c.json"
    file.write_text('{"lr": 0.5, "learning_rate": 1}')
    code, _, err = run_main(capsys, "--config", str(file))
    assert code == 2 and f"--config {file}: key 'learning_rate': unknown setting" in err
    file.write_text('{"lr": ')
    code, _, err = run_main(capsys, "--config", str(file))
    assert code == 2 and "not valid JSON" in err


def test_quiet_prints_nothing_and_dataset_params_are_typed(tmp_path, capsys):
    session = tmp_path / "s.json"
    code, out, err = run_main(
        capsys, "--dataset", "blobs", "--dataset-param", "k=4", "--dataset-param",
        "n_samples=60", "--steps", "2", "--quiet", "--session", str(session),
    )  # fmt: skip
    assert (code, out, err) == (0, "", "")
    saved = read_session(session)
    assert saved.config.dataset_params == {"k": 4, "n_samples": 60}
    assert saved.n_classes == 4 and saved.steps_done == 2


def test_summary_reports_time_per_step(capsys):
    code, out, err = run_main(capsys, "--layers", "4", "--steps", "3")
    assert code == 0
    assert re.search(r"trained 3 steps in [\d.]+ s: [\d.]+ ms per step", out)
    assert "final loss" in out and "test accuracy" in out
    assert "step/s" in err  # the progress bar


def _steps_without_time(text: str) -> list[dict]:
    # The first run's last step also says "finished 20 steps": compare the numbers.
    skip = ("seconds", "message", "stop_reason")
    return [{k: v for k, v in s.items() if k not in skip} for s in json_lines(text)]


def test_resume_continues_exactly_like_a_straight_run(tmp_path, capsys):
    common = ["--optimizer", "adam", "--lr", "0.05", "--batch-size", "8", "--layers", "6",
              "--test-fraction", "0.25", "--quiet", "--json"]  # fmt: skip
    code, straight, _ = run_main(capsys, *common, "--steps", "40", "--save", str(tmp_path / "a"))
    assert code == 0
    session = str(tmp_path / "s.json")
    code, first, _ = run_main(capsys, *common, "--steps", "20", "--session", session)
    assert code == 0 and len(json_lines(first)) == 20
    code, rest, _ = run_main(
        capsys, "--resume", session, "--steps", "40", "--session", session, "--json", "--quiet",
        "--save", str(tmp_path / "b"),
    )  # fmt: skip
    assert code == 0
    assert _steps_without_time(first + rest) == _steps_without_time(straight)
    a, _ = load_model(tmp_path / "a")
    b, _ = load_model(tmp_path / "b")
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert read_session(session).steps_done == 40
    # Nothing left to do, and settings that would change the run are refused.
    code, _, err = run_main(capsys, "--resume", session, "--steps", "40")
    assert code == 0
    code, _, err = run_main(capsys, "--resume", session, "--lr", "0.1")
    assert code == 2 and "--lr cannot change when resuming" in err


def test_diverged_run_in_process_returns_3(capsys):
    code, out, err = run_main(capsys, "--lr", "100", "--quiet")
    assert code == 3 and out == ""
    assert "diverged at step" in err and "try a lower one" in err


def test_keyboard_interrupt_during_data_loading_is_130(monkeypatch, capsys):
    import microgui.commands.train_run as train_run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(train_run, "load_dataset", interrupted)
    code, _, err = run_main(capsys, "--quiet")
    assert code == 130 and "interrupted" in err


@pytest.mark.slow
def test_preset_is_exactly_micrograds_demo_notebook():
    """Data, weights, loss, penalty and schedule of the preset against micrograd==0.1.0."""
    import gc
    import random

    mg_engine = pytest.importorskip("micrograd.engine")
    mg_nn = pytest.importorskip("micrograd.nn")

    config = preset_config("micrograd-demo")
    data = load_plugins().generate(config.dataset, config.dataset_params, config.seed)
    state = np.random.get_state()
    np.random.seed(1337)  # the notebook seeds numpy's global generator
    X, y = make_moons(n_samples=100, noise=0.1)
    np.random.set_state(state)
    assert np.array_equal(data.X, X) and np.array_equal(data.y, y)

    trainer = Trainer(config, data.X, data.y, data.task)
    assert [trainer.schedule(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]
    saved = random.getstate()
    random.seed(1337)
    model = mg_nn.MLP(2, [16, 16, 1])
    random.setstate(saved)
    assert [p.data for p in model.parameters()] == list(trainer.parameter_values().values())
    ys = y * 2 - 1
    gc.disable()
    try:
        for k in range(3):  # micrograd takes about half a second per step
            inputs = [list(map(mg_engine.Value, row)) for row in X]
            scores = list(map(model, inputs))
            losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
            data_loss = sum(losses) * (1.0 / len(losses))
            total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
            model.zero_grad()
            total.backward()
            for p in model.parameters():
                p.data -= (1.0 - 0.9 * k / 100) * p.grad
            result = trainer.step()
            assert result.loss == pytest.approx(total.data, rel=1e-12)
            gc.collect()
    finally:
        gc.enable()
    assert list(trainer.parameter_values().values()) == pytest.approx(
        [p.data for p in model.parameters()], rel=1e-12, abs=1e-15
    )


# ---------------------------------------------------------------------- inputs and executions


def test_features_scaling_and_execution_are_options_and_named_in_the_summary(capsys, tmp_path):
    model = tmp_path / "m.json"
    code, out, _ = run_main(
        capsys, "--features", "x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)", "--scaling", "minmax",
        "--execution", "vectorized", "--steps", "3", "--layers", "4", "--save", str(model),
    )  # fmt: skip
    assert code == 0
    assert "no graph: numpy arrays" in out
    assert (
        "execution vectorized; inputs features x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2); "
        "min-max scaled" in out
    )
    from engine.modelio import load_model_file

    loaded = load_model_file(model)
    assert loaded.model.nin == 7 and loaded.preprocessor.scaler.kind == "minmax"
    assert loaded.config["features"] == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    code, out, _ = run_main(capsys, "--steps", "2", "--features", "none", "--layers", "4")
    assert code == 0 and "inputs unscaled" in out and "features" not in out.split("inputs")[1]


def test_auto_says_which_execution_runs_and_why(capsys):
    code, out, _ = run_main(capsys, "--steps", "2", "--layers", "3", "--batch-size", "8")
    assert code == 0
    assert "execution scalar (auto: 8 samples x 13 parameters per step, too small for numpy" in out
    code, out, _ = run_main(capsys, "--steps", "2")
    assert code == 0 and "execution vectorized (auto: 80 samples x 337 parameters per step)" in out
    code, out, _ = run_main(capsys, "--steps", "2", "--json", "--quiet", "--execution", "scalar")
    assert {s["execution"] for s in json_lines(out)} == {"scalar"}


def test_a_csv_table_is_standardized_by_default_and_says_so(capsys, tmp_path):
    from sklearn.datasets import load_wine

    data = load_wine()
    path = tmp_path / "wine.csv"
    header = ",".join([*data.feature_names, "label"])
    rows = [
        ",".join(f"{v:g}" for v in [*x, t]) for x, t in zip(data.data, data.target, strict=True)
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    code, out, _ = run_main(
        capsys, "--dataset", "csv", "--dataset-param", f"path={path}", "--steps", "100"
    )
    assert code == 0
    assert "inputs standardized (the dataset suggests standardize)" in out
    accuracy = float(re.search(r"test accuracy ([\d.]+)%", out).group(1))
    assert accuracy > 85.0
    # 13 columns from 0.1 to 1,680 unscaled: stuck on the most frequent class
    code, out, _ = run_main(
        capsys, "--dataset", "csv", "--dataset-param", f"path={path}", "--steps", "100",
        "--scaling", "none",
    )  # fmt: skip
    assert code == 0 and "inputs unscaled" in out
    assert float(re.search(r"test accuracy ([\d.]+)%", out).group(1)) < 50.0


def test_resume_may_change_the_execution_and_continues_the_same_numbers(tmp_path, capsys):
    common = ["--optimizer", "adam", "--lr", "0.05", "--batch-size", "8", "--layers", "6",
              "--features", "x1,x2,x1*x2", "--scaling", "standardize",
              "--quiet", "--json"]  # fmt: skip
    code, straight, _ = run_main(capsys, *common, "--steps", "20", "--execution", "scalar")
    assert code == 0
    session = str(tmp_path / "s.json")
    code, first, _ = run_main(
        capsys, *common, "--steps", "10", "--execution", "scalar", "--session", session
    )
    assert code == 0
    code, rest, _ = run_main(
        capsys, "--resume", session, "--steps", "20", "--execution", "vectorized", "--json",
        "--quiet",
    )  # fmt: skip
    assert code == 0
    resumed, expected = json_lines(first + rest), json_lines(straight)
    assert [s["execution"] for s in resumed] == ["scalar"] * 10 + ["vectorized"] * 10
    for got, want in zip(resumed, expected, strict=True):
        assert got["loss"] == pytest.approx(want["loss"], rel=1e-9)
    code, _, err = run_main(capsys, "--resume", session, "--scaling", "none")
    assert code == 2 and "--scaling cannot change when resuming" in err
