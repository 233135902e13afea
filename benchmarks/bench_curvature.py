"""Curvature engine: set-up cost, HVP cost against model size, and PyHessian, hessian-eigenthings and
curvlinops on the repository's digits-MLP fixture.

Every timing goes through :mod:`harness` (warm-up excluded, contenders interleaved A B / B A, paired
ratios as median [min–max] over ``--rounds`` rounds, CPU time beside wall time, a cap on slow
contenders, the load average at start and end). Sections:

  (1) set-up: building ``hessian()`` / ``ggn()`` / ``fisher()``, and building plus the first product,
      over one gradient (same model, same data); the cold first build of the process is printed
      apart, since it includes one-off imports. The peers' set-up is printed beside ours.
  (2) HVP / gradient against size: a 784-w-w-10 tanh MLP (1,024 samples) and ``validation.models
      .convnet`` (256 images of 1×28×28), from ~10 k to ≥ 1 M parameters; one HVP, and the per-probe
      cost in a block of 10, each over one gradient. Beside each ratio: the GEMM-count bound, the
      ratio of the matrix-multiply work of an exact HVP (point's forward and backward cached:
      tangent forward 2 units per layer, tangent backward 4; 1 and 1 for the first layer, whose
      input carries no tangent) to that of a gradient (forward 1, backward 2; 1 and 1 for the first
      layer). No exact HVP goes below that bound by more than the elementwise work both sides do.
  (3) on the fixture (digits MLP 64-128-128-10, 26 k parameters, 1,797 samples): HVP; SLQ (100
      Lanczos steps × 10 probes) with the Wasserstein-1 distance / spectral range of the raw
      quadrature nodes (every side that exposes them) and of the smoothed density (where offered)
      against the exact spectrum; top-10 eigenvalues with the largest relative error against float64
      ARPACK, every side at its own setting that reaches 1e-6 (curvlinops' ARPACK at tol=1e-7, not
      tol=0; PyHessian's power iteration at tol=1e-8); trace with 400 products, relative error.

Usage::

    python benchmarks/bench_curvature.py [--rounds 7] [--threads 1] [--device cpu|cuda]
        [--skip-peers] [--skip-sweep] [--cap 60]

The fixture is ``tests/data/digits_mlps`` (its README gives its provenance). Peers are bench-only:
``pip install -e ".[bench]"`` gives PyHessian and hessian-eigenthings; curvlinops goes in without
dependency resolution, since its ``backpack-for-pytorch`` requirement pulls torchvision and with it a
different torch::

    pip install --no-deps curvlinops-for-pytorch backpack-for-pytorch unfoldNd einconv einops \\
        linear_operator opt-einsum

A peer that is not installed is reported and skipped. PyHessian calls the removed ``torch.eig``: it is
patched at run time with ``torch.linalg.eigh`` (its matrix is the symmetric Lanczos tridiagonal).

The numbers of its last run on the project's 2-core CPU machine are in the README (§ Benchmarks).
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np
import torch
from scipy.stats import wasserstein_distance

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from harness import interleaved, load_line, machine_header, paired_ratios, summary  # noqa: E402

from validation.curvature import fisher, ggn, hessian, lanczos, slq, trace  # noqa: E402
from validation.models import convnet, num_parameters  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "digits_mlps"


# -- models and data --------------------------------------------------------------------------------

def load_fixture(device):
    from sklearn.datasets import load_digits
    from sklearn.preprocessing import StandardScaler

    d = load_digits()
    X = torch.from_numpy(StandardScaler().fit_transform(d.data).astype(np.float32)).to(device)
    y = torch.from_numpy(d.target).long().to(device)
    widths = [64, 128, 128, 10]
    layers = []
    for i in range(3):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    model.load_state_dict(torch.load(FIXTURE / "mlp_big.pt"))
    spec = np.sort(np.load(FIXTURE / "exact_big_spectrum.npz")["eigs"])
    top = np.load(FIXTURE / "exact_big_top.npz")
    return model.to(device), X, y, spec, top


def sweep_models(device, max_params):
    """(label, model, X, y) from ~10 k to ≥ 1 M parameters; random data (timings do not depend on it)."""
    gen = torch.Generator().manual_seed(0)
    X_mlp = torch.randn(1024, 784, generator=gen)
    y_mlp = torch.randint(0, 10, (1024,), generator=gen)
    X_img = torch.randn(256, 1, 28, 28, generator=gen)
    y_img = torch.randint(0, 10, (256,), generator=gen)
    out = []
    for width in (12, 64, 256, 1024):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(784, width), torch.nn.Tanh(), torch.nn.Linear(width, width),
                                  torch.nn.Tanh(), torch.nn.Linear(width, 10))
        out.append((f"MLP 784-{width}-{width}-10", net, X_mlp, y_mlp))
    for channels, hidden in (((4, 8), 32), ((8, 16), 64), ((16, 32), 160), ((32, 64), 320)):
        net = convnet(1, 10, channels, hidden, dtype=torch.float32)
        out.append((f"CNN conv{channels[0]}-conv{channels[1]}-fc{hidden}", net, X_img, y_img))
    return [(lab, m.to(device), X.to(device), y.to(device)) for lab, m, X, y in out
            if num_parameters(m) <= max_params]


def gemm_bound(model, X) -> float:
    """HVP / gradient in matrix-multiply work (module docstring), from the multiply-adds of every
    Linear and Conv2d layer measured on one forward pass."""
    macs = []

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Linear):
            macs.append(out.numel() * mod.in_features)
        else:
            macs.append(out.numel() * (mod.in_channels // mod.groups) * int(np.prod(mod.kernel_size)))

    layers = [m for m in model.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]
    hooks = [m.register_forward_hook(hook) for m in layers]
    with torch.no_grad():
        model(X)
    for h in hooks:
        h.remove()
    grad_units = 2 * macs[0] + 3 * sum(macs[1:])
    hvp_units = 2 * macs[0] + 6 * sum(macs[1:])
    return hvp_units / grad_units


# -- peers ------------------------------------------------------------------------------------------

def peer_pyhessian(model, X, y):
    def _eig(T, eigenvectors=True):  # torch.eig was removed (a stub that raises): PyHessian's SLQ
        w, V = torch.linalg.eigh(T)   # calls it on the symmetric Lanczos tridiagonal
        return torch.stack([w, torch.zeros_like(w)], 1), V

    torch.eig = _eig
    from pyhessian import hessian as PyHessian
    from pyhessian.utils import hessian_vector_product

    def build():
        return PyHessian(model, torch.nn.CrossEntropyLoss(), data=(X, y), cuda=False)

    h = build()
    v = [torch.randn_like(p) for p in h.params]
    return {
        "setup": build,
        "setup+product": lambda: hessian_vector_product((hh := build()).gradsH, hh.params, v),
        "hvp": lambda: hessian_vector_product(h.gradsH, h.params, v),
        "slq": lambda: h.density(iter=100, n_v=10),
        "top10": lambda: h.eigenvalues(top_n=10, maxIter=1000, tol=1e-8)[0],
        "trace": lambda n: float(np.mean(h.trace(maxIter=n, tol=0.0))),
    }


def peer_eigenthings(model, X, y):
    import hessian_eigenthings as he

    def build():
        return he.HessianOperator(model, [(X, y)], he.supervised_loss(torch.nn.CrossEntropyLoss()))

    op = build()
    v = torch.randn(sum(p.numel() for p in model.parameters()))
    return {
        "setup": build,
        "setup+product": lambda: build().matvec(v),
        "hvp": lambda: op.matvec(v),
        "slq": lambda: he.spectral_density(op, num_runs=10, lanczos_steps=100, seed=0),
        "top10": lambda: he.lanczos(op, k=10, which="LA", tol=1e-6, max_iter=200, reorthogonalize=True, seed=0),
        "trace": lambda n: float(he.hutch_plus_plus(op, num_matvecs=n, seed=0).estimate),
    }


def peer_curvlinops(model, X, y):
    import curvlinops
    from scipy.sparse.linalg import eigsh

    params = [p for p in model.parameters() if p.requires_grad]

    def build():
        # check_deterministic=False: its default runs extra passes to test determinism (our
        # operators leave that to check_determinism, untimed)
        return curvlinops.HessianLinearOperator(model, torch.nn.CrossEntropyLoss(), params, [(X, y)],
                                                check_deterministic=False)

    op = build()
    v = torch.randn(op.shape[1])
    return {
        "setup": build,
        "setup+product": lambda: build() @ v,
        "hvp": lambda: op @ v,
        "slq": lambda: curvlinops.lanczos_approximate_spectrum(op, ncv=100, num_repeats=10),
        # tol=1e-7 reaches the 1e-6 target (measured); tol=0 (machine precision) would over-solve
        "top10": lambda: np.sort(eigsh(contiguous(op.to_scipy()), k=10, which="LA", tol=1e-7)[0])[::-1].copy(),
        "trace": lambda n: float(curvlinops.xtrace(op, num_matvecs=n)),
    }


def contiguous(S):
    """ARPACK hands out strided views that curvlinops' scipy bridge refuses; copy them."""
    from scipy.sparse.linalg import LinearOperator

    return LinearOperator(S.shape, matvec=lambda x: S.matvec(np.ascontiguousarray(x)), dtype=S.dtype)


