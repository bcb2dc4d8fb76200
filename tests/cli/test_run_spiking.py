"""``neurogen run`` on a spiking model: spikes recorded as (step, rank) rows."""
import numpy as np

from neurogen.io import read_results

from cli_helpers import cli

SPIKING = '''
from neurogen import *
clear(seed=3)
setup(dt=0.1)
N = Neuron(parameters="I = 20.0 : population",
           equations="20.0 * dv/dt = -60.0 - v + I + g_exc : init=-60.0",
           spike="v > -50.0", reset="v = -60.0", refractory=5.0)
cells = Population(50, N, name="cells")
cells.v = Uniform(-60.0, -50.0)
'''


def test_run_records_spikes_as_step_rank_rows(tmp_path, capsys):
    script = tmp_path / "spiking.py"
    script.write_text(SPIKING)
    out = tmp_path / "spikes.npz"
    status, _, _ = cli("run", script, "--duration", 50, "--record", "cells.spike",
                       "--record", "cells.v", "--out", out, capsys=capsys)
    assert status == 0
    arrays, meta = read_results(out)
    spikes, v = arrays["cells.spike"], arrays["cells.v"]
    assert spikes.shape[1] == 2 and len(spikes) > 50 and v.shape == (500, 50)
    assert np.all(np.diff(spikes[:, 0]) >= 0) and spikes[:, 1].max() < 50
    # a neuron spikes when v crossed the threshold: v was reset at that step
    steps, ranks = spikes[:, 0], spikes[:, 1]
    np.testing.assert_array_equal(v[steps, ranks], -60.0)
    assert meta["records"]["cells.spike"] == "cells.spike"
