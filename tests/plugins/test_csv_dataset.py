"""The CSV plugin: the shipped samples load, and every bad file gets a message naming the spot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris

from microgui.plugin_host.manager import PluginError, PluginRegistry, load_plugins

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "sample_data"


@pytest.fixture(scope="module")
def registry() -> PluginRegistry:
    return load_plugins(include_default_dirs=False)


@pytest.fixture
def load_csv(registry, tmp_path):
    """Write ``content`` (str or bytes) to a file and load it through the registry."""

    def load(content: str | bytes, encoding: str = "utf-8", **params):
        path = tmp_path / "data.csv"
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return registry.generate("csv", {"path": str(path), **params}, 0)

    return load


@pytest.fixture
def csv_error(load_csv):
    """The PluginError message for a file, checked to be the user's to fix."""

    def error(content: str | bytes, encoding: str = "utf-8", **params) -> str:
        with pytest.raises(PluginError) as caught:
            load_csv(content, encoding, **params)
        assert caught.value.input_error and caught.value.plugin == "csv_dataset"
        return str(caught.value)

    return error


# --------------------------------------------------------------------------- good files


def test_shipped_iris_sample_is_real_iris_with_text_labels(registry):
    data = registry.generate("csv", {"path": str(SAMPLES / "iris_petals.csv")}, 0)
    iris = load_iris()
    assert data.task == "multiclass" and data.class_names == ("setosa", "versicolor", "virginica")
    assert data.feature_names == ("petal_length_cm", "petal_width_cm")  # label = last column
    np.testing.assert_allclose(data.X, iris.data[:, 2:4])
    np.testing.assert_array_equal(data.y, iris.target)


def test_shipped_moons_sample_is_binary(registry):
    data = registry.generate("csv", {"path": str(SAMPLES / "moons.csv")}, 0)
    assert data.task == "binary" and data.X.shape == (150, 2)
    assert data.feature_names == ("x1", "x2") and data.class_names == ("0", "1")
    assert sorted(np.unique(data.y).tolist()) == [0.0, 1.0]


def test_label_column_named_label_is_found_anywhere(load_csv):
    data = load_csv("a,label,b\n1,yes,2\n3,no,4\n5,yes,6\n")
    assert data.feature_names == ("a", "b") and data.class_names == ("no", "yes")
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(data.y, [1, 0, 1])


def test_label_column_by_name_case_insensitive(load_csv):
    data = load_csv("Target,a\n1,0.5\n0,0.25\n", label_column="target")
    assert data.feature_names == ("a",) and data.class_names == ("0", "1")
    np.testing.assert_array_equal(data.y, [1, 0])


def test_numeric_labels_sort_numerically_and_keep_names(load_csv):
    data = load_csv("x,y\n0,-1\n1,1\n2,10\n3,2.0\n4,1\n")
    assert data.task == "multiclass" and data.class_names == ("-1", "1", "2", "10")
    np.testing.assert_array_equal(data.y, [0, 1, 3, 2, 1])


def test_fractional_or_many_numeric_labels_mean_regression(load_csv):
    data = load_csv("x,y\n0,0.5\n1,1.5\n2,0.5\n")
    assert data.task == "regression" and data.class_names == ()
    np.testing.assert_array_equal(data.y, [0.5, 1.5, 0.5])
    many = "x,y\n" + "".join(f"{i},{i}\n" for i in range(21))
    assert load_csv(many).task == "regression"
    # Forced: three 0/1 labels that would be a binary task stay numbers.
    forced = load_csv("x,y\n0,1\n1,0\n2,1\n", task="regression")
    assert forced.task == "regression" and forced.class_names == ()
    np.testing.assert_array_equal(forced.y, [1.0, 0.0, 1.0])


def test_task_can_be_forced_to_classification(load_csv):
    data = load_csv("x,y\n0,0.5\n1,1.5\n2,0.5\n", task="classification")
    assert data.task == "binary" and data.class_names == ("0.5", "1.5")


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8-sig", b""), ("utf-16", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
    ids=["utf8-bom", "utf16-native-bom", "utf16le-bom", "utf16be-bom"],
)
def test_bom_encodings_are_read(load_csv, encoding, prefix):
    text = "größe,label\n1.5,ja\n2.5,nein\n"
    data = load_csv(prefix + text.encode(encoding))
    assert data.feature_names == ("größe",)  # no BOM left in the first name
    assert data.class_names == ("ja", "nein")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(load_csv, encoding):
    data = load_csv("a,b,label\n1,2,x\n3,4,y\n", encoding=encoding)
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])


def test_semicolons_tabs_quotes_blank_lines_and_spaces(load_csv):
    assert load_csv("a;b;label\n1;2;p\n\n3;4;q\n").X.tolist() == [[1, 2], [3, 4]]
    assert load_csv("a\tlabel\n1\tp\n2\tq\n").X.tolist() == [[1], [2]]
    data = load_csv('"a","label"\n" 1 ","cat, small"\n"2",dog\r\n')
    assert data.class_names == ("cat, small", "dog") and data.X.tolist() == [[1], [2]]