PEERS = {"PyHessian": peer_pyhessian, "hessian-eigenthings": peer_eigenthings, "curvlinops": peer_curvlinops}


# -- report helpers ---------------------------------------------------------------------------------

def w1_range(points, weights, exact):
    span = exact[-1] - exact[0]
    return wasserstein_distance(np.asarray(points, float), exact, np.asarray(weights, float)) / span


def ratio_line(label, times, num, den, *, unit="gradients", extra=""):
    if num not in times or den not in times:
        return f"  {label:<38} not timed"
    wall = summary(paired_ratios(times[num], times[den]), spec=".2f")
    cpu = summary(paired_ratios(times[num], times[den], cpu=True), spec=".2f")
    return f"  {label:<38} {wall:<20} {unit} (CPU time {cpu}){extra}"


def print_skipped(skipped):
    for name, why in skipped.items():
        print(f"  {name}: not timed — {why}")


# -- sections ---------------------------------------------------------------------------------------

def section_setup(model, X, y, peers, args, sync):
    loss = torch.nn.CrossEntropyLoss()
    params = list(model.parameters())
    v1 = torch.randn(sum(p.numel() for p in params), 1, device=X.device)

    def gradient():
        return torch.autograd.grad(loss(model(X), y), params)

    t0 = time.perf_counter()
    hessian(model, loss, (X, y)).matmat(v1)
    sync()
    cold = time.perf_counter() - t0
    contenders = {"gradient": gradient}
    for name, build in (("hessian", hessian), ("ggn", ggn), ("fisher", fisher)):
        contenders[f"{name}()"] = lambda b=build: b(model, loss, (X, y))
        contenders[f"{name}() + product"] = lambda b=build: b(model, loss, (X, y)).matmat(v1)
    for name, api in peers.items():
        contenders[f"{name} set-up"] = api["setup"]
        contenders[f"{name} set-up + product"] = api["setup+product"]
    times, skipped = interleaved(contenders, args.rounds, cap_seconds=args.cap, sync=sync)
    print(f"\n(1) set-up over one gradient (gradient {summary(times['gradient'].wall, 1e3, '.3g')} ms); "
          "each build on a fresh operator, first product included where named")
    for name in contenders:
        if name != "gradient":
            print(ratio_line(name, times, name, "gradient"))
    print(f"  cold: the process's first hessian() + product took {cold:.3f} s (one-off set-up included; "
          "run after loading the fixture and building the peers, which warm torch too)")
    print_skipped(skipped)


