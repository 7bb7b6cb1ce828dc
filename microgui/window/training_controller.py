"""TrainingController: the glue between the form, the dataset loader, the worker and the plots.

Form edits are debounced, validated into an engine TrainConfig (the bad field
gets a red border and the reason), and sent to the worker: data edits
regenerate the dataset off the GUI thread; edits of the network, loss or
split start a fresh run; edits of the optimisation settings (learning rate,
steps, ...) continue from the current weights. Snapshots from the worker
are drawn here and acknowledged so the worker never floods the GUI.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from engine.config import ConfigError, TrainConfig
from engine.tasks import COMPATIBLE_LOSSES, DEFAULT_LOSSES
from microgui.training_run.dataset_loader import DatasetLoader
from microgui.training_run.snapshot import TrainingData, TrainingSnapshot
from microgui.training_run.thumbnail_loader import ThumbnailLoader
from microgui.training_run.worker import WorkerHandle
from microgui.widgets.validation import is_invalid, mark_invalid
from microgui.window.config_form import config_from_fields, fields_from_config
from microgui.window.dataset_controls import DRAWN_DATASET_ID
from microgui.window.drawn_data import DrawnData

DEBOUNCE_MS = 250
DRAW_DEBOUNCE_MS = 120
DEFAULT_GUI_CONFIG = {"dataset": "moons", "layers": (16, 16), "steps": 2000, "lr": 0.05}
# Changing these starts a fresh run; other settings continue from the current weights.
FRESH_RUN_FIELDS = ("layers", "activation", "init", "loss", "test_fraction", "features", "scaling")
# Engine error fields shown on another widget (the size guard blames the network size).
FIELD_ALIASES = {"max_nodes": "layers", "max_work": "layers", "betas": "lr", "task": "loss"}


def default_config() -> TrainConfig:
    """What the window shows on first start: moons with a 16,16 MLP."""
    return TrainConfig.from_dict(dict(DEFAULT_GUI_CONFIG))


class TrainingController(QObject):
    """Owns the worker thread, the dataset loader and the drawn data of one window."""

    def __init__(self, window: Any, config: TrainConfig | None = None) -> None:
        super().__init__(window)
        self.w = window
        self.handle = WorkerHandle()
        self.worker = self.handle.worker
        self.loader = DatasetLoader(window.registry, self)
        self.thumbnails = ThumbnailLoader(window.registry, self)
        self.base_config = config or self._remembered_config() or default_config()
        self.config: TrainConfig | None = None
        self.dataset: Any = None
        self.data: TrainingData | None = None
        self.snapshot: TrainingSnapshot | None = None
        self.drawn: DrawnData | None = None
        self.state = "idle"
        self.configured_ok = False
        self.init_seed = self.base_config.init_seed
        self._data_dirty = True
        self._fresh_run = True
        self._force_apply = True
        self._resume_after_configure = False
        self._closed = False
        self._noted_batch: tuple[int, int] | None = None
        self._noted_rise: tuple[float, float] | None = None
        # The plots say why nothing can be shown (no points, a dataset that failed): the
        # old run's snapshots must not draw over that until a new run is configured.
        self.plots_stale = False
        self.model_file: str | None = None  # the run started from this model file's weights
        self._sent: tuple | None = None  # the setup last sent to the worker
        self.applied: tuple | None = None  # the setup the worker accepted (its model's)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.apply_changes)
        from microgui.window.feature_inputs import FeatureInputs

        self.features = FeatureInputs(window.view.feature_toggles, window.status.show_notice)
        self._connect()
        self.fill_form(self.base_config)
        self.apply_changes()
        self._request_thumbnails()

    # ------------------------------------------------------------------ wiring
    def _connect(self) -> None:
        w, a = self.w, self.w.actions
        w.dataset_controls.datasetRequested.connect(self._on_data_edited)
        w.dataset_controls.testFractionChanged.connect(lambda _v: self._on_edited(fresh=True))
        w.dataset_controls.params.validityChanged.connect(lambda _v: self._on_edited(False))
        w.model_controls.changed.connect(lambda: self._on_edited(fresh=True))
        w.training_controls.changed.connect(self._on_training_edited)
        # New inputs mean new weights; another execution continues the same weights.
        w.input_controls.scalingChanged.connect(lambda: self._on_edited(fresh=True))
        w.input_controls.executionChanged.connect(self._on_training_edited)
        w.view.feature_toggles.changed.connect(lambda: self._on_edited(fresh=True))
        w.dataset_controls.valueRejected.connect(w.status.show_notice)
        w.dataset_controls.cancelRequested.connect(self.cancel_generation)
        w.training_controls.valueRejected.connect(w.status.show_notice)
        w.run_controls.trainToggled.connect(self.toggle_training)
        w.run_controls.stepRequested.connect(self.step)
        w.run_controls.resetRequested.connect(self.reset)
        w.run_controls.speed.speedChanged.connect(self.worker.set_speed)
        a.train.triggered.connect(self.toggle_training)
        a.step.triggered.connect(self.step)
        a.reset.triggered.connect(self.reset)
        a.quit.triggered.connect(w.close)
        for name, action in a.presets.items():
            action.triggered.connect(lambda _checked=False, n=name: self.load_preset(n))
        view = w.view
        a.log_scale.toggled.connect(view.log_check.setChecked)
        view.log_check.toggled.connect(a.log_scale.setChecked)
        a.show_test.toggled.connect(view.show_test_check.setChecked)
        view.show_test_check.toggled.connect(a.show_test.setChecked)
        a.discretize.toggled.connect(view.discretize_check.setChecked)
        view.discretize_check.toggled.connect(a.discretize.setChecked)
        view.axesChanged.connect(self._on_axes_changed)
        view.network.weightEdited.connect(self.set_weight)
        a.mark_losses.toggled.connect(view.boundary.set_mark_losses)
        self.worker.snapshotReady.connect(self._on_snapshot)
        self.worker.configured.connect(self._on_configured)
        self.worker.configFailed.connect(self._on_config_failed)
        self.loader.loaded.connect(self._on_dataset_loaded)
        self.loader.failed.connect(self._on_dataset_failed)
        self.loader.busyChanged.connect(w.dataset_controls.set_generating)
        self.thumbnails.ready.connect(w.dataset_controls.set_thumbnail)
        from microgui.window.draw_mode import DrawModeController
        from microgui.window.file_actions import FileActions
        from microgui.window.presenter import TrainingPresenter

        self.draw = DrawModeController(self)
        self.presenter = TrainingPresenter(w)
        self.files = FileActions(self)
        speed = w.settings.speed()
        w.run_controls.speed.set_speed(speed)
        self.worker.set_speed(w.run_controls.speed.speed())

    def _remembered_config(self) -> TrainConfig | None:
        settings = self.w.settings
        raw = settings.last_config()
        if raw is None:
            return None
        try:
            config = TrainConfig.from_dict(raw)
        except (ConfigError, TypeError) as exc:
            settings.ignored("the last configuration", f"{exc}; starting from the defaults")
            return None
        if config.dataset == DRAWN_DATASET_ID:
            return None  # the drawn points are not in the settings
        if config.dataset not in self.w.registry.datasets:
            settings.ignored(
                "the last configuration",
                f"its dataset {config.dataset!r} is not available (Help > Plugins lists every "
                "plugin); starting from the defaults",
            )
            return None
        return config

    # ------------------------------------------------------------------ form
    def fill_form(self, config: TrainConfig) -> None:
        """Show `config` in every field without triggering a round of edits per field."""
        values = fields_from_config(config)
        controls = (
            self.w.dataset_controls,
            self.w.input_controls,
            self.w.model_controls,
            self.w.training_controls,
        )
        for widget in controls:
            widget.blockSignals(True)
        try:
            dc = self.w.dataset_controls
            if not dc.set_dataset(config.dataset, config.dataset_params):
                dc.set_dataset(self.w.registry.default_dataset_id or "")
            dc.set_seed(config.seed)
            dc.test_fraction.setValue(config.test_fraction)
            self.w.input_controls.set_values(values)
            self.features.set_config_features(config.features)
            self.w.model_controls.set_values(values)
            self.w.training_controls.set_values(values)
        finally:
            for widget in controls:
                widget.blockSignals(False)
        self.base_config = config
        self.init_seed = config.init_seed
        self._data_dirty = True
        self._fresh_run = True
        self._force_apply = True

    def raw_fields(self) -> dict[str, Any]:
        """The form's values, keyed by TrainConfig field names."""
        dc = self.w.dataset_controls
        raw = {
            "dataset": dc.dataset_id(),
            "dataset_params": dc.param_values(),
            "seed": dc.seed.value(),
            "test_fraction": round(dc.test_fraction.value(), 4),
            "init_seed": self.init_seed,
        }
        raw.update(self.w.input_controls.values())
        raw["features"] = list(self.features.config_features())
        raw.update(self.w.model_controls.values())
        raw.update(self.w.training_controls.values())
        return raw

    def field_widgets(self) -> dict[str, Any]:
        """TrainConfig field name -> the widget that shows its error."""
        dc = self.w.dataset_controls
        fields = {"seed": dc.seed, "test_fraction": dc.test_fraction, "dataset": dc.combo}
        fields.update(self.w.input_controls.fields())
        fields["features"] = self.w.view.feature_toggles
        fields.update(self.w.model_controls.fields())
        fields.update(self.w.training_controls.fields())
        return fields

    def validate(self) -> TrainConfig | None:
        """A TrainConfig from the form, or None with the bad field marked."""
        for widget in self.field_widgets().values():
            if widget is not self.w.model_controls.layers.text_edit:
                mark_invalid(widget, None)
        mark_invalid(self.w.dataset_controls.params, None)  # a plugin's error on the form
        if not self.w.model_controls.layers.is_valid():
            self._show_error(self.w.model_controls.layers.text_edit.toolTip().lstrip("⚠ "))
            return None
        if not self.w.dataset_controls.is_valid():
            params = self.w.dataset_controls.params
            missing = params.missing()
            if missing and not params.has_marks():
                name = self.w.dataset_controls.combo.currentText()
                self._show_error(
                    f"{name}: choose a file for '{missing[0]}' (type its path or press Browse…)",
                    hint=True,
                )
            else:
                self._show_error("a dataset parameter is invalid (see the marked field)")
            return None
        try:
            config = config_from_fields(self.raw_fields(), self.base_config)
        except ConfigError as exc:
            self.mark_field(exc.field, str(exc))
            return None
        mark_invalid(self.w.model_controls.layers.text_edit, None)
        self._show_error("")
        return config

    def mark_field(self, field: str, message: str) -> None:
        """Red border + reason on the field the engine blamed; the reason under the buttons."""
        widget = self.field_widgets().get(FIELD_ALIASES.get(field, field))
        if field == "dataset_params":
            widget = self.w.dataset_controls.params
        if widget is not None:
            mark_invalid(widget, message)
        self._show_error(message)

    def _show_error(self, message: str, hint: bool = False) -> None:
        self.w.run_controls.set_config_error(message, hint)
        self.update_enabled()

    def form_is_valid(self) -> bool:
        """No field carries an error mark."""
        if not self.w.dataset_controls.is_valid():
            return False
        return not any(is_invalid(w) for w in self.field_widgets().values())

    def edits_pending(self) -> bool:
        """An edit is waiting for its debounce before it is applied."""
        return self._timer.isActive()

    def can_train(self) -> bool:
        """Train/Step are enabled only for a valid, accepted configuration."""
        return (
            self.configured_ok
            and self.form_is_valid()
            and not self.loader.busy
            and not self._timer.isActive()
        )

    def update_enabled(self) -> None:
        """Enable Train/Step/Reset to match validity and state."""
        ok = self.can_train()
        running = self.state == "running"
        rc, a = self.w.run_controls, self.w.actions
        rc.train_button.setEnabled(ok or running)
        rc.step_button.setEnabled(ok)
        rc.reset_button.setEnabled(self.configured_ok)
        a.train.setEnabled(ok or running)
        a.step.setEnabled(ok)
        a.reset.setEnabled(self.configured_ok)
        for action in (a.save_session, a.export_model):
            action.setEnabled(self.configured_ok)

    # ------------------------------------------------------------------ edits
    def status_hint(self) -> str:
        """What the status bar should say instead of the run summary ("" for the summary)."""
        if self.loader.busy and self.config is not None:
            back = f" and keep {self.applied[0].dataset}" if self.applied else ""
            return f"Generating {self.config.dataset}… (Cancel to stop waiting{back})"
        if not self.can_train() and not self._timer.isActive():
            return self.w.run_controls.error_label.text() or "Not ready to train yet"
        return ""

    def _on_data_edited(self) -> None:
        self._data_dirty = True
        self._fresh_run = True
        self._schedule()

    def _on_edited(self, fresh: bool) -> None:
        self._fresh_run |= fresh
        self._schedule()

    def _on_training_edited(self) -> None:
        self._schedule()

    def _schedule(self, delay_ms: int = DEBOUNCE_MS) -> None:
        if self._closed:
            return
        if self.state == "running":
            self._resume_after_configure = True
        self._timer.start(delay_ms)
        self.validate()  # mark a bad field at once; the (debounced) apply does the work
        self.update_enabled()

    def apply_changes(self) -> None:
        """Validate the form and (re)configure: regenerate data or rebuild the trainer."""
        self._timer.stop()
        if self._closed:
            return
        config = self.validate()
        if config is None:
            self.configured_ok = False
            self._resume_after_configure = False
            self.worker.pause()
            if self._other_data_chosen():
                name = self.w.dataset_controls.combo.currentText()
                self.show_no_data(f"No data from {name} yet\n(see the line below the form)")
            self.update_enabled()
            return
        unchanged = config == self.config and self.dataset is not None
        if unchanged and self.configured_ok and not self._force_apply:
            # e.g. Enter in an unchanged field: nothing to regenerate, the model stays.
            self._data_dirty = self._fresh_run = self._resume_after_configure = False
            self.update_enabled()
            return
        self._force_apply = False
        self.config = config
        self._note_rising_schedule(config)
        if config.dataset == DRAWN_DATASET_ID:
            self._data_dirty = False
            if self.drawn is not None:
                self.dataset = self.drawn.to_dataset()
        if self._data_dirty:
            self.configured_ok = False
            self.worker.pause()
            self.loader.request(config.dataset, config.dataset_params, config.seed)
            self.w.status.set_message(self.status_hint())
            self.update_enabled()
            return
        self._configure_worker()

    def _configure_worker(self) -> None:
        if self.dataset is None or self.config is None:
            return
        domain = self.drawing_domain()
        if len(self.dataset.y) == 0:
            self.configured_ok = False
            message = "No data: draw some points (left click on the output plot)."
            self._show_error(message)
            self.show_no_data("No data: left click adds a point", domain)
            self.worker.pause()
            return
        self.presenter.domain = domain
        self.worker.set_domain(domain)
        self._sent = self.setup()
        session = self.files.take_pending_session()
        if session is not None:
            self._fresh_run = False
            self.worker.open_session(session, self.dataset)
            return
        keep = not self._fresh_run
        if not keep:
            self._resume_after_configure = False  # a fresh run waits for Train
            self.model_file = None
        spec = self.w.registry.datasets.get(self.config.dataset)
        hint = getattr(spec, "suggested_scaling", "") if spec is not None else ""
        self.worker.configure(self.config, self.dataset, keep_weights=keep, scaling_hint=hint)
        self._fresh_run = False
        self.w.settings.save_config(self.config.to_dict())

    def _other_data_chosen(self) -> bool:
        """The form asks for other data than the run on screen (which then is not current)."""
        if self.applied is None or self.applied[0] is None:
            return False
        shown = self.applied[0]
        dc = self.w.dataset_controls
        return dc.dataset_id() != shown.dataset or dc.param_values() != shown.dataset_params

    def drawing_domain(self) -> Any:
        """The fixed canvas of drawn data (None for a plugin's data: its own extent)."""
        drawn = self.config is not None and self.config.dataset == DRAWN_DATASET_ID
        return self.drawn.domain if drawn and self.drawn is not None else None

    def show_no_data(self, message: str, domain: Any = None) -> None:
        """Clear the plots with `message` until a new run is configured."""
        self.plots_stale = True
        self.presenter.show_no_data(message, domain)

    def _request_thumbnails(self) -> None:
        """Every other dataset's thumbnail, from its default parameters and the data seed
        (the current one is drawn from its data when it arrives)."""
        seed = self.config.seed if self.config is not None else 0
        current = self.w.dataset_controls.dataset_id()
        for dataset_id in self.w.registry.datasets:
            if dataset_id != current:
                self.thumbnails.request(dataset_id, {}, seed)

    def _on_dataset_loaded(self, _ticket: int, dataset: Any) -> None:
        self._data_dirty = False
        self.dataset = dataset
        if self.features.show_inputs(dataset.feature_names) and self.config is not None:
            self.config = self.config.replace(features=self.features.config_features())
        # The chooser shows this dataset as it is now (its parameters, its seed).
        self.thumbnails.render(self.config.dataset, dataset.X, dataset.y, dataset.task)
        self.w.status.set_message(f"{len(dataset.y)} samples of {self.config.dataset} ready")
        self._fit_loss_to(dataset.task)
        self._configure_worker()

    def _fit_loss_to(self, task: str) -> None:
        """New data whose task the chosen loss does not fit: back to "auto", and say so.

        A loss the user chose that fits is kept (mse on a binary dataset, say).
        """
        loss = self.config.loss
        if loss == "auto" or loss in COMPATIBLE_LOSSES.get(task, (loss,)):
            return
        self.config = self.config.replace(loss="auto")
        self.base_config = self.base_config.replace(loss="auto")
        combo = self.w.training_controls.loss
        combo.blockSignals(True)
        combo.setCurrentText("auto")
        combo.blockSignals(False)
        mark_invalid(combo, None)
        self.w.status.show_notice(
            f"Loss {loss} does not fit a {task} dataset: switched to auto ({DEFAULT_LOSSES[task]})",
            error=False,
        )

    def _on_dataset_failed(self, _ticket: int, message: str) -> None:
        self.configured_ok = False
        self.mark_field("dataset_params", message)
        self.w.status.set_message(message, error=True)
        name = self.config.dataset if self.config is not None else "the dataset"
        self.show_no_data(f"{name} could not be used\n(see the line below the form)")

    def load_preset(self, name: str) -> None:
        """Show preset `name` in the form and start a fresh run of it (Train starts it)."""
        from engine.presets import preset_config

        config = preset_config(name)
        if config.dataset not in self.w.registry.datasets:
            self.w.status.set_message(
                f"Preset {name} needs the dataset {config.dataset!r}, which no plugin offers",
                error=True,
            )
            return
        self.pause()
        self.fill_form(config)
        self.apply_changes()
        self.w.status.set_message(f"Preset {name}: press Train (Space) to run it")

    def cancel_generation(self) -> None:
        """Stop waiting for a dataset; the data and model the worker holds come back."""
        if not self.loader.busy:
            return
        waited_for = self.config.dataset if self.config is not None else "the dataset"
        self.loader.cancel()
        # The worker may still be building the model last sent to it (its answer has not
        # arrived): that is the model it ends up with, so that is the setup to show again.
        setup = self._sent  # applied is only ever set from it: never newer
        if setup is None:  # nothing was ever loaded: nothing to go back to
            self._show_error(f"Stopped waiting for {waited_for}: choose a dataset")
            self.w.status.set_message(self.status_hint())
            return
        self.bring_back(setup)
        self.w.status.set_message(
            f"Stopped waiting for {waited_for}; back to {self.config.dataset} and its model"
        )

    def mark_applied(self) -> None:
        """The setup shown now is the one the worker runs (e.g. after opening a model)."""
        self._sent = self.applied = self.setup()

    def setup(self) -> tuple:
        """What bring_back() needs to show this setup again."""
        return (self.config, self.dataset, self.drawn, self.base_config, self.init_seed)

    def bring_back(self, setup: tuple) -> None:
        """Show a setup the worker still holds (its model was kept) without reconfiguring."""
        config, dataset, drawn, base_config, init_seed = setup
        self.drawn = drawn
        if config is not None:
            self.fill_form(config)
        self._timer.stop()
        self._data_dirty = self._fresh_run = self._force_apply = False
        self.base_config, self.init_seed = base_config, init_seed
        self.config, self.dataset = config, dataset
        self.configured_ok = config is not None and dataset is not None
        self.validate()
        self.update_enabled()
        if self.plots_stale and self.configured_ok and self.data is not None:
            self.plots_stale = False  # the kept run is on screen again
            self.presenter.show_data(self.data)
            self.worker.pause()  # answers with a snapshot of it

    # --------------------------------------------------------------- commands
    def toggle_training(self) -> None:
        """Space: start, or pause when running."""
        if self.state == "running":
            self.pause()
        elif self.can_train():
            self.start()

    def start(self, until_step: int | None = None) -> None:
        """Start training (optionally pause at `until_step`)."""
        if self.can_train():
            self.worker.start(until_step)

    def pause(self) -> None:
        """Pause after the current step."""
        self._resume_after_configure = False
        self.worker.pause()

    def step(self) -> None:
        """Exactly one step (pauses first)."""
        if self.can_train():
            self.worker.step()

    def set_weight(self, name: str, value: float) -> None:
        """Set one parameter (engine name) in the worker's model; a snapshot shows the result."""
        if self.configured_ok:
            self.worker.set_weight(name, value)

    def reset(self) -> None:
        """New initial weights, step 0."""
        if not self.configured_ok or self.config is None:
            return
        self.init_seed = (self.config.weight_seed + 1) % (2**31)
        self.config = self.config.replace(init_seed=self.init_seed)
        self._resume_after_configure = False
        self.w.run_controls.set_config_error("")
        self.worker.reset(self.init_seed)

    def _on_axes_changed(self, ax: int, ay: int) -> None:
        self.worker.set_axes((ax, ay))
        if self.data is not None:
            self.presenter.show_points(self.data)

    # --------------------------------------------------------------- results
    def _on_config_failed(self, field: str, message: str) -> None:
        self.configured_ok = False
        self._resume_after_configure = False
        self.mark_field(field, message)
        # Not "N samples ready" beside a refusal: the status bar says why, as for a bad dataset.
        self.w.status.set_message(message, error=True)
        sent, applied = self._sent, self.applied
        if sent is not None and (applied is None or sent[1] is not applied[1]):
            # New data the worker refused: the plots still show the old data.
            self.show_no_data("This data cannot be used\n(see the line below the form)")
        self._sent = applied  # the worker kept the setup it had

    def _on_configured(self, data: TrainingData) -> None:
        self.configured_ok = True
        self.plots_stale = False
        self.model_file: str | None = None  # the run started from this model file's weights
        self.data = data
        self.applied = self._sent
        self.features.show_inputs(data.feature_names)
        self.w.input_controls.set_resolved(data.scaling, data.scaling_reason, "", "")
        self._note_full_batch(len(data.y_train))
        self.presenter.show_data(data)
        self._note_plotted_sample(len(data.y_train))
        self.update_enabled()
        self.w.dataChanged.emit(data)
        if self._resume_after_configure:
            self._resume_after_configure = False
            self.worker.start()

    def _note_rising_schedule(self, config: TrainConfig) -> None:
        """Say once that the rate will rise: only a final rate the user set above it does."""
        final = config.final_lr
        rises = config.schedule in ("linear", "cosine") and final is not None and final > config.lr
        noted = (config.lr, final) if rises else None
        if noted and noted != self._noted_rise:
            self.w.status.show_notice(
                f"The learning rate rises from {config.lr:g} to {final:g} over the run "
                "(the final rate is above it)",
                error=False,
            )
        self._noted_rise = noted

    def _note_full_batch(self, n_train: int) -> None:
        """Say once that a batch size over the training set means full batch (as micrograd)."""
        batch = self.config.batch_size if self.config is not None else None
        noted = (batch, n_train) if batch and batch > n_train else None
        if noted and noted != self._noted_batch:
            self.w.status.show_notice(
                f"Batch size {batch:,} is more than the {n_train:,} training samples: "
                f"every step uses all {n_train:,} (full batch)",
                error=False,
            )
        self._noted_batch = noted

    def _note_plotted_sample(self, n_train: int) -> None:
        """Say that a big table's plot shows a sample of its points (training uses all)."""
        shown = len(self.presenter.train_shown)
        if shown < n_train:
            self.w.status.show_notice(
                f"The plot shows {shown:,} of the {n_train:,} training points (a fixed random "
                "sample); training uses all of them",
                error=False,
            )

    def _on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        try:
            if self._closed:
                return
            self.snapshot = snapshot
            self.state = snapshot.state
            if self.data is not None and snapshot.execution:
                self.w.input_controls.set_resolved(
                    self.data.scaling,
                    self.data.scaling_reason,
                    snapshot.execution,
                    snapshot.execution_reason,
                )
            self.presenter.draw_snapshot(snapshot, self.status_hint(), not self.plots_stale)
            self.update_enabled()
            self.w.snapshotChanged.emit(snapshot)
        finally:
            self.worker.snapshot_consumed()

    # --------------------------------------------------------------- shutdown
    def shutdown(self) -> bool:
        """Stop everything (window closing); True when the worker thread ended in time."""
        if self._closed:
            return True
        self._closed = True
        self._timer.stop()
        self.loader.close()
        self.thumbnails.close()
        if self.config is not None and self.config.dataset != DRAWN_DATASET_ID:
            self.w.settings.save_config(self.config.to_dict())
        self.w.settings.save_speed(self.w.run_controls.speed.speed())
        self.w.view.network.close_renderer()
        return self.handle.shutdown()
