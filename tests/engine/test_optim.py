"""engine.optim against torch.optim (float64) and the schedules' formulas."""

from __future__ import annotations

import itertools
import json
import math

import pytest

from engine import Value
from engine.optim import OPTIMIZERS, SCHEDULES, SGD, Adam, follow_base_lr, make_schedule

torch = pytest.importorskip("torch")

START = [0.5, -1.2, 2.0, 0.1]
TARGET = [1.0, 0.0, -1.0, 0.3]


def objective(ps):
    """A small non-quadratic loss written once for Values and tensors."""
    total = 0.0
    for p, t, k in zip(ps, TARGET, range(len(TARGET)), strict=True):
        d = p - t
        total = total + (k + 1) * d * d + (p * 0.5).tanh()
    return total


def run_ours(make, steps, lrs=None):
    ps = [Value(x) for x in START]
    opt = make(ps)
    for k in range(steps):
        opt.zero_grad()
        objective(ps).backward()
        opt.step(None if lrs is None else lrs[k])
    return [p.data for p in ps], opt


def run_torch(make, steps, lrs=None):
    ps = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    opt = make(ps)
    for k in range(steps):
        if lrs is not None:
            for group in opt.param_groups:
                group["lr"] = lrs[k]
        opt.zero_grad()
        objective(ps).backward()
        opt.step()
    return [p.item() for p in ps]


CASES = {
    "sgd": (lambda ps: SGD(ps, lr=0.05), lambda ps: torch.optim.SGD(ps, lr=0.05)),
    "momentum": (
        lambda ps: SGD(ps, lr=0.05, momentum=0.9),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
    ),
    "adam": (lambda ps: Adam(ps, lr=0.1), lambda ps: torch.optim.Adam(ps, lr=0.1)),
    "adam_betas": (
        lambda ps: Adam(ps, lr=0.03, betas=(0.5, 0.9), eps=1e-6),
        lambda ps: torch.optim.Adam(ps, lr=0.03, betas=(0.5, 0.9), eps=1e-6),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_optimizer_steps_match_torch(case):
    ours, theirs = CASES[case]
    got, _ = run_ours(ours, 8)
    want = run_torch(theirs, 8)
    assert got != START
    for a, b in zip(got, want, strict=True):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14), (a, b)


@pytest.mark.parametrize("case", ["momentum", "adam"])
def test_step_lr_override_matches_torch_with_changing_lr(case):
    ours, theirs = CASES[case]
    lrs = [make_schedule("cosine", 0.1, 6)(k) for k in range(6)]
    got, _ = run_ours(ours, 6, lrs)
    want = run_torch(theirs, 6, lrs)
    for a, b in zip(got, want, strict=True):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14)


@pytest.mark.parametrize("case", ["momentum", "adam"])
def test_state_dict_round_trip_through_json_resumes_exactly(case):
    ours, _ = CASES[case]
    uninterrupted, _ = run_ours(ours, 6)

    ps = [Value(x) for x in START]
    opt = ours(ps)
    for _ in range(3):
        opt.zero_grad()
        objective(ps).backward()
        opt.step()
    saved = json.loads(json.dumps(opt.state_dict()))
    resumed = ours(ps)
    resumed.load_state_dict(saved)
    for _ in range(3):
        resumed.zero_grad()
        objective(ps).backward()
        resumed.step()
    assert [p.data for p in ps] == uninterrupted


def test_load_state_dict_rejects_other_states():
    ps = [Value(1.0), Value(2.0)]
    adam = Adam(ps)
    with pytest.raises(ValueError, match="expected adam optimizer state, got: "):
        adam.load_state_dict(SGD(ps).state_dict())
    state = Adam([Value(1.0)]).state_dict()
    with pytest.raises(ValueError, match="has 1 entry for 2 parameters"):
        adam.load_state_dict(state)
    with pytest.raises(ValueError, match="missing"):
        adam.load_state_dict({"type": "adam"})


def test_a_bad_state_names_the_buffer_and_what_it_holds():
    ps = [Value(1.0), Value(2.0)]
    good = Adam(ps).state_dict()
    for name in ("m", "v"):
        with pytest.raises(ValueError, match=f"state '{name}' has 3 entries for 2 parameters"):
            Adam(ps).load_state_dict({**good, name: [0.0, 0.0, 0.0]})
        with pytest.raises(ValueError, match=f"state '{name}' is of type int, not a list of 2"):
            Adam(ps).load_state_dict({**good, name: 5})
    sgd = SGD(ps, momentum=0.9).state_dict()
    with pytest.raises(ValueError, match="state 'buffers' has 1 entry for 2 parameters"):
        SGD(ps, momentum=0.9).load_state_dict({**sgd, "buffers": [0.0]})
    with pytest.raises(ValueError, match=r"expected sgd optimizer state, got: \{'type': 'adam'"):
        SGD(ps).load_state_dict(good)
    with pytest.raises(ValueError, match="adam optimizer state is missing lr, betas, eps"):
        Adam(ps).load_state_dict({"type": "adam"})