def product_contenders(model, loss, X, y, params, H):
    v1 = torch.randn(H.shape[0], 1, device=X.device)
    V10 = torch.randn(H.shape[0], 10, device=X.device)
    return {"gradient": lambda: torch.autograd.grad(loss(model(X), y), params),
            "HVP": lambda: H.matmat(v1), "block of 10": lambda: H.matmat(V10)}


def section_sweep(args, device, sync):
    print("\n(2) HVP over one gradient against size; per probe in a block of 10; GEMM-count bound "
          "(module docstring)")
    print(f"  {'model':<28} {'params':>9}  {'gradient [ms]':<22} {'HVP / gradient':<20} "
          f"{'block of 10, per probe':<22} {'bound':>5}  strategy")
    loss = torch.nn.CrossEntropyLoss()
    for label, model, X, y in sweep_models(device, args.max_params):
        params = list(model.parameters())
        n = num_parameters(model)
        H = hessian(model, loss, (X, y))
        contenders = product_contenders(model, loss, X, y, params, H)
        times, skipped = interleaved(contenders, args.rounds, cap_seconds=args.cap, sync=sync)
        if "gradient" not in times:
            print(f"  {label:<28} {n:>9}  gradient not timed: {skipped['gradient']}")
            continue
        g = summary(times["gradient"].wall, 1e3, ".3g")
        one = summary(paired_ratios(times["HVP"], times["gradient"]), spec=".2f") if "HVP" in times else "-"
        blk = (summary([r / 10 for r in paired_ratios(times["block of 10"], times["gradient"])], spec=".2f")
               if "block of 10" in times else "-")
        print(f"  {label:<28} {n:>9}  {g:<22} {one:<20} {blk:<22} {gemm_bound(model, X):5.2f}  "
              f"{H.strategy_for(1)}/{H.strategy_for(10)}")
        print_skipped(skipped)


