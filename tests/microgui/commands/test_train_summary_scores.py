"""microgui train's closing summary for regression scores that are undefined or huge.

R² of targets that are all equal is undefined (NaN, stored as None in the
history): the summary crashed on formatting None; it says "undefined".
A target in the 1e300s gave R² nan and RMSE inf; now both are finite.
"""

from __future__ import annotations

import re

from test_train_command import run_main


def write_csv(path, rows) -> str:
    path.write_text("x,y\n" + "".join(f"{x!r},{y!r}\n" for x, y in rows), encoding="utf-8")
    return f"path={path}"


def test_equal_targets_give_an_undefined_r2_not_a_crash(tmp_path, capsys):
    data = write_csv(tmp_path / "flat.csv", [(float(k), 5.0) for k in range(10)])
    code, out, _ = run_main(
        capsys, "--dataset", "csv", "--dataset-param", data, "--dataset-param",
        "task=regression", "--layers", "4", "--steps", "3",
    )  # fmt: skip
    assert code == 0
    assert re.search(r"final loss [\d.e-]+, R² undefined, RMSE [\d.e-]+; ", out)
    assert re.search(r"; test loss [\d.e-]+, test R² undefined \(step 2\)", out)


def test_a_target_in_the_1e300s_gets_a_finite_r2_and_rmse(tmp_path, capsys):
    rows = [(x, (3.0 * x + 0.5) * 1e300) for x in [k / 10 - 2 for k in range(40)]]
    data = write_csv(tmp_path / "huge.csv", rows)
    code, out, _ = run_main(
        capsys, "--dataset", "csv", "--dataset-param", data, "--layers", "8", "--steps", "50",
    )  # fmt: skip
    assert code == 0
    scores = r"R² (-?[\d.]+), RMSE ([\d.e+]+); test loss [\d.e-]+, test R² (-?[\d.]+)"
    found = re.search(scores, out)
    assert found, out
    r2, rmse, test_r2 = (float(g) for g in found.groups())
    assert 0.5 < r2 <= 1.0 and 0.5 < test_r2 <= 1.0
    assert 1e297 < rmse < 1e301
