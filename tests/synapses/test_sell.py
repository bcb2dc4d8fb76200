"""The SELL storage kernel (neurogen/storage/sliced_ell.py): its sums are CSR's bit for bit
(each row summed in CSR order in a double), within 1e-12 of |W| @ |x| from an
independent NumPy product, the same with 1 and 2 threads; every projection feature CSR
has either works on it (weights set and read from Python, dendrites, monitors, save and
load, uniform delays, batches) or leaves the projection on CSR (learning rules,
per-synapse delays)."""
import numpy as np
import pytest

import neurogen as ng
from neurogen import storage
from neurogen.storage.sliced_ell import NARROW, layout_arrays

SOURCE = ng.Neuron(parameters="r = 0.0")
SUM = ng.Neuron(equations="r = sum(exc)")


def network(weights, precision="double", fmt="auto", threads=1, delays=0.0, synapse=None,
            batch=1):
    """A fixed source (rates set from Python) into a population reading sum(exc),
    connected by ``weights`` (post, pre; None where there is no synapse)."""
    post_size, pre_size = weights.shape
    net = ng.Network(seed=2, precision=precision, num_threads=threads, batch=batch)
    pre = net.create(geometry=pre_size, neuron=SOURCE)
    post = net.create(geometry=post_size, neuron=SUM)
    proj = net.connect(pre, post, "exc", synapse=synapse)
    proj.connect_from_matrix(np.where(np.isnan(weights), None, weights), delays=delays,
                             storage_format=fmt)
    return net, pre, post, proj


def ragged(post_size, pre_size, seed=0):
    """Random weights on a random pattern whose rows have very different lengths (some
    empty), so that slices are padded and lanes finish at different places."""
    rng = np.random.default_rng(seed)       # (sorted by length, they pad little: auto picks SELL)
    density = rng.uniform(0.0, 0.2, size=(post_size, 1)) * (rng.random((post_size, 1)) > 0.1)
    mask = rng.random((post_size, pre_size)) < density
    return np.where(mask, rng.normal(size=mask.shape), np.nan)


def run(weights, x, **kwargs):
    net, pre, post, proj = network(weights, **kwargs)
    net.compile()
    pre.r = x
    net.simulate(1)
    return post.sum("exc").copy(), proj


@pytest.mark.parametrize("precision", ["double", "float"])
def test_sums_equal_csr_bit_for_bit_and_numpy(precision):
    w = ragged(203, 300)
    x = np.random.default_rng(1).uniform(-1.0, 1.0, 300)
    got, proj = run(w, x, precision=precision)
    assert proj.storage == "sell"
    csr, proj_csr = run(w, x, precision=precision, fmt="csr")
    assert proj_csr.storage == "csr"
    np.testing.assert_array_equal(got, csr)
    dtype = np.float32 if precision == "float" else np.float64
    wm, xr = np.nan_to_num(w).astype(dtype).astype(np.float64), x.astype(dtype)
    reference = wm @ xr.astype(np.float64)
    scale = np.abs(wm) @ np.abs(xr)
    # double: 1e-12 of |W| @ |x| (the order differs from NumPy's); float: the double sum
    # rounded once to float32 (half an ulp, 2**-24 relative) plus that
    tol = 1e-12 * scale + (np.abs(reference) * 2.0 ** -24 if precision == "float" else 0.0)
    assert np.all(np.abs(got - reference) <= tol)


def test_layout_is_a_permutation_of_csr():
    """Every synapse has one slot; slot order is slice by slice, lane by lane."""
    w = ragged(37, 50, seed=4)
    rows, cols = np.nonzero(~np.isnan(w))
    row_ptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=37))])
    t = layout_arrays(row_ptr, cols, 50)
    assert np.unique(t["pos"]).size == cols.size and t["wide"] == 0
    assert np.array_equal(t["cols16"][t["pos"]], cols)
    lens = t["lens"].reshape(-1, 8)
    assert np.all(np.diff(lens, axis=1) <= 0)                 # lanes by decreasing length
    assert np.array_equal(np.sort(t["rows"][t["rows"] >= 0]), np.arange(37))


def test_wide_presynaptic_ranks():
    """More than 65 536 presynaptic neurons: 32-bit ranks, same sums as CSR."""
    pre_size = NARROW + 100
    rng = np.random.default_rng(5)
    net = ng.Network(seed=2)
    pre = net.create(geometry=pre_size, neuron=SOURCE)
    post = net.create(geometry=16, neuron=SUM)
    proj = net.connect(pre, post, "exc")
    proj.fixed_number_pre(40, weights=ng.Uniform(-1.0, 1.0))
    net.compile()
    assert proj.storage == "sell" and proj.kernel_data.ints["wide"] == 1
    x = rng.uniform(-1.0, 1.0, pre_size)
    pre.r = x
    net.simulate(1)
    wm = proj.connectivity_matrix(0.0)
    assert np.allclose(post.sum("exc"), wm @ x, rtol=0, atol=1e-12 * (np.abs(wm) @ np.abs(x)).max())