def test_plain_sgd_keeps_no_momentum_buffers():
    # Without momentum there is nothing to remember: the session stays small.
    ps = [Value(1.0), Value(2.0)]
    sgd = SGD(ps, lr=0.5)
    for p in ps:
        p.grad = 1.0
    sgd.step()
    assert [p.data for p in ps] == [0.5, 1.5]
    assert sgd.state_dict()["buffers"] is None


def test_default_learning_rates():
    ps = [Value(1.0)]
    assert (SGD(ps).lr, SGD(ps).momentum, Adam(ps).lr, Adam(ps).betas) == (
        0.1,
        0.0,
        0.01,
        (0.9, 0.999),
    )


def test_hyperparameter_ranges_include_their_ends_as_torch_does():
    ps = [Value(1.0)]
    SGD(ps, momentum=0.0)
    Adam(ps, betas=(0.0, 0.0))  # 0 is allowed: no averaging at all
    for momentum in (1.0, -0.1):
        with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
            SGD(ps, momentum=momentum)
    for betas in ((1.0, 0.9), (1.5, 0.9), (0.9, 1.0), (-0.1, 0.9), (0.9, -0.1)):
        with pytest.raises(ValueError, match=r"betas must each be in \[0, 1\)"):
            Adam(ps, betas=betas)
    with pytest.raises(ValueError, match=r"eps must be > 0, got 0\.0"):
        Adam(ps, eps=0.0)


def test_schedule_arguments_are_checked_with_the_choices_named():
    with pytest.raises(ValueError, match="choose one of constant, linear, cosine, step"):
        make_schedule("exp", 1.0, 10)
    for total in (True, 10.5, 0, -3):
        with pytest.raises(ValueError, match="total_steps must be a positive integer"):
            make_schedule("linear", 1.0, total)


def test_step_schedule_sizes_and_the_smallest_accepted_values():
    # The default step size is a third of the run, at least 1, and a whole number.
    assert [make_schedule("step", 1.0, 3)(k) for k in range(5)] == [1.0, 0.5, 0.25, 0.125, 0.125]
    assert [make_schedule("step", 1.0, 10)(k) for k in (2, 3, 6)] == [1.0, 0.5, 0.25]
    assert make_schedule("step", 1.0, 4, step_size=1)(2) == 0.25
    assert make_schedule("step", 1.0, 4, gamma=1.0)(3) == 1.0  # gamma 1: a constant rate
    one = make_schedule("linear", 1.0, 1, final_lr=0.5)  # a one-step run
    assert (one(0), one(1)) == (1.0, 0.5)
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        make_schedule("step", 1.0, 10, step_size=0)
    for gamma in (0.0, 1.5):
        with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\]"):
            make_schedule("step", 1.0, 10, gamma=gamma)


def test_a_zero_learning_rate_is_allowed_and_changes_nothing():
    # A linear schedule to 0 reaches it: lr 0 is a rate, not an error.
    ps = [Value(1.0)]
    ps[0].grad = 5.0
    SGD(ps, lr=0.0).step()
    Adam(ps).step(lr=0.0)
    assert ps[0].data == 1.0
    with pytest.raises(
        TypeError, match=r"^an optimizer needs a list of Values, e\.g\. model\.parameters\(\)$"
    ):
        SGD([1.0])


def test_zero_grad_and_registry():
    ps = [Value(1.0)]
    ps[0].grad = 3.0
    SGD(ps).zero_grad()
    assert ps[0].grad == 0.0
    assert {"sgd": SGD, "adam": Adam} == OPTIMIZERS


def test_bad_hyperparameters_say_what_is_wrong():
    ps = [Value(1.0)]
    with pytest.raises(ValueError, match="learning rate"):
        SGD(ps, lr=-1.0)
    with pytest.raises(ValueError, match="learning rate"):
        SGD(ps).step(lr=math.nan)
    with pytest.raises(ValueError, match="momentum"):
        SGD(ps, momentum=1.5)
    with pytest.raises(ValueError, match="betas"):
        Adam(ps, betas=(0.9, 1.0))
    with pytest.raises(TypeError, match="list of Values"):
        SGD([1.0])


