"""pytest plugin: the `twin` fixture, so that a test file reads like a test plan.

    def test_stall_raises_the_alarm(twin):
        pump = twin("scenarios/demo.yaml", seed=3)
        pump.run_until(6 * HOUR)
        ...

`twin(scenario, **options)` starts a Twin (the options of pumptwin.Twin) with its outputs in
the test's own temporary folder, and closes every twin it started when the test ends. A
failing test's report names the output folders (events.log, signals.csv, report.html).

Registered by `pip install -e python` (entry point pytest11); without installing, load it with
`pytest -p pumptwin.pytest_plugin`.
"""

import pytest

from .twin import Twin


@pytest.fixture
def twin(request, tmp_path):
    """Starts twins for this test: twin(scenario, seed=..., ...) -> pumptwin.Twin."""
    started = request.node.pumptwin_twins = []

    def start(scenario, **options):
        options.setdefault("out", tmp_path / f"twin-{len(started)}")
        pump = Twin(scenario, **options)
        started.append(pump)
        return pump

    yield start
    for pump in started:
        pump.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    twins = getattr(item, "pumptwin_twins", None)
    if call.when == "call" and report.failed and twins:
        report.sections.append(("pumptwin", "\n".join(
            f"outputs of {pump.scenario_file}: {pump.out_dir}" for pump in twins)))