def test_one_and_two_threads_bit_identical():
    w = ragged(800, 900, seed=7)                              # above the parallel threshold
    x = np.random.default_rng(2).uniform(-1.0, 1.0, 900)
    one, proj = run(w, x, threads=1)
    two, _ = run(w, x, threads=2)
    assert proj.storage == "sell" and np.count_nonzero(~np.isnan(w)) * 16 > 262144 / 8
    np.testing.assert_array_equal(one, two)


def test_weights_from_python_and_back(tmp_path):
    """proj.w and dendrites read and write CSR order; monitors record it; save/load."""
    w = ragged(64, 200, seed=8)
    d = int(np.argmax((~np.isnan(w)).sum(axis=1)))          # the longest row
    net, pre, post, proj = network(w)
    mon = net.monitor(proj, "w")
    dmon = net.monitor(proj.dendrite(d), "w")
    net.compile()
    assert proj.storage == "sell"
    np.testing.assert_array_equal(proj.connectivity_matrix(0.0), np.nan_to_num(w))
    x = np.random.default_rng(3).uniform(-1.0, 1.0, 200)
    pre.r = x
    new = np.where(np.isnan(w), 0.0, np.random.default_rng(9).normal(size=w.shape))
    proj.w = new
    size = proj.dendrite(d).size
    proj.dendrite(d).w = np.arange(size, dtype=float)
    new[d, ~np.isnan(w[d])] = np.arange(size)
    net.simulate(1)
    np.testing.assert_array_equal(proj.connectivity_matrix(0.0), new)
    csr, _ = run(np.where(np.isnan(w), np.nan, new), x, fmt="csr")
    np.testing.assert_array_equal(post.sum("exc"), csr)
    flat = new[~np.isnan(w)]
    np.testing.assert_array_equal(np.concatenate(mon.get("w")[-1]), flat)
    np.testing.assert_array_equal(dmon.get("w")[-1], np.arange(size))
    net.save(tmp_path / "net.npz")
    proj.w = 0.5
    assert np.all(np.concatenate(proj.w) == 0.5)
    net.load(tmp_path / "net.npz")
    np.testing.assert_array_equal(proj.connectivity_matrix(0.0), new)


def test_uniform_delay_equals_csr():
    w = ragged(64, 200, seed=10)
    outs = []
    for fmt in ("auto", "csr"):
        net, pre, post, proj = network(w, fmt=fmt, delays=3.0)
        mon = net.monitor(post, "sum(exc)")
        net.compile()
        rng = np.random.default_rng(4)
        for _ in range(6):
            pre.r = rng.uniform(-1.0, 1.0, 200)
            net.simulate(1)
        outs.append((proj.storage, mon.get("sum(exc)")))
    assert outs[0][0] == "sell" and outs[1][0] == "csr"
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    assert np.any(outs[0][1] != 0)


def test_batched_copies_equal_single_runs():
    w = ragged(64, 200, seed=11)
    xs = np.random.default_rng(6).uniform(-1.0, 1.0, (2, 200))
    net, pre, post, proj = network(w, batch=2)
    net.compile()
    assert proj.storage == "sell"
    pre.r = xs
    net.simulate(1)
    for b in range(2):
        single, _ = run(w, xs[b], fmt="csr")
        np.testing.assert_array_equal(post.sum("exc")[b], single)


@pytest.mark.parametrize("case", ["learning", "synapse_delays"])
def test_features_it_lacks_stay_on_csr(case):
    w = ragged(12, 15, seed=12)
    if case == "learning":
        kw = {"synapse": ng.Synapse(parameters="eta = 0.1", equations="dw/dt = eta * pre.r")}
    else:
        kw = {"delays": 1.0 + np.arange(np.count_nonzero(~np.isnan(w))) % 3}
    for fmt in ("auto", "sell"):                   # 'sell' is ANNarchy's name: auto
        net, pre, post, proj = network(w, fmt=fmt, **kw)
        assert storage.select(proj, net.backend) == "csr"
        assert "synapse by synapse" in storage.kernel("sell").refuse(proj)