def test_micrograd_demo_schedule_is_exact():
    lr = make_schedule("linear", 1.0, 100, final_lr=0.1)
    assert [lr(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]


def test_schedules_match_torch_schedulers():
    def torch_lrs(make_scheduler, steps):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.5)
        sched = make_scheduler(opt)
        lrs = []
        for _ in range(steps):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return lrs

    step = make_schedule("step", 0.5, 30, step_size=7, gamma=0.3)
    want = torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3), 30)
    assert all(math.isclose(step(k), w, rel_tol=1e-12) for k, w in enumerate(want))

    cosine = make_schedule("cosine", 0.5, 20, final_lr=0.05)
    want = torch_lrs(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20, eta_min=0.05), 20
    )
    assert all(math.isclose(cosine(k), w, rel_tol=1e-9) for k, w in enumerate(want))

    linear = make_schedule("linear", 0.5, 10, final_lr=0.1)
    want = torch_lrs(
        lambda o: torch.optim.lr_scheduler.LinearLR(
            o, start_factor=1.0, end_factor=0.2, total_iters=10
        ),
        10,
    )
    assert all(math.isclose(linear(k), w, rel_tol=1e-9) for k, w in enumerate(want))


def test_schedule_ends_and_defaults():
    assert make_schedule("constant", 0.3, 10)(1000) == 0.3
    assert make_schedule("linear", 1.0, 10)(10) == 0.0
    assert make_schedule("linear", 1.0, 10)(50) == 0.0  # past the end: stays final
    assert make_schedule("cosine", 1.0, 10, final_lr=0.1)(10) == pytest.approx(0.1)
    step = make_schedule("step", 1.0, 9)  # step size defaults to a third
    assert [step(k) for k in (0, 2, 3, 6)] == [1.0, 1.0, 0.5, 0.25]
    assert SCHEDULES == ("constant", "linear", "cosine", "step")


@pytest.mark.parametrize("name", SCHEDULES)
def test_every_schedule_keeps_its_final_rate_past_total_steps(name):
    # A run goes past its planned length when a stop is cleared: the rate must
    # neither climb back (torch's cosine is periodic) nor decay on (StepLR has no end).
    total = 10
    lr = make_schedule(name, 1.0, total, final_lr=0.1, step_size=3, gamma=0.5)
    final = lr(total)
    assert [lr(k) for k in (total + 1, total + 5, 2 * total, 100 * total)] == [final] * 4
    rates = [lr(k) for k in range(5 * total)]
    assert all(a >= b for a, b in itertools.pairwise(rates)), rates  # never goes back up
    expected_final = {"constant": 1.0, "linear": 0.1, "cosine": 0.1, "step": 0.125}
    assert final == pytest.approx(expected_final[name], rel=1e-12)


def test_cosine_and_step_past_the_end_examples_of_issue_18():
    assert make_schedule("cosine", 1.0, 10, final_lr=0.1)(15) == pytest.approx(0.1)  # was 0.55
    step = make_schedule("step", 1.0, 9)  # step size 3
    assert step(30) == step(9) == 0.125  # was 0.00098


def test_bad_schedules_say_what_is_wrong():
    with pytest.raises(ValueError, match="unknown schedule 'exp'"):
        make_schedule("exp", 1.0, 10)
    with pytest.raises(ValueError, match="total_steps"):
        make_schedule("linear", 1.0, 0)
    with pytest.raises(ValueError, match="gamma"):
        make_schedule("step", 1.0, 10, gamma=2.0)


def test_the_final_rate_follows_the_base_rate_so_a_decay_never_turns_into_a_rise():
    # micrograd's demo, 1.0 -> 0.1, with a base rate of 0.01: 0.01 -> 0.001.
    final = follow_base_lr(0.1, 1.0, 0.01)
    assert final == pytest.approx(0.001, rel=1e-12)
    schedule = make_schedule("linear", 0.01, 100, final_lr=final)
    rates = [schedule(k) for k in range(101)]
    assert all(b <= a for a, b in itertools.pairwise(rates))
    assert rates[0] == 0.01 and rates[-1] == pytest.approx(0.001)
    # The bug it fixes: the hidden 0.1 made the rate climb from 0.01 to 0.1.
    rising = make_schedule("linear", 0.01, 100, final_lr=0.1)
    assert rising(100) > rising(0)
    # A warm-up the user set stays one; the default (None = 0) stays the default.
    assert follow_base_lr(0.5, 0.1, 0.2) == pytest.approx(1.0)
    assert follow_base_lr(None, 1.0, 0.01) is None
    assert follow_base_lr(0.1, 0.0, 0.01) == 0.1  # no ratio to keep
