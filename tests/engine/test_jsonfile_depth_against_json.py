"""How engine.jsonfile counts nesting and parses, checked against Python's own json module.

``json_depth(text)`` must be the nesting of what ``json.loads``
returns, brackets inside strings not counted. ``parse_json`` accepts exactly MAX_JSON_DEPTH levels,
refuses one more in a whole line, is not fooled by brackets inside strings,
takes whatever text ``json.loads`` takes (lone surrogates too), keeps whole
numbers of up to 40 digits exact, and turns a RecursionError into one line.
"""

from __future__ import annotations

import json
import json.scanner
from pathlib import Path

import pytest

from engine.jsonfile import MAX_JSON_DEPTH, json_depth, parse_json


class Refused(Exception):
    """The caller's own error type."""


def nesting(value) -> int:
    """The reference: how deeply the lists and dicts json.loads built nest."""
    if isinstance(value, list):
        return 1 + max(map(nesting, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(nesting, value.values()), default=0)
    return 0


TEXTS = [
    "1",
    '"plain"',
    "[]",
    "{}",
    "[[]]",
    "[[], [[]]]",  # siblings: the second list's depth counts, not the sum
    "[ [ [ 1 ] ] , 2 ]",  # spaces and numbers between brackets
    '{"a": [1, {"b": []}], "c": {}}',
    "[" * 7 + "]" * 6 + ", [[]]]",  # deep first, shallow after
    '["[[[", {"k]": "{{"}]',  # brackets inside strings
    '["a \\" [ quoted", ["\\\\"]]',  # escaped quote and backslash inside strings
    '{"\u00e9t\u00e9": ["\u2211", ["\U0001f600"]]}',  # characters of 2, 3 and 4 UTF-8 bytes
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_exact_count_is_the_nesting_json_loads_builds(text):
    assert json_depth(text) == nesting(json.loads(text))


def test_brackets_in_a_string_do_not_count():
    assert json_depth('["[[["]') == 1  # [ then [[[ inside the string


def test_a_lone_surrogate_is_counted_and_parsed_as_json_reads_it():
    text = '["\ud800", ["x"]]'  # json.loads takes it (the text is str, not UTF-8 bytes)
    assert json_depth(text) == 2
    assert parse_json(text, "t", Refused) == json.loads(text)


def test_a_lone_surrogate_outside_a_string_is_refused_in_one_line_as_json_refuses_it():
    text = "[\ud800, 1]"  # not JSON: json.loads says where; counting must not crash first
    with pytest.raises(json.JSONDecodeError) as reference:
        json.loads(text)
    assert json_depth(text) == 1
    with pytest.raises(Refused) as refused:
        parse_json(text, "t", Refused)
    where = (
        f"{reference.value.msg} at line {reference.value.lineno}, column {reference.value.colno}"
    )
    assert str(refused.value) == f"t is not valid JSON (truncated or corrupt?): {where}"


def deep(levels: int, spaced: bool = False) -> str:
    opening = "[ " if spaced else "["
    return opening * levels + "]" * levels


@pytest.mark.parametrize("spaced", [False, True])
def test_exactly_the_limit_is_parsed_and_one_level_more_is_refused(tmp_path, spaced):
    assert parse_json(deep(MAX_JSON_DEPTH, spaced), "t", Refused) == json.loads(
        deep(MAX_JSON_DEPTH, spaced)
    )
    where = tmp_path / "m.json"
    with pytest.raises(Refused) as info:
        parse_json(deep(MAX_JSON_DEPTH + 1, spaced), where, Refused)
    assert str(info.value) == (
        f"{where} nests {MAX_JSON_DEPTH + 1} levels deep (at most {MAX_JSON_DEPTH} allowed); "
        "it is corrupt or not a microgui file"
    )


def test_brackets_inside_strings_do_not_make_a_file_too_deep():
    text = json.dumps({"label": "[" * 300, "note": "{" * 300})
    assert parse_json(text, "t", Refused) == json.loads(text)


@pytest.mark.parametrize("digits", [1, 39, 40])
def test_whole_numbers_of_up_to_40_digits_stay_exact(digits):
    for text in ("9" * digits, "-" + "9" * digits):
        value = parse_json(text, "t", Refused)
        assert type(value) is int and value == json.loads(text)


def test_longer_whole_numbers_are_read_as_the_float_they_round_to():
    text = "9" * 41
    value = parse_json(text, "t", Refused)
    assert type(value) is float and value == float(text)


def near_the_recursion_limit(call, room: int):
    """``call()`` made with only about ``room`` frames left before Python's recursion limit."""
    outcome = []

    def descend() -> int:
        try:
            left = descend()
        except RecursionError:
            return room  # the limit: climb back ``room`` frames, then call
        if left == 0:
            outcome.append(call())
        return left - 1  # below 0: done, unwind

    descend()
    return outcome[0]


def test_running_out_of_stack_while_parsing_is_one_line(monkeypatch):
    # json's own pure-Python scanner (PyPy's, and CPython's without its C accelerator)
    # recurses in Python frames; CPython's C scanner stopped counting them in 3.12.
    monkeypatch.setattr(json.scanner, "make_scanner", json.scanner.py_make_scanner)
    text = deep(MAX_JSON_DEPTH)  # allowed, but deeper than the stack left
    where = Path("run.session.json")
    with pytest.raises(Refused) as info:
        near_the_recursion_limit(lambda: parse_json(text, where, Refused), room=60)
    assert str(info.value) == f"{where} nests too deeply to read; it is corrupt"
    assert parse_json(text, where, Refused) == json.loads(text)  # with the stack to spare


def test_closing_brackets_inside_strings_do_not_hide_the_depth(tmp_path):
    # A string of 200 "]" lowered the quick count by 200: 900 levels were let through.
    text = '["' + "]" * 200 + '", ' + deep(MAX_JSON_DEPTH) + "]"
    assert nesting(json.loads(text)) == MAX_JSON_DEPTH + 1
    where = tmp_path / "m.json"
    with pytest.raises(Refused) as info:
        parse_json(text, where, Refused)
    assert str(info.value) == (
        f"{where} nests {MAX_JSON_DEPTH + 1} levels deep (at most {MAX_JSON_DEPTH} allowed); "
        "it is corrupt or not a microgui file"
    )
