"""Self-check experiments: they test the suite machinery, not a theory (number 0).

* ``selfcheck`` — ``sleep`` seconds (waiting, no CPU), ``busy`` seconds of CPU time (a spin), then
  one check on a seeded draw; with ``fail="raise"`` it raises (a run that errors), with
  ``fail="exit"`` its process dies (``os._exit``: a worker lost mid-run, as when a cluster node is
  killed). Used by the tests of resume, Dask and failures, and
  handy to check a cluster before sending it a real suite (``rmtheory validate`` with a TOML that
  lists it). ``fail="exit"`` refuses to run in the runner's own process (it would kill the runner).
"""

from __future__ import annotations

import os
import time

import numpy as np

from rmtheory.params import Integer, OneOf, Real
from validation.experiments import _figures as fig
from validation.experiments.base import Check, Outcome, Param, experiment

#: set by the local runner: the process that must not be killed by fail="exit"
RUNNER_PID = {"pid": None}


@experiment(
    "selfcheck", 0, "Suite machinery self-check",
    tests="nothing: a seeded uniform draw is below 2 (always true)",
    params={
        "sleep": Param(0.0, Real(0, None), "seconds to sleep"),
        "busy": Param(0.0, Real(0, None), "seconds of CPU time to spend"),
        "fail": Param("none", OneOf(("none", "raise", "exit")), "how to fail"),
        "label": Param(0, Integer(0, None), "any integer (makes distinct runs)"),
    })
def run(ctx, p):
    time.sleep(p.sleep)
    start = time.process_time()
    while time.process_time() - start < p.busy:
        pass
    if p.fail == "raise":
        raise RuntimeError(f"selfcheck asked to fail (label {p.label})")
    if p.fail == "exit":
        if RUNNER_PID["pid"] == os.getpid():
            raise RuntimeError("selfcheck fail='exit' runs only on a Dask worker (it would kill the runner)")
        os._exit(17)
    u = float(np.random.default_rng(ctx.seed).random())
    return Outcome([Check("draw", "uniform draw", u, high=2.0, sample_size=1)],
                   measured={"u": u, "label": p.label},
                   figure={"panels": [fig.panel("self-check", "x", "y", [fig.points([0], [u])])]})
