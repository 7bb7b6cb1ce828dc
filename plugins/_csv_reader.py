"""Read a CSV file of numeric features and one label column, with errors a user can act on.

Every problem raises :class:`microgui.hookspecs.DatasetError` naming the line
(the file's line number, as an editor shows it) and the column.
"""

from __future__ import annotations

import csv
import errno
import itertools
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from microgui.hookspecs import DatasetError

#: A scalar engine builds a graph node per number; beyond this a step takes minutes.
MAX_ROWS = 100_000
MAX_CLASSES = 20
#: Cells that mean "no value" in common exports (pandas, R, Excel, UCI).
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-"})
DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 65_536
_ENCODING_ADVICE = "save the file as UTF-8 (in Excel: 'CSV UTF-8') and load it again"
# The file is decoded with errors="surrogateescape": undecodable bytes become
# these code points, so a bad byte is reported at its own line, and only once
# the reader gets there (after the row-count check).
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass
class CsvTable:
    """The parsed file: float features (row-major), raw label strings and their line numbers."""

    feature_names: list[str]
    label_name: str
    features: list[list[float]]
    labels: list[str]
    label_lines: list[int]


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def detect_encoding(head: bytes) -> str:
    """The text encoding of a file starting with ``head``: BOM first, then a UTF-16 guess.

    UTF-8 with or without a BOM gives "utf-8-sig" (which drops the BOM).
    """
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Python's codec reads the BOM to pick the byte order.
    if b"\x00" in head:
        # ASCII-range text in UTF-16 without a BOM has every other byte zero.
        even_zeros = head[0::2].count(0) / max(1, len(head[0::2]))
        odd_zeros = head[1::2].count(0) / max(1, len(head[1::2]))
        if odd_zeros > 0.4 and even_zeros < 0.1:
            return "utf-16-le"
        if even_zeros > 0.4 and odd_zeros < 0.1:
            return "utf-16-be"
        raise DatasetError(
            f"the file contains NUL bytes: it is not a text CSV file; {_ENCODING_ADVICE}"
        )
    return "utf-8-sig"


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_regular(path: Path) -> None:
    """Refuse what is not a regular file before opening it: opening a FIFO waits for a
    writer forever, and /dev/zero or /dev/urandom never end."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DatasetError(f"file not found: {path}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DatasetError(f"cannot open {path}: its symbolic links form a loop") from None
        raise DatasetError(f"cannot open {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DatasetError(f"{path} is a folder; choose a .csv file")
    if not stat.S_ISREG(info.st_mode):
        raise DatasetError(
            f"{path} is {_special_kind(info.st_mode)}, not a file; choose a .csv file"
        )


def _open_text(path: Path) -> tuple[TextIO, str]:
    _check_regular(path)
    try:
        # Non-blocking: should a FIFO replace the file after the check, open must not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as raw:
            if not stat.S_ISREG(os.fstat(raw.fileno()).st_mode):
                raise DatasetError(f"{path} is not a regular file; choose a .csv file")
            head = raw.read(_SNIFF_BYTES)
        if not head.strip():
            raise DatasetError(f"the file {path.name} is empty")
        encoding = detect_encoding(head)
        return path.open(encoding=encoding, errors="surrogateescape", newline=""), encoding
    except OSError as exc:
        raise DatasetError(f"cannot open {path}: {exc.strerror or exc}") from None


def _delimiter(header_line: str) -> str:
    """The most frequent of , ; and tab in the header line (comma if none)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: list[str]) -> list[str]:
    names = [c.strip() or f"column {i + 1}" for i, c in enumerate(cells)]
    for name in names:
        if names.count(name) > 1:
            raise DatasetError(f"the header names column {name!r} twice; rename one of them")
    return names


def _label_index(names: list[str], label_column: str) -> int:
    """Index of the label column: the named one, else a column called "label", else the last."""
    wanted = label_column.strip()
    if not wanted:
        lowered = [n.lower() for n in names]
        return lowered.index("label") if "label" in lowered else len(names) - 1
    if wanted in names:
        return names.index(wanted)
    lowered = [n.lower() for n in names]
    if wanted.lower() in lowered:
        return lowered.index(wanted.lower())
    raise DatasetError(
        f"no column named {wanted!r}; the columns are: {', '.join(map(repr, names))}"
    )


