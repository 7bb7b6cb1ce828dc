"""The plugin contract: markers, data types and the hook pluggy dispatches."""

from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import pluggy
import pytest

from microgui import hookspecs
from microgui.hookspecs import (
    CONTRACT_VERSION,
    PARAM_KINDS,
    TASKS,
    Dataset,
    DatasetError,
    DatasetSpec,
    ParamSpec,
    hookimpl,
)


def _spec(**overrides) -> DatasetSpec:
    fields = dict(
        id="ones",
        name="Ones",
        description="All ones.",
        task="binary",
        params=(ParamSpec("n_samples", "int", 4, minimum=1, maximum=10),),
        generate=lambda params, seed: Dataset(
            np.ones((params["n_samples"], 1)), np.zeros(params["n_samples"]), "binary", ("x",)
        ),
    )
    fields.update(overrides)
    return DatasetSpec(**fields)


def test_markers_are_named_after_the_project():
    assert hookspecs.hookspec.project_name == "microgui"
    assert hookspecs.hookimpl.project_name == "microgui"
    assert CONTRACT_VERSION == 2
    assert hookspecs.ENTRY_POINT_GROUP == "microgui.plugins"


def test_vocabulary_matches_the_shared_conventions():
    assert TASKS == ("binary", "multiclass", "regression")
    assert set(PARAM_KINDS) >= {"int", "float", "bool", "choice", "path"}


def test_hook_specification_is_typed_and_documented():
    signature = inspect.signature(hookspecs.microgui_datasets)
    assert signature.parameters == {}
    assert "DatasetSpec" in str(signature.return_annotation)
    assert hookspecs.microgui_datasets.__doc__


def test_pluggy_dispatches_the_hook_to_a_plugin_module_like_object():
    class Plugin:
        @staticmethod
        @hookimpl
        def microgui_datasets():
            return [_spec()]

    manager = pluggy.PluginManager("microgui")
    manager.add_hookspecs(hookspecs)
    manager.register(Plugin())
    manager.check_pending()
    (specs,) = manager.hook.microgui_datasets()
    assert [s.id for s in specs] == ["ones"]


def test_pluggy_rejects_an_implementation_with_arguments_the_spec_lacks():
    class Plugin:
        @staticmethod
        @hookimpl
        def microgui_datasets(extra):
            return []

    manager = pluggy.PluginManager("microgui")
    manager.add_hookspecs(hookspecs)
    with pytest.raises(pluggy.PluginValidationError):
        manager.register(Plugin())


def test_data_types_are_frozen():
    param = ParamSpec("noise", "float", 0.1, minimum=0.0, maximum=1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        param.default = 0.2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        _spec().id = "other"  # type: ignore[misc]


def test_dataset_spec_defaults_and_dataset_shape_helpers():
    spec = _spec()
    assert spec.defaults() == {"n_samples": 4}
    data = spec.generate(spec.defaults(), 0)
    assert (data.n_samples, data.n_features) == (4, 1)


def test_dataset_compares_by_identity_not_by_array_contents():
    a = Dataset(np.zeros((2, 1)), np.zeros(2), "regression", ("x",))
    b = Dataset(np.zeros((2, 1)), np.zeros(2), "regression", ("x",))
    assert a == a and a != b  # field-wise == on arrays would raise instead


def test_dataset_error_is_a_value_error():
    assert issubclass(DatasetError, ValueError)


@pytest.mark.parametrize("hint", ["", "none", "standardize", "minmax"])
def test_a_scaling_hint_is_optional_and_checked(hint):
    from microgui.plugin_host.validation import check_dataset_spec

    assert check_dataset_spec(_spec(suggested_scaling=hint)).suggested_scaling == hint
    assert _spec().suggested_scaling == ""  # a contract version 1 plugin says nothing


def test_an_unknown_scaling_hint_is_refused_naming_the_dataset():
    from microgui.plugin_host.validation import ContractError, check_dataset_spec

    with pytest.raises(ContractError, match=r"dataset 'ones': suggested_scaling 'zscore' is not"):
        check_dataset_spec(_spec(suggested_scaling="zscore"))
