"""DrawnData: the points a user draws on the boundary plot, trainable like any dataset.

Pure numpy (no Qt): the window turns clicks into add()/remove_nearest()
calls and hands to_dataset() to the trainer. save_csv() writes a file the
csv dataset plugin reads back (feature columns, then "label").

The canvas (`domain`) is fixed while drawing: the plane of the data drawing
started from, square when its two spans are comparable, so a new point never
rescales the axes under the next click. clear() leaves an empty square canvas
with generic class names.
"""

from __future__ import annotations

import csv
import io
import os

import numpy as np

from engine.atomic_write import write_text
from microgui.hookspecs import Dataset
from microgui.training_run.boundary_compute import plane_domain, plot_extent

Range = tuple[float, float]


class DrawnData:
    """An editable 2-D (or 1-D regression) point set with labels."""

    def __init__(
        self,
        task: str = "binary",
        feature_names: tuple[str, ...] = ("x1", "x2"),
        class_names: tuple[str, ...] = ("0", "1"),
        X: np.ndarray | None = None,
        y: np.ndarray | None = None,
        domain: tuple[Range, Range] | None = None,
    ) -> None:
        self.task = task
        self.feature_names = tuple(feature_names)
        self.class_names = tuple(class_names) if task != "regression" else ()
        d = len(self.feature_names)
        self.X = np.zeros((0, d)) if X is None else np.asarray(X, dtype=np.float64).reshape(-1, d)
        self.y = np.zeros(0) if y is None else np.asarray(y, dtype=np.float64).reshape(-1)
        self.domain = domain or self._domain_of_points()

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> DrawnData:
        """Start from a copy of an existing dataset's points."""
        class_names = tuple(dataset.class_names) or ("0", "1")
        return cls(
            dataset.task,
            tuple(dataset.feature_names),
            class_names,
            dataset.X.copy(),
            dataset.y.astype(np.float64).copy(),
        )

    def _domain_of_points(self) -> tuple[Range, Range]:
        """The canvas around the points: their square plane, or x and target for 1-D."""
        if not len(self.X):
            return (-2.0, 2.0), (-2.0, 2.0)
        if self.n_features == 1:
            return plot_extent(self.X[:, 0]), plot_extent(self.y)
        return plane_domain(self.X, (0, 1))

    def __len__(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Feature dimension of the points."""
        return int(self.X.shape[1])

    def add(self, x: float, y: float, label: float) -> None:
        """Add a point at plot coordinates (x, y); for 1-D regression y is the target."""
        if self.n_features == 1:
            point, target = [x], y
        else:
            point, target = [x, y], label
        if self.task != "regression":
            target = float(int(label))
            if target >= len(self.class_names):
                raise ValueError(f"class {int(target)} does not exist in this data")
        self.X = np.vstack([self.X, np.asarray(point, dtype=np.float64)[None, :]])
        self.y = np.append(self.y, float(target))

    def remove_nearest(self, x: float, y: float, x_scale: float = 1.0, y_scale: float = 1.0) -> int:
        """Remove the point nearest to (x, y) (distances in units of the scales); its index.

        Returns -1 when there is nothing to remove.
        """
        if not len(self):
            return -1
        ys = self.y if self.n_features == 1 else self.X[:, 1]
        d = np.hypot((self.X[:, 0] - x) / (x_scale or 1.0), (ys - y) / (y_scale or 1.0))
        index = int(np.argmin(d))
        self.X = np.delete(self.X, index, axis=0)
        self.y = np.delete(self.y, index)
        return index

    def clear(self) -> None:
        """Remove every point: an empty square canvas, classes named 0, 1, ..."""
        self.X = self.X[:0]
        self.y = self.y[:0]
        if self.task != "regression":
            self.class_names = tuple(str(i) for i in range(max(2, len(self.class_names))))
        if self.n_features == 2:
            (x0, x1), (y0, y1) = self.domain
            half = max(x1 - x0, y1 - y0) / 2.0
            cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
            self.domain = ((cx - half, cx + half), (cy - half, cy + half))

    def to_dataset(self) -> Dataset:
        """The points as a Dataset (binary for two classes, else multiclass)."""
        task = self.task
        if task != "regression":
            task = "binary" if len(self.class_names) == 2 else "multiclass"
        return Dataset(self.X.copy(), self.y.copy(), task, self.feature_names, self.class_names)

    def save_csv(self, path: str | os.PathLike[str]) -> None:
        """Write feature columns and a "label" column (class names, or target values).

        Through engine.atomic_write: all or nothing, the umask's mode; WriteError
        (an OSError) with one line naming the path if it cannot be written.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*self.feature_names, "label"])
        regression = self.task == "regression"
        for row, target in zip(self.X, self.y, strict=True):
            label = repr(float(target)) if regression else str(int(target))
            writer.writerow([repr(float(v)) for v in row] + [label])
        write_text(path, buffer.getvalue(), "drawn points", newline="")