def parse_number(cell: str, line: int, column: str) -> float:
    """``cell`` as a finite float, or DatasetError naming the line and column."""
    text = cell.strip()
    if text.lower() in MISSING_MARKERS:
        raise DatasetError(
            f"missing value at line {line}, column {column!r}; fill it in or delete the row"
        )
    try:
        value = float(text)
    except ValueError:
        raise DatasetError(
            f"text {_show(text)} in numeric column {column!r} at line {line}; "
            "feature columns must hold numbers (use '.' as the decimal point)"
        ) from None
    if not math.isfinite(value):
        raise DatasetError(f"value {_show(text)} at line {line}, column {column!r} is not finite")
    return value


def _records(stream: TextIO, path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank record, decoding errors made readable."""
    first = stream.readline()
    reader = csv.reader(itertools.chain([first], stream), delimiter=_delimiter(first))
    while True:
        start = reader.line_num + 1  # the line this record starts on
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise DatasetError(
                f"cannot read {path.name} near line {reader.line_num + 1}: it is not "
                f"{_encoding_name(encoding)} text; {_ENCODING_ADVICE}"
            ) from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise DatasetError(
                    f"a value in the row starting on line {start} is longer than "
                    f"{csv.field_size_limit():,} characters; a cell holds a number or a label: "
                    "is a closing quote missing, or is it not a CSV table?"
                ) from None
            raise DatasetError(f"not a readable CSV near line {reader.line_num}: {exc}") from None
        if any(c.strip() for c in cells):
            yield reader.line_num, cells


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding == "utf-8-sig" else encoding.upper()


def _check_decoded(cells: list[str], line: int, path: Path, encoding: str) -> None:
    if any(_UNDECODABLE.search(cell) for cell in cells):
        raise DatasetError(
            f"cannot read line {line} of {path.name}: it is not {_encoding_name(encoding)} text; "
            f"{_ENCODING_ADVICE}"
        )


def read_csv_table(path: str | Path, label_column: str = "") -> CsvTable:
    """Parse ``path``; stop reading as soon as it has more than MAX_ROWS data rows."""
    path = Path(path).expanduser()
    stream, encoding = _open_text(path)
    with stream:
        try:
            records = _records(stream, path, encoding)
            first = next(records, None)
            if first is None:
                raise DatasetError(f"the file {path.name} is empty")
            _check_decoded(first[1], first[0], path, encoding)
            names = _header(first[1])
            label_at = _label_index(names, label_column)
            if len(names) < 2:
                raise DatasetError(
                    f"the file has only the column {names[0]!r}; it needs at least one "
                    "numeric feature column and a label column"
                )
            feature_names = [n for i, n in enumerate(names) if i != label_at]
            table = CsvTable(feature_names, names[label_at], [], [], [])
            for count, (line, cells) in enumerate(records, start=1):
                if count > MAX_ROWS:
                    raise DatasetError(
                        f"the file has more than {MAX_ROWS:,} data rows; a scalar engine "
                        "cannot train on that many: take a random sample of the rows"
                    )
                _check_decoded(cells, line, path, encoding)
                if len(cells) != len(names):
                    raise DatasetError(
                        f"line {line} has {len(cells)} values but the header has "
                        f"{len(names)} columns"
                    )
                table.features.append(
                    [
                        parse_number(cell, line, names[i])
                        for i, cell in enumerate(cells)
                        if i != label_at
                    ]
                )
                label = cells[label_at].strip()
                if label.lower() in MISSING_MARKERS:
                    raise DatasetError(
                        f"missing value at line {line}, column {names[label_at]!r} (the label)"
                    )
                table.labels.append(label)
                table.label_lines.append(line)
        except UnicodeError:
            # Raised by readline() before the csv reader takes over.
            raise DatasetError(
                f"cannot read {path.name}: it is not {_encoding_name(encoding)} text; "
                f"{_ENCODING_ADVICE}"
            ) from None
    if not table.labels:
        raise DatasetError(f"the file {path.name} has a header but no data rows")
    return table
