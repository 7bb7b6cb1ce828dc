"""The explorer's forward/backward stepper: one node per click, gradients arriving.

A mixin for GraphExplorer (it uses the explorer's ``snapshot``, ``stepper``,
``presenter``, ``view`` and ``controls``), kept apart so each file has one job.
"""

from __future__ import annotations

from microgui.graph_explorer.stepper import GraphStepper

__all__ = ["StepperMixin"]


class StepperMixin:
    """Start, step, step back, run to the end and stop the GraphStepper of the shown graph."""

    def start_stepper(self, mode: str = "backward") -> GraphStepper | None:
        """Start stepping the backward (or forward) pass of the current snapshot."""
        if self.snapshot is None:
            return None
        self.stepper = GraphStepper(self.snapshot, mode)
        self.controls.set_stepping(True)
        self._show_step()
        return self.stepper

    def step(self, back: bool = False) -> int:
        """One stepper step (or one back); returns the node processed, -1 at the end."""
        if self.stepper is None:
            return -1
        node_id = self.stepper.step_back() if back else self.stepper.step()
        self._show_step()
        return node_id

    def stop_stepper(self) -> None:
        """Leave the stepper and show the complete pass again."""
        self.stepper = None
        self.controls.set_stepping(False)
        if self.snapshot is not None:
            self.presenter.set_snapshot(self.snapshot, None)

    def _show_step(self) -> None:
        stepper = self.stepper
        assert stepper is not None and self.snapshot is not None
        self.presenter.set_snapshot(self.snapshot, stepper)
        current = stepper.current
        if current >= 0:
            node = self.snapshot.nodes[current]
            if stepper.mode == "forward":
                verb = f"computed: {node.value + 0.0:.4g}"
            elif node.parents:
                grad = stepper.grads()[0][current]
                count = len(node.parents)
                verb = f"sent grad {grad + 0.0:.4g} × local derivative to {count} parent(s)"
            else:
                verb = "is a leaf: its gradient is complete"
            box = self.presenter.box_of(current)
            where = (
                self.presenter.layout.graph.titles[box] if self.presenter.is_hidden(current) else ""
            )
            text = f"step {stepper.position} of {len(stepper)}: {node.title} ({node.display_key}) "
            text += f"{verb}" + (f" (inside {where})" if where else "")
            self.controls.step_label.setText(text)
            self.controls.step_label.setToolTip(text)
            # Every step is centred and marked, zoomed in far enough to read the numbers.
            self.view.center_on_box(box)
        else:
            self.controls.step_label.setText(f"step 0 of {len(stepper)}")

    def _on_stepper_requested(self, action: str) -> None:
        if action == "start":
            self.start_stepper(self.controls.stepper_mode.currentData())
        elif action == "stop":
            self.stop_stepper()
        elif action == "end" and self.stepper is not None:
            self.stepper.seek(len(self.stepper))
            self._show_step()
        elif action in ("step", "back"):
            self.step(back=action == "back")
