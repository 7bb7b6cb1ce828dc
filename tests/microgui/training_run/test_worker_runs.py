"""A run's life in the worker alone: a setting changed mid-run continues it, another
network starts afresh, a finished or diverged run, and Train after Train-until."""

from __future__ import annotations

from test_worker import _config, moons
from window_fixtures import WAIT_MS
from worker_events import at, last_snapshot, worker

from engine.modelio import save_model
from microgui.training_run.dataset_trainer import trainer_for_dataset

__all__ = ["moons", "worker"]  # fixtures, used here by name


def _straight_run(config, moons, steps):
    trainer = trainer_for_dataset(config, moons)
    for _ in range(steps):
        trainer.step()
    return trainer


def test_a_new_learning_rate_continues_the_run_from_its_weights(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    w.start(until_step=5)
    last_snapshot(qtbot, worker, at(5, "paused"))
    w.configure(_config(lr=0.05), moons, True)  # keep_weights: the form's edit
    resumed = last_snapshot(qtbot, worker, at(5, "paused"))
    assert resumed.lr == 0.1  # the last step's rate, until the next step
    w.step()
    last_snapshot(qtbot, worker, at(6, "paused"))
    # Five steps at 0.1, then one at 0.05 from those weights.
    reference = _straight_run(_config(), moons, 5)
    continued = trainer_for_dataset(_config(lr=0.05), moons)
    continued.load_state_dict(reference.state_dict())
    continued.step()
    assert w.trainer.parameter_values() == continued.parameter_values()


def test_a_new_learning_rate_without_keeping_the_weights_starts_afresh(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    w.start(until_step=3)
    last_snapshot(qtbot, worker, at(3, "paused"))
    w.configure(_config(lr=0.05), moons)  # e.g. Reset, or another dataset
    last_snapshot(qtbot, worker, at(0, "idle"))
    assert (
        w.trainer.parameter_values() == _straight_run(_config(lr=0.05), moons, 0).parameter_values()
    )


def test_another_network_cannot_take_the_weights_and_starts_afresh(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    w.start(until_step=3)
    last_snapshot(qtbot, worker, at(3, "paused"))
    w.configure(_config(layers=[4, 3]), moons, True)
    fresh = last_snapshot(qtbot, worker, at(0, "idle"))
    assert (fresh.message, len(fresh.history["step"])) == ("", 0)
    assert (
        w.trainer.parameter_values()
        == _straight_run(_config(layers=[4, 3]), moons, 0).parameter_values()
    )
    w.step()
    last_snapshot(qtbot, worker, at(1, "paused"))


def test_more_steps_for_a_finished_run_let_it_train_on(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(steps=4), moons)
    w.start()
    finished = last_snapshot(qtbot, worker, at(4, "finished"))
    assert finished.message == "finished 4 steps"
    w.configure(_config(steps=7), moons, True)
    resumed = last_snapshot(qtbot, worker, at(4, "paused"))
    assert resumed.message == ""
    w.start()
    done = last_snapshot(qtbot, worker, at(7, "finished"))
    assert done.message == "finished 7 steps"
    assert (
        w.trainer.parameter_values() == _straight_run(_config(steps=7), moons, 7).parameter_values()
    )


def test_a_diverged_run_is_not_continued_by_a_new_setting(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(lr=1e6, reg="none"), moons)
    w.start()
    qtbot.waitUntil(
        lambda: bool(worker.received) and worker.received[-1].state == "diverged",
        timeout=WAIT_MS,
    )
    assert "diverged at step" in worker.received[-1].message
    assert not w.running
    w.configure(_config(lr=0.1, reg="none"), moons, True)  # the user lowers the rate
    fresh = last_snapshot(qtbot, worker, at(0, "idle"))
    assert fresh.message == ""
    assert (
        w.trainer.parameter_values()
        == _straight_run(_config(reg="none"), moons, 0).parameter_values()
    )


def test_train_after_train_until_goes_on_past_the_old_stop(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start(until_step=3)
    last_snapshot(qtbot, worker, at(3, "paused"))
    w.start()  # no stop this time
    qtbot.waitUntil(
        lambda: worker.received[-1].state == "running" and worker.received[-1].step > 6,
        timeout=WAIT_MS,
    )
    w.pause()
    qtbot.waitUntil(lambda: worker.received[-1].state == "paused", timeout=WAIT_MS)


def test_an_opened_model_keeps_its_weights_when_a_setting_changes_before_the_first_step(
    qtbot, worker, moons, tmp_path
):
    # File > Open model, then a lower learning rate, then Train: the run must start from
    # the model's weights (they were replaced by fresh random ones: nothing was carried
    # over from a run at step 0).
    model = _straight_run(_config(), moons, 20)
    path = tmp_path / "model.json"
    save_model(model.model, path, config=model.config.to_dict(), preprocessor=model.preprocessor)
    w = worker.worker
    w.configure(_config(), moons)
    last_snapshot(qtbot, worker, at(0, "idle"))
    count = len(worker.received)
    w.open_model(str(path), _config(), moons, (512, 8))
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    assert w.trainer.parameter_values() == model.parameter_values()
    count = len(worker.received)
    w.configure(_config(lr=0.05), moons, True)
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    assert (worker.received[-1].step, worker.received[-1].state) == (0, "idle")
    assert w.trainer.config.lr == 0.05
    assert w.trainer.parameter_values() == model.parameter_values()


def test_a_weight_set_before_the_first_step_survives_a_new_learning_rate(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    last_snapshot(qtbot, worker, at(0, "idle"))
    count = len(worker.received)
    w.set_weight("layers.1.neurons.2.w.0", 1.5)
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    count = len(worker.received)
    w.configure(_config(lr=0.05), moons, True)
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    assert w.trainer.parameter_values()["layers.1.neurons.2.w.0"] == 1.5


def test_scaling_auto_follows_the_datasets_suggestion(qtbot, worker, moons):
    # A CSV table suggests "standardize"; moons itself is near unit scale (no scaling).
    w = worker.worker
    w.configure(_config(scaling="auto"), moons, False, "standardize")
    last_snapshot(qtbot, worker, at(0, "idle"))
    assert (w.trainer.scaling, w.trainer.scaling_reason) == (
        "standardize",
        "the dataset suggests standardize",
    )
    count = len(worker.received)
    w.configure(_config(scaling="auto"), moons)  # no suggestion: the data decides
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    assert (w.trainer.scaling, w.trainer.scaling_reason) == ("none", "")