HARNESS = r"""
#include <cstdio>
#include <cmath>
#include <vector>
#include <random>
#include <algorithm>
%(support)s
// every path and rank width against the CSR loop (csr_sum's order), bit for bit, on random
// ragged rows with an infinite rate at rank 0 (the padding's rank: it must stay unread)
int main() {
    int bad = 0, paths = 1;
#ifdef NG_SELL_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) paths = 2;
    if (paths == 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) paths = 3;
#endif
    for (int trial = 0; trial < 12; ++trial) {
        std::mt19937_64 g(trial); std::uniform_real_distribution<double> u(0, 1);
        int N = 50 + trial * 37, P = 70 + trial * 53;
        std::vector<int64_t> rp(N + 1, 0); std::vector<int32_t> ci; std::vector<real> wv;
        for (int i = 0; i < N; ++i) {
            double d = u(g) * 0.3;
            for (int j = 0; j < P; ++j) if (u(g) < d) { ci.push_back(j); wv.push_back((real)(u(g) - 0.5)); }
            rp[i + 1] = ci.size();
        }
        int ns = (N + 7) / 8; std::vector<int32_t> perm(ns * 8, -1), lens(ns * 8, 0);
        std::vector<int> idx(N); for (int i = 0; i < N; ++i) idx[i] = i;
        std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return rp[a + 1] - rp[a] > rp[b + 1] - rp[b]; });
        for (int k = 0; k < N; ++k) { perm[k] = idx[k]; lens[k] = rp[idx[k] + 1] - rp[idx[k]]; }
        std::vector<int64_t> sp(ns + 1, 0);
        for (int s = 0; s < ns; ++s) sp[s + 1] = sp[s] + 8 * (int64_t)lens[8 * s];
        std::vector<real> sw(sp[ns] + 1, 0); std::vector<uint16_t> c16(sp[ns] + 1, 0); std::vector<int32_t> c32(sp[ns] + 1, 0);
        for (int q = 0; q < N; ++q) {
            int i = perm[q], s = q / 8, l = q %% 8;
            for (int64_t k = rp[i]; k < rp[i + 1]; ++k) {
                int64_t pos = sp[s] + (k - rp[i]) * 8 + l; sw[pos] = wv[k]; c16[pos] = ci[k]; c32[pos] = ci[k];
            }
        }
        std::vector<real> x(P); for (auto& v : x) v = (real)(u(g) * 2 - 1);
        x[0] = INFINITY;
        std::vector<real> ref(N, 0);
        for (int i = 0; i < N; ++i) {
            double acc = 0.0;
            for (int64_t k = rp[i]; k < rp[i + 1]; ++k) acc += (double)wv[k] * (double)x[ci[k]];
            ref[i] += (real)acc;
        }
        for (int path = 0; path < paths; ++path) for (int wide = 0; wide < 2; ++wide) {
            std::vector<real> out(N, 0);
            for (int s = 0; s < ns; ++s) {
                if (wide) {
                    ng_sell_fn<int32_t> f = ng_sell_slice_generic<int32_t>;
#ifdef NG_SELL_X86
                    if (path == 1) f = ng_sell_slice_avx2<int32_t>;
                    if (path == 2) f = ng_sell_slice_avx512<int32_t>;
#endif
                    f(s, sp.data(), lens.data(), perm.data(), c32.data(), sw.data(), x.data(), out.data());
                } else {
                    ng_sell_fn<uint16_t> f = ng_sell_slice_generic<uint16_t>;
#ifdef NG_SELL_X86
                    if (path == 1) f = ng_sell_slice_avx2<uint16_t>;
                    if (path == 2) f = ng_sell_slice_avx512<uint16_t>;
#endif
                    f(s, sp.data(), lens.data(), perm.data(), c16.data(), sw.data(), x.data(), out.data());
                }
            }
            for (int i = 0; i < N; ++i)
                if (std::memcmp(&out[i], &ref[i], sizeof(real)) != 0) ++bad;
        }
    }
    std::printf("%%d %%d\n", paths, bad);
    return 0;
}
"""


@pytest.mark.parametrize("real", ["double", "float"])
def test_every_instruction_set_path_gives_csr_bits(real, tmp_path):
    """The portable, AVX2 and AVX-512 slice functions (those this CPU runs), 16- and
    32-bit ranks: the CSR loop's sums bit for bit, the padding never read."""
    import subprocess
    from neurogen.codegen.render import environment
    from neurogen.toolchain.compiler import toolchain
    block = environment().get_template("storage/openmp/sell.j2").make_module()
    support = ("#include <cstdint>\n#include <cstring>\n" + str(block.includes())
               + f"\ntypedef {real} real;\nnamespace {{\n{block.support()}\n}}\n")
    (tmp_path / "h.cpp").write_text(HARNESS % {"support": support})
    tc = toolchain()
    subprocess.run([tc.compiler, *tc.kernel_flags, str(tmp_path / "h.cpp"), "-o",
                    str(tmp_path / "h")], check=True, capture_output=True)
    paths, bad = map(int, subprocess.run([str(tmp_path / "h")], check=True,
                                         capture_output=True, text=True).stdout.split())
    assert paths >= 1 and bad == 0