# --------------------------------------------------------------------------- bad files


def test_missing_value_names_line_and_column(csv_error):
    message = csv_error("x1,x2,label\n1,2,a\n3,,b\n")
    assert "missing value at line 3, column 'x2'" in message
    assert "NA" not in message
    assert "line 4, column 'x1'" in csv_error("x1,x2,label\n1,2,a\n3,4,b\nNA,1,a\n")


def test_missing_label_names_the_label_column(csv_error):
    assert "missing value at line 2, column 'label'" in csv_error("x,label\n1,\n2,b\n")


def test_text_in_numeric_column_names_value_line_and_column(csv_error):
    message = csv_error("x1,x2,label\n1,2,a\n3,abc,b\n")
    assert "text 'abc' in numeric column 'x2' at line 3" in message
    assert "decimal point" in csv_error("x;label\n1,5;a\n2,5;b\n")  # European decimals


def test_infinite_value_is_refused(csv_error):
    assert "value 'inf' at line 2, column 'x' is not finite" in csv_error("x,label\ninf,a\n1,b\n")


def test_one_class_only(csv_error):
    message = csv_error("x,label\n1,cat\n2,cat\n")
    assert "the label column 'label' has only one class ('cat')" in message


def test_too_many_classes_suggests_regression(csv_error):
    rows = "".join(f"{i},class{i}\n" for i in range(21))
    assert "21 distinct labels" in csv_error("x,label\n" + rows)
    assert "21 distinct labels" in csv_error(
        "x,label\n" + "".join(f"{i},{i}\n" for i in range(21)), task="classification"
    )


def test_text_labels_cannot_be_regressed(csv_error):
    message = csv_error("x,label\n1,2.5\n2,big\n", task="regression")
    assert "text 'big' in label column 'label' at line 3" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"x,label\n", "has a header but no data rows"),
        ("x,label\n".encode("utf-16"), "has a header but no data rows"),
    ],
    ids=["zero-bytes", "blank", "bom-only", "header-only", "utf16-header-only"],
)
def test_empty_files(csv_error, content, expected):
    assert expected in csv_error(content)


def test_more_than_100000_rows_is_refused_without_reading_the_rest(csv_error):
    rows = "".join(f"{i % 7},{i % 2}\n" for i in range(100_001))
    # Were the whole file read, the broken tail would be reported instead.
    content = ("x,label\n" + rows).encode() + b"\xff\xfe not text, not numbers\n" * 1000
    message = csv_error(content)
    assert "more than 100,000 data rows" in message and "sample" in message


def test_exactly_100000_rows_is_accepted(load_csv):
    rows = "".join(f"{i % 7},{i % 2}\n" for i in range(100_000))
    assert load_csv("x,label\n" + rows).X.shape == (100_000, 1)


def test_unreadable_encoding_says_what_to_do(csv_error):
    message = csv_error("x,name\n1,ok\n2,café\n".encode("latin-1"))
    assert "cannot read line 3 of data.csv: it is not UTF-8 text" in message
    assert "CSV UTF-8" in message


def test_binary_file_is_refused(csv_error):
    assert "NUL bytes" in csv_error(bytes(range(256)) * 4)


def test_row_with_the_wrong_number_of_values(csv_error):
    assert "line 3 has 2 values but the header has 3 columns" in csv_error(
        "a,b,label\n1,2,x\n3,y\n"
    )


def test_unknown_label_column_lists_the_columns(csv_error):
    message = csv_error("a,b,label\n1,2,x\n", label_column="species")
    assert "no column named 'species'; the columns are: 'a', 'b', 'label'" in message


def test_header_problems(csv_error):
    assert "names column 'a' twice" in csv_error("a,a,label\n1,2,x\n")
    assert "needs at least one numeric feature column" in csv_error("label\nx\ny\n")


def test_path_problems(registry, tmp_path):
    cases = [("", "choose a CSV file first"), (str(tmp_path / "none.csv"), "file not found")]
    cases.append((str(tmp_path), "is a folder"))
    for path, expected in cases:
        with pytest.raises(PluginError, match=expected) as caught:
            registry.generate("csv", {"path": path}, 0)
        assert caught.value.input_error


def test_failures_leave_other_datasets_working(registry, csv_error):
    csv_error("x,label\n1,cat\n")
    assert registry.generate("moons", None, 0).X.shape == (100, 2)
    assert registry.generate("csv", {"path": str(SAMPLES / "moons.csv")}, 0).task == "binary"


def test_corrupt_utf16_is_an_encoding_error(csv_error):
    content = "x,label\n1,a\n2,b\n".encode("utf-16") + b"\x00\xd8\x41\x00"
    assert "it is not UTF-16 text" in csv_error(content)
