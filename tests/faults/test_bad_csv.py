"""Fault matrix, CSV files through the csv plugin, the way the app loads them.

Every failure of the plugin issue (missing value, text in a numeric column,
one class only, an empty file, more than 100,000 rows, an unreadable
encoding) must be a PluginError the user can fix (``input_error``), naming
the csv plugin and the line and column where it applies, in one line. A
UTF-16 file and a UTF-8 file with a byte-order mark must load exactly like
the plain UTF-8 file.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from file_access import deny_reading

from microgui.plugin_host.manager import PluginError, PluginRegistry, load_plugins

GOOD = "größe,width,animal\n1.5,2.0,cat\n-0.25,3.5,dog\n2.0,-1.0,cat\n0.0,0.5,dog\n3.25,1e-3,dog\n"
EXPECTED_X = np.array([[1.5, 2.0], [-0.25, 3.5], [2.0, -1.0], [0.0, 0.5], [3.25, 1e-3]])
EXPECTED_Y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])  # cat = 0, dog = 1 (sorted names)


@pytest.fixture(scope="module")
def registry() -> PluginRegistry:
    return load_plugins(include_default_dirs=False)


@pytest.fixture
def write(tmp_path):
    def write(content: str | bytes, encoding: str = "utf-8"):
        path = tmp_path / "data.csv"
        path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
        return path

    return write


def load(registry: PluginRegistry, path) -> object:
    return registry.generate("csv", {"path": str(path)}, 0)


def refused(registry: PluginRegistry, path) -> str:
    with pytest.raises(PluginError) as info:
        load(registry, path)
    error = info.value
    assert error.input_error, "a bad file is the user's to fix, not a plugin bug"
    assert error.plugin == "csv_dataset" and error.dataset_id == "csv"
    text = str(error)
    assert "\n" not in text
    assert text.startswith("dataset 'csv' (plugin 'csv_dataset'): ")
    return text


# ------------------------------------------------------------------ the failures of issue 4


def test_missing_value_names_line_and_column(registry, write):
    rows = "".join(f"{i},{i % 3},{'ab'[i % 2]}\n" for i in range(60))
    rows = rows.replace("55,1,b\n", "55,,b\n")  # line 57: header is line 1, row 0 is line 2
    text = refused(registry, write("x1,x2,label\n" + rows))
    assert "missing value at line 57, column 'x2'" in text
    assert "fill it in or delete the row" in text


@pytest.mark.parametrize("marker", ["NA", "?", "null", "nan"])
def test_missing_value_markers_count_as_missing(registry, write, marker):
    text = refused(registry, write(f"x1,x2,label\n1,2,a\n3,{marker},b\n"))
    assert "missing value at line 3, column 'x2'" in text


def test_missing_label_names_the_label_column(registry, write):
    text = refused(registry, write("x1,label\n1,a\n2,\n"))
    assert "missing value at line 3, column 'label' (the label)" in text


def test_text_in_a_numeric_column_names_value_line_and_column(registry, write):
    text = refused(registry, write("x1,x2,label\n1,2,a\n3,4,b\n5,six,a\n"))
    assert "text 'six' in numeric column 'x2' at line 4" in text


def test_decimal_comma_is_text_in_a_numeric_column(registry, write):
    text = refused(registry, write('x1,label\n"1,5",a\n2,b\n'))
    assert "'1,5' in numeric column 'x1' at line 2" in text and "'.'" in text


def test_one_class_only(registry, write):
    text = refused(registry, write("x1,label\n1,cat\n2,cat\n3,cat\n"))
    assert "only one class ('cat')" in text and "at least two" in text


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n  \n", b"\xef\xbb\xbf", b"x1,label\n", "x1,label\n".encode("utf-16")],
    ids=["zero bytes", "blank lines", "UTF-8 BOM only", "header only", "UTF-16 header only"],
)
def test_empty_file(registry, write, content):
    text = refused(registry, write(content))
    assert "empty" in text or "no data rows" in text


def test_more_than_100000_rows_is_refused_and_the_rest_is_not_read(registry, write):
    rows = "".join(f"{i % 5},{i % 2}\n" for i in range(100_001))
    # A missing value after the limit: reported only if the reader went past it.
    text = refused(registry, write("x1,label\n" + rows + ",1\n" * 10))
    assert "more than 100,000 data rows" in text and "random sample" in text


def test_unreadable_encoding_names_the_line_and_what_to_do(registry, write):
    content = "x1,label\n1,ok\n2,fine\n3,café\n".encode("latin-1")
    text = refused(registry, write(content))
    assert "cannot read line 4 of data.csv: it is not UTF-8 text" in text
    assert "save the file as UTF-8" in text


def test_a_file_without_read_permission(registry, write, monkeypatch):
    path = write(GOOD)
    deny_reading(monkeypatch, path)
    text = refused(registry, path)
    assert "cannot open" in text and "Permission denied" in text


def test_path_problems(registry, tmp_path):
    assert "file not found" in refused(registry, tmp_path / "missing.csv")
    assert "is a folder" in refused(registry, tmp_path)


def test_a_failed_file_leaves_the_other_datasets_working(registry, write):
    refused(registry, write("x1,label\n1,cat\n"))
    assert registry.generate("moons", None, 0).X.shape == (100, 2)
    assert load(registry, write(GOOD)).X.shape == (5, 2)


# ------------------------------------------------------------------ encodings that must load


def check_good(data) -> None:
    np.testing.assert_array_equal(data.X, EXPECTED_X)
    np.testing.assert_array_equal(data.y, EXPECTED_Y)
    assert data.feature_names == ("größe", "width")  # no BOM glued to the first name
    assert data.class_names == ("cat", "dog")
    assert data.task == "binary"


@pytest.mark.parametrize(
    "encoded",
    [
        GOOD.encode("utf-8"),
        GOOD.encode("utf-8-sig"),  # Excel's "CSV UTF-8": a byte-order mark first
        GOOD.encode("utf-16"),  # BOM + native byte order
        b"\xff\xfe" + GOOD.encode("utf-16-le"),
        b"\xfe\xff" + GOOD.encode("utf-16-be"),
        GOOD.encode("utf-16-le"),  # no BOM: recognised from the zero bytes
        GOOD.replace("\n", "\r\n").encode("utf-16"),  # Windows line ends
    ],
    ids=["utf-8", "utf-8 BOM", "utf-16", "utf-16-le BOM", "utf-16-be BOM", "utf-16-le", "crlf"],
)
def test_utf16_and_bom_files_load_like_plain_utf8(registry, write, encoded):
    check_good(load(registry, write(encoded)))


# ------------------------------------------------------------------ round two (issue 16, items 3-4)


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    return tmp_path / "pipe.csv"


def _socket(tmp_path):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.csv"))
    sock.close()
    return tmp_path / "sock.csv"


def _loop(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    return tmp_path / "a.csv"


def _link_to_fifo(tmp_path):
    (tmp_path / "link.csv").symlink_to(_fifo(tmp_path))
    return tmp_path / "link.csv"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_fifo, "is a FIFO (named pipe), not a file; choose a .csv file"),
        (_link_to_fifo, "is a FIFO (named pipe), not a file"),
        (lambda tmp: Path("/dev/zero"), "/dev/zero is a device, not a file"),
        (lambda tmp: Path("/dev/urandom"), "/dev/urandom is a device, not a file"),
        (_socket, "is a socket, not a file"),
        (_loop, "its symbolic links form a loop"),
    ],
    ids=["fifo", "link to a fifo", "/dev/zero", "/dev/urandom", "socket", "symlink loop"],
)
def test_special_files_are_refused_at_once_not_after_the_timeout(registry, tmp_path, make, says):
    path = make(tmp_path)
    started = time.monotonic()
    with pytest.raises(PluginError) as info:
        # A FIFO blocked the reader for the whole timeout, then "the plugin may hang".
        registry.generate("csv", {"path": str(path)}, 0, timeout=20)
    text = str(info.value)
    assert info.value.input_error and "took longer" not in text, text
    assert says in text and "\n" not in text, text
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("a,b,label\n1,2,0\n3," + "x" * 200_000 + ",1\n", 3),
        ('a,b,label\n1,2,0\n3,"4,1\n' + "5,6,1\n" * 30_000, 3),
    ],
    ids=["a 200,000-character cell", "a quote never closed"],
)
def test_a_huge_cell_names_its_line_not_pythons_field_limit(registry, write, content, line):
    text = refused(registry, write(content))
    assert f"a value in the row starting on line {line} is longer than 131,072" in text, text
    assert "is a closing quote missing" in text and "field limit" not in text
