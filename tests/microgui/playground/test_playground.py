"""The expression playground tab: the README example, live edits, clicks, hostile text."""

from __future__ import annotations

import builtins
import math

import pytest
from micrograd_readme_example import micrograd_readme
from PySide6.QtCore import QPoint, Qt

from microgui.playground.playground_widget import PlaygroundWidget


@pytest.fixture
def playground(qtbot):
    widget = PlaygroundWidget()
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_readme_preset_shows_micrographs_numbers(playground):
    text = playground.result_label.text()
    assert "g = 24.7041" in text
    assert "dg/da = 138.8338" in text
    assert "dg/db = 645.5773" in text
    a, b, g = micrograd_readme()
    snapshot = playground.snapshot
    assert snapshot.nodes[snapshot.root].value == g.data
    assert snapshot.nodes[snapshot.find("a")].grad == pytest.approx(a.grad, rel=1e-14)
    assert snapshot.nodes[snapshot.find("b")].grad == pytest.approx(b.grad, rel=1e-14)
    assert set(playground.spins) == {"a", "b"}


def test_typing_an_expression_updates_the_graph_live(qtbot, playground):
    torch = pytest.importorskip("torch")
    playground.editor.clear()
    with qtbot.waitSignal(playground.evaluated, timeout=5000):
        qtbot.keyClicks(playground.editor, "(a*b + b**3).relu() - a/2")
    assert set(playground.spins) == {"a", "b"}
    playground.set_variable("a", 2.0)
    playground.set_variable("b", -1.5)
    a = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
    out = torch.relu(a * b + b**3) - a / 2
    out.backward()
    assert playground.result.value == pytest.approx(out.item(), rel=1e-15)
    assert playground.result.gradient("a") == pytest.approx(a.grad.item(), rel=1e-15)
    assert playground.result.gradient("b") == pytest.approx(b.grad.item(), rel=1e-15)
    assert f"out = {out.item():.4f}" in playground.result_label.text()
    # the graph shows every node's data: the root box holds the output value
    root_box = playground.presenter.box_of(playground.snapshot.root)
    assert playground.view.nodes.values[root_box] == pytest.approx(out.item(), rel=1e-15)


def test_clicking_a_node_shows_its_exact_value_and_gradient(qtbot, playground):
    a, b, _ = micrograd_readme()
    view = playground.view
    for name, expected in (("a", a), ("b", b)):
        box = playground.presenter.box_of(playground.snapshot.find(name))
        pos = view.mapFromScene(view.box_center(box))
        qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))
        assert playground.inspector.label_label.text() == name
        assert float(playground.inspector.value_label.text()) == expected.data
        assert float(playground.inspector.grad_label.text()) == pytest.approx(
            expected.grad, rel=1e-14
        )


HOSTILE = [
    ("__import__('os')", "__import__"),
    ("a.__class__", ".__class__"),
    ("open('x', 'w')", "open"),
    ("[x for x in y]", "[x for x in y]"),
    ("lambda: 1", "lambda: 1"),
    ("'str'", "'str'"),
    ("a[0]", "a[0]"),
    ("exec(...)", "exec"),
    ("a" * 10_000, "a" * 20),
    ("(" * 500 + "a" + ")" * 500, "(" * 20),
]


@pytest.mark.parametrize(("text", "segment"), HOSTILE, ids=[t[:20] for t, _ in HOSTILE])
def test_hostile_input_shows_an_error_at_the_offending_part_and_runs_nothing(
    playground, text, segment, monkeypatch, tmp_path
):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    before = playground.snapshot

    def forbidden(*args, **kwargs):
        raise AssertionError("the playground executed user text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    playground.set_text(text)  # neither evaluated nor executed: the spies above would raise
    assert playground.editor.toPlainText() == text  # kept for the user to fix
    assert playground.error is not None
    assert f"`{segment}`" in playground.error_label.text()
    caret_line = playground.caret_label.text().splitlines()[-1]
    assert caret_line.strip() == "^"
    assert "last valid result" in playground.result_label.text()
    assert playground.snapshot is before  # the graph was not touched
    assert list(workdir.iterdir()) == []


def test_fixing_the_error_clears_it(playground):
    playground.set_text("a +* b")
    assert "syntax error" in playground.error_label.text()
    playground.set_text("a * b")
    assert playground.error is None and playground.error_label.text() == ""
    assert playground.result.value == playground.variables()["a"] * playground.variables()["b"]


def test_presets_all_evaluate(playground):
    for index in range(playground.preset_combo.count()):
        playground.load_preset(playground.preset_combo.itemText(index))
        assert playground.error is None, playground.preset_combo.itemText(index)
        assert playground.snapshot is not None and len(playground.snapshot) > 2


def _edit_text(qtbot, playground, old: str, new: str) -> None:
    """Replace `old` by `new` in the editor as typed text (the debounced path)."""
    text = playground.text()
    assert old in text
    cursor = playground.editor.textCursor()
    start = text.index(old)
    cursor.setPosition(start)
    cursor.setPosition(start + len(old), cursor.MoveMode.KeepAnchor)
    playground.editor.setTextCursor(cursor)
    with qtbot.waitSignal(playground.evaluated, timeout=5000):
        qtbot.keyClicks(playground.editor, new)


def _neuron(x1: float, w1: float = -3.0, b: float = 6.8813735870195432) -> float:
    return math.tanh(x1 * w1 + 0.0 * 1.0 + b)


def test_the_text_is_the_truth_when_it_changes(qtbot, playground):
    """README example (b = 2.0), then "one tanh neuron" (b = 6.88...): b follows the text,
    exactly (the editor shows it to 4 decimals), and editing x1 = 2.0 to 5.0 counts."""
    assert playground.variables()["b"] == 2.0
    playground.load_preset("one tanh neuron")
    assert playground.spins["b"].value() == pytest.approx(6.8814)
    assert playground.variables()["b"] == 6.8813735870195432
    assert playground.result.value == _neuron(2.0)  # tanh(0.8813735870195432) = 1/sqrt(2)
    _edit_text(qtbot, playground, "x1 = 2.0", "x1 = 5.0")
    assert playground.spins["x1"].value() == 5.0
    assert playground.result.value == _neuron(5.0)


def test_an_edited_value_holds_until_the_texts_own_value_changes(qtbot, playground):
    playground.load_preset("one tanh neuron")
    playground.set_variable("w1", -1.0)
    assert playground.result.value == _neuron(2.0, w1=-1.0)
    _edit_text(qtbot, playground, "w2 = 1.0", "w2 = 1.5")  # another input: w1 stays -1
    assert playground.spins["w1"].value() == -1.0
    assert playground.result.value == _neuron(2.0, w1=-1.0)
    _edit_text(qtbot, playground, "w1 = -3.0", "w1 = -2.0")  # its own value: the text wins
    assert playground.spins["w1"].value() == -2.0
    assert playground.result.value == _neuron(2.0, w1=-2.0)
