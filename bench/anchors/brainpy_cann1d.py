"""BrainPy's CANN1D (the seed workload 000, BrainPy 2.x API), timed with its own
``brainpy.math.for_loop`` on the CPU in float32 (or float64: a third argument ``double``
enables JAX's 64-bit mode): run by bench/cann_vs_brainpy.py in a venv with BrainPy.
Arguments: num steps [float|double]. Prints one JSON line."""
import json, sys, time
import brainpy as bp
import brainpy.math as bm
bm.set_platform("cpu")
num, steps = int(sys.argv[1]), int(sys.argv[2])
if len(sys.argv) > 3 and sys.argv[3] == "double":
    bm.enable_x64()
    bm.set_float(bm.float64)

class CANN1D(bp.dyn.NeuDyn):
    def __init__(self, num, tau=1., k=8.1, a=0.5, A=10., J0=4., z_min=-bm.pi, z_max=bm.pi):
        super().__init__(size=num)
        self.tau, self.k, self.a, self.A, self.J0 = tau, k, a, A, J0
        self.z_min, self.z_max, self.z_range = z_min, z_max, z_max - z_min
        self.x = bm.linspace(z_min, z_max, num)
        self.rho = num / self.z_range
        self.dx = self.z_range / num
        self.u = bm.Variable(bm.zeros(num))
        self.input = bm.Variable(bm.zeros(num))
        x_left = bm.reshape(self.x, (-1, 1))
        x_right = bm.repeat(self.x.reshape((1, -1)), len(self.x), axis=0)
        d = self.dist(x_left - x_right)
        self.conn_mat = self.J0 * bm.exp(-0.5 * bm.square(d / self.a)) / (bm.sqrt(2 * bm.pi) * self.a)
        self.integral = bp.odeint(self.derivative)

    def derivative(self, u, t, Iext):
        r1 = bm.square(u)
        r = r1 / (1.0 + self.k * bm.sum(r1))
        Irec = bm.dot(self.conn_mat, r)
        return (-u + Irec + Iext) / self.tau

    def dist(self, d):
        d = bm.remainder(d, self.z_range)
        return bm.where(d > 0.5 * self.z_range, d - self.z_range, d)

    def get_stimulus_by_pos(self, pos):
        return self.A * bm.exp(-0.25 * bm.square(self.dist(self.x - pos) / self.a))

    def update(self):
        self.u.value = self.integral(self.u.value, bp.share["t"], self.input.value, bp.share["dt"])
        self.input[:] = 0.

model = CANN1D(num)
stim = model.get_stimulus_by_pos(0.0)
def run(n):
    def body(i):
        model.input.value = stim
        model.step_run(i)
    bm.for_loop(body, bm.arange(n), progress_bar=False)
    return model.u.value.block_until_ready()
run(steps)                     # compile (for_loop traces per length)
t0 = time.perf_counter()
u = run(steps)
elapsed = time.perf_counter() - t0
print(json.dumps({"steps_per_s": steps / elapsed, "dtype": str(u.dtype), "bump_max": float(u.max())}))
