"""Every save dialog filters by its type, adds the type's suffix, and the save says where."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog
from window_fixtures import WAIT_MS

from microgui.graph_explorer import install_graph_explorer
from microgui.widgets.plot_export import PLOT_FORMATS
from microgui.window.save_dialog import ask_save_path


class FakeDialog:
    """Stands in for QFileDialog.getSaveFileName: records the offer, answers as a user."""

    def __init__(self, answer: str, chosen_filter: str | None = None) -> None:
        self.answer, self.chosen_filter, self.offers = answer, chosen_filter, []

    def __call__(self, parent, title, name, filters, selected=""):
        self.offers.append((title, name, filters.split(";;"), selected))
        return self.answer, self.chosen_filter or selected


def test_the_dialog_offers_each_type_and_adds_the_chosen_suffix(qtbot, monkeypatch, tmp_path):
    dialog = FakeDialog(str(tmp_path / "chart"), PLOT_FORMATS["svg"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    path, fmt = ask_save_path(None, "Export", "loss.png", PLOT_FORMATS, first="csv")
    assert (path, fmt) == (str(tmp_path / "chart.svg"), "svg")
    _title, name, filters, selected = dialog.offers[0]
    assert filters == [PLOT_FORMATS["csv"], PLOT_FORMATS["png"], PLOT_FORMATS["svg"]]
    assert selected == PLOT_FORMATS["csv"] and name == "loss.csv"
    assert not any("All files" in f for f in filters)
    # A suffix the user typed wins over the filter.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", FakeDialog(str(tmp_path / "a.png")))
    assert ask_save_path(None, "Export", "x.svg", PLOT_FORMATS, first="svg")[1] == "png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", FakeDialog(""))
    assert ask_save_path(None, "Export", "x.svg", PLOT_FORMATS) == ("", "")


def test_the_chart_menu_saves_through_its_dialog_and_says_where(
    qtbot, make_window, monkeypatch, tmp_path
):
    window = make_window()
    dialog = FakeDialog(str(tmp_path / "boundary"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    window.view.boundary.exportRequested.emit("svg")  # Export as SVG… on the chart
    assert (tmp_path / "boundary.svg").is_file()
    assert f"to {tmp_path / 'boundary.svg'}" in window.status.message()
    assert dialog.offers[0][2][0] == PLOT_FORMATS["svg"]


def test_graph_export_says_where_it_wrote(qtbot, make_window, monkeypatch, tmp_path):
    window = make_window()
    install_graph_explorer(window)
    explorer = window.graph_explorer
    window.sampleClicked.emit(2)
    qtbot.waitUntil(lambda: explorer.snapshot is not None, timeout=WAIT_MS)
    dialog = FakeDialog(str(tmp_path / "graph"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    explorer.controls.exportRequested.emit("dot")
    written = tmp_path / "graph.dot"
    assert written.is_file() and written.read_text().startswith("digraph")
    assert window.status.message() == f"Saved the graph (DOT) to {written}"
    assert dialog.offers[0][2] == ["Graphviz DOT (*.dot)"]
