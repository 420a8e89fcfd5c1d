"""How `make bench` judges two workers against one: against the gain a read's own CPU per request leaves room for
on the machine, with what wrk and PostgreSQL spend per request counted (bench/run.py linear_gain)."""

import pytest

from bench.load import Result
from bench.run import linear_gain
from bench.server import machine_busy_seconds


def _load(rate: float, server_us: float, machine_us: float | None = None) -> Result:
    return Result(rate, 1.0, 2.0, 0, server_cpu_us=server_us, server_user_cpu_us=server_us, machine_cpu_us=machine_us)


def test_a_read_cheaper_than_the_bare_app_is_allowed_less_gain_on_cores_the_load_generator_shares() -> None:
    # Both cost wrk and the kernel 20 us a request with two workers (machine minus server).
    bare = linear_gain(_load(11_000, 90), _load(20_000, 90, 110), cores=2)
    cheap = linear_gain(_load(18_000, 55), _load(26_000, 55, 75), cores=2)
    assert bare == pytest.approx(2e6 / 110 / 11_000)  # 1.65x
    assert cheap == pytest.approx(2e6 / 75 / 18_000)  # 1.48x
    assert cheap is not None
    assert bare is not None
    assert cheap < bare


def test_the_gain_counts_the_cpu_one_worker_spends_not_two() -> None:
    # A second worker that spends 20% more a request gains less than linear_gain allows: the check sees it.
    one = _load(10_000, 100)
    slower = _load(14_000, 120, 145)
    allowed = linear_gain(one, slower, cores=2)
    assert allowed == pytest.approx(2e6 / (100 + 25) / 10_000)  # 1.6x, against the 1.4x it gained
    assert allowed is not None
    assert slower.requests_per_second / one.requests_per_second < 0.9 * allowed


def test_the_allowance_is_at_most_twice_one_worker_and_none_without_the_machines_cpu() -> None:
    assert linear_gain(_load(1_000, 50), _load(2_000, 50, 51), cores=8) == 2.0
    assert linear_gain(_load(1_000, 50), _load(2_000, 50), cores=2) is None


def test_the_machines_busy_time_is_read_and_grows() -> None:
    first = machine_busy_seconds()
    assert first is not None
    assert first > 0
    sum(i * i for i in range(300_000))  # a few ms of CPU, at 100 ticks a second
    later = machine_busy_seconds()
    assert later is not None
    assert later >= first