def section_fixture(model, X, y, spec, top, peers, args):
    loss = torch.nn.CrossEntropyLoss()
    params = list(model.parameters())
    exact_top = np.sort(top["eigs"] if "eigs" in top else top[top.files[0]])[::-1][:10]
    exact_trace = float(top["trace"])
    H = hessian(model, loss, (X, y))
    v1 = torch.randn(H.shape[0], 1)
    contenders = {"gradient": lambda: torch.autograd.grad(loss(model(X), y), params),
                  "ours": lambda: H.matmat(v1)}
    contenders.update({name: api["hvp"] for name, api in peers.items()})
    times, skipped = interleaved(contenders, args.rounds, cap_seconds=args.cap)
    print(f"\n(3a) fixture HVP over one gradient (gradient {summary(times['gradient'].wall, 1e3, '.3g')} ms)")
    for name in contenders:
        if name != "gradient":
            print(ratio_line(name, times, name, "gradient"))
    print_skipped(skipped)

    # SLQ
    span = spec[-1] - spec[0]
    grid = np.linspace(spec[0] - 0.05 * span, spec[-1] + 0.05 * span, 20001)
    contenders = {"ours": lambda: slq(H, steps=100, probes=10, seed=0)}
    contenders.update({name: api["slq"] for name, api in peers.items()})
    times, skipped = interleaved(contenders, args.rounds, min_seconds=0.0, cap_seconds=args.cap)
    print("\n(3b) SLQ, 100 steps × 10 probes: seconds; W1 / spectral range against the exact spectrum")
    for name, t in times.items():
        o = t.result
        if name == "ours":
            acc = (f"raw nodes {w1_range(o.flat_nodes, o.flat_weights, spec):.2e}, "
                   f"smoothed {w1_range(grid, o.density(grid), spec):.2e}")
        elif name == "PyHessian":
            e, w = np.concatenate(o[0]), np.concatenate(o[1]) / len(o[0])
            acc = f"raw nodes {w1_range(e, w, spec):.2e} (no smoothed density offered)"
        elif name == "hessian-eigenthings":
            e = o.raw_eigenvalues.numpy().ravel()
            w = o.raw_weights.numpy().ravel() / o.raw_eigenvalues.shape[0]
            ok = np.isfinite(e)
            acc = (f"raw nodes {w1_range(e[ok], w[ok], spec):.2e}, smoothed "
                   f"{w1_range(o.grid.numpy(), o.density.numpy(), spec):.2e}")
        else:
            g, d = o
            acc = f"smoothed {w1_range(g.numpy(), d.numpy(), spec):.2e} (raw nodes not exposed)"
        print(f"  {name:<20} {summary(t.wall, spec='.3g'):<22} s   {acc}")
    for name in times:
        if name != "ours":
            print(ratio_line(f"{name} / ours", times, name, "ours", unit="(time ratio)"))
    print_skipped(skipped)

    # top-10
    contenders = {"ours": lambda: lanczos(H, k=10, which="largest", tol=1e-6)}
    contenders.update({name: api["top10"] for name, api in peers.items()})
    times, skipped = interleaved(contenders, args.rounds, min_seconds=0.0, cap_seconds=args.cap)
    print("\n(3c) top-10 eigenvalues: seconds; largest relative error against float64 ARPACK")
    reached = {}
    for name, t in times.items():
        o = t.result
        vals = o.eigenvalues if hasattr(o, "eigenvalues") else o
        vals = vals.detach().cpu().numpy() if isinstance(vals, torch.Tensor) else np.asarray(vals, float)
        vals = np.sort(vals.astype(float))[::-1][:10]
        err = float(np.max(np.abs(vals - exact_top) / np.abs(exact_top)))
        reached[name] = err <= 1e-6
        print(f"  {name:<20} {summary(t.wall, spec='.3g'):<22} s   error {err:.1e}")
    for name in times:
        if name != "ours":
            note = "" if reached[name] else "   (did not reach 1e-6: not a like-for-like ratio)"
            print(ratio_line(f"{name} / ours", times, name, "ours", unit="(time ratio)", extra=note))
    print_skipped(skipped)

    # trace
    n = 400
    contenders = {"ours": lambda: trace(H, method="xtrace", products=n, seed=0).value}
    contenders.update({name: (lambda api=api: api["trace"](n)) for name, api in peers.items()})
    times, skipped = interleaved(contenders, args.rounds, min_seconds=0.0, cap_seconds=args.cap)
    print(f"\n(3d) trace with {n} products: seconds; relative error against the exact trace {exact_trace:.6f}")
    for name, t in times.items():
        print(f"  {name:<20} {summary(t.wall, spec='.3g'):<22} s   error "
              f"{abs(float(t.result) - exact_trace) / exact_trace:.2%}")
    for name in times:
        if name != "ours":
            print(ratio_line(f"{name} / ours", times, name, "ours", unit="(time ratio)"))
    print_skipped(skipped)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--cap", type=float, default=60.0, help="seconds; a contender whose warm-up call "
                    "takes longer is reported as capped, not timed")
    ap.add_argument("--max-params", type=float, default=2e6, help="largest model of the size sweep")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--skip-sweep", action="store_true")
    args = ap.parse_args(argv)
    if args.rounds < 5:
        print(f"error: --rounds = {args.rounds}; at least 5 are needed", file=sys.stderr)
        return 2
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(f"error: --device = {args.device!r}, but torch sees no CUDA device", file=sys.stderr)
        return 2
    device = torch.device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(machine_header("bench_curvature", threads=args.threads, rounds=args.rounds)
          + (f"\n# device {torch.cuda.get_device_name(device)}" if device.type == "cuda" else ""))
    model, X, y, spec, top = load_fixture(device)
    print(f"# fixture: digits MLP 64-128-128-10, {num_parameters(model)} parameters, {len(X)} samples, fp32")
    peers = {}
    if not args.skip_peers and device.type == "cpu":
        for name, make in PEERS.items():
            try:
                peers[name] = make(model, X, y)
            except ImportError as err:
                print(f"  {name}: not installed ({err}); skipped")
            except Exception as err:  # noqa: BLE001 - a peer's failure must not stop the run
                print(f"  {name}: failed to set up ({type(err).__name__}: {err}); skipped")
    elif not args.skip_peers:
        print("  peers: run on the CPU only (their CUDA paths are not part of this benchmark)")
    section_setup(model, X, y, peers, args, sync)
    if not args.skip_sweep:
        section_sweep(args, device, sync)
    if device.type == "cpu":
        section_fixture(model, X, y, spec, top, peers, args)
    print(load_line("end"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
