"""The research plan's scale: the Hessian of a ≥ 1 M-parameter CNN and of a small ResNet, trained on
Fashion-MNIST — λ_max, top-k, trace and SLQ density, each with its time and peak memory.

Models (``validation.models``): ``convnet(1, 10)`` (1,025,866 parameters: two conv3×3 + max-pool
stages with 32 and 64 channels, a 320-unit dense layer; 28×28 images) and ``resnet(0, 32, 2, 10,
image_channels=1, batchnorm=False)`` (a conv stem, two residual blocks of two 3×3 convolutions, global
average pooling; 14×14 images). Batch normalization is left out so that the Hessian measured is that
of the function trained (in evaluation mode a BN network is a different function from the one SGD
saw).

For each model: train with SGD (momentum 0.9, mini-batches of 128) on a class-stratified
Fashion-MNIST subset, then on the same samples measure, through ``validation.curvature`` on the
Hessian of the mean cross-entropy:

* λ_max — ``lanczos(H, k=1, tol)``: value, Ritz residual, products;
* top-k — ``lanczos(H, k, tol)``;
* trace — ``trace(H, method="xtrace", products)``: value ± its standard error;
* SLQ density — ``slq(H, steps, probes)``: the spectral range it finds and its mass below −1 % of
  λ_max (the negative part of the spectrum that is not the near-zero bulk).

Time is wall time on the device (synchronized); memory is the peak above the level before the call
(resident memory sampled every 5 ms on the CPU, ``torch.cuda.max_memory_allocated`` on a GPU).
The same code runs on either: ``--device cuda`` on a machine with a GPU. The defaults are sized for a
2-core CPU (minutes); ``--samples`` and the step counts scale it up.

Usage::

    sudo apt-get install dataset-fashion-mnist        # the data (nothing is downloaded)
    python benchmarks/bench_scale.py [--device cpu|cuda] [--threads 2] [--samples 512]
        [--train-steps 150] [--topk 5] [--trace-products 60] [--slq-steps 40] [--slq-probes 3]
        [--models convnet resnet]

The numbers of its last run on the project's 2-core CPU machine are in the README (§ Benchmarks).
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np
import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from harness import PeakMemory, load_line, machine_header  # noqa: E402

from validation.curvature import hessian, lanczos, slq, trace  # noqa: E402
from validation.data.dataset import DatasetMissingError  # noqa: E402
from validation.data.fashion_mnist import fashion_mnist  # noqa: E402
from validation.models import convnet, num_parameters, resnet  # noqa: E402
from validation.train import TrainConfig, train  # noqa: E402

MODELS = {
    # name: (build, downsample)
    "convnet": (lambda: convnet(1, 10, dtype=torch.float32), 1),
    "resnet": (lambda: resnet(0, 32, 2, 10, image_channels=1, batchnorm=False, dtype=torch.float32), 2),
}


def images(samples: int, downsample: int, device):
    data = fashion_mnist(n=samples, downsample=downsample)
    side = 28 // downsample
    X = torch.from_numpy(data.X.astype(np.float32)).reshape(-1, 1, side, side).to(device)
    y = torch.from_numpy(data.y).long().to(device)
    return X, y


def measured(fn, device):
    """(result, seconds, peak bytes) of one call."""
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    sync()
    with PeakMemory(str(device)) as mem:
        t0 = time.perf_counter()
        out = fn()
        sync()
        seconds = time.perf_counter() - t0
    return out, seconds, mem.peak_bytes


def row(task, value, seconds, peak, products):
    return f"  {task:<26} {value:<44} {products:>8} {seconds:>9.1f} {peak / 2**20:>10.0f}"


def run_model(name, args, device):
    build, downsample = MODELS[name]
    model = build().to(device)
    X, y = images(args.samples, downsample, device)
    n = num_parameters(model)
    print(f"\n## {name}: {n:,} parameters, {len(X)} Fashion-MNIST images of {tuple(X.shape[1:])}")
    cfg = TrainConfig(optimizer="sgd", lr=args.lr, steps=args.train_steps, batch_size=128, eval_every=50)
    t0 = time.perf_counter()
    res = train(model, (X, y), cfg)
    with torch.no_grad():
        acc = float((model(X).argmax(1) == y).float().mean())
    print(f"  trained: {res.status}, {res.steps} SGD steps in {time.perf_counter() - t0:.1f} s, loss "
          f"{res.initial_loss:.3f} → {res.final_loss:.3f}, training accuracy {acc:.1%}")
    loss = torch.nn.CrossEntropyLoss()
    (H, g_seconds, g_peak) = measured(lambda: hessian(model, loss, (X, y)), device)
    params = list(model.parameters())
    _, grad_s, _ = measured(lambda: torch.autograd.grad(loss(model(X), y), params), device)
    print(f"  one gradient {grad_s:.2f} s; building the operator {g_seconds:.3f} s")
    print(f"  {'task':<26} {'result':<44} {'products':>8} {'time [s]':>9} {'peak [MiB]':>10}")
    top, s, m = measured(lambda: lanczos(H, k=1, tol=args.tol, raise_on_failure=False), device)
    print(row("λ_max (Lanczos)", f"{top.eigenvalues[0]:.6g} ± {top.residuals[0]:.1e} (residual)"
              + ("" if top.converged else " NOT CONVERGED"), s, m, top.products))
    topk, s, m = measured(lambda: lanczos(H, k=args.topk, tol=args.tol, raise_on_failure=False), device)
    print(row(f"top-{args.topk} (Lanczos)", ", ".join(f"{v:.4g}" for v in topk.eigenvalues)
              + ("" if topk.converged else " NOT CONVERGED"), s, m, topk.products))
    tr, s, m = measured(lambda: trace(H, method="xtrace", products=args.trace_products, seed=0), device)
    print(row("trace (XTrace)", f"{tr.value:.6g} ± {tr.std_error:.2g} (std. error)", s, m, tr.products))
    dens, s, m = measured(lambda: slq(H, steps=args.slq_steps, probes=args.slq_probes, seed=0), device)
    nodes, weights = dens.flat_nodes, dens.flat_weights
    print(row(f"SLQ {args.slq_steps}×{args.slq_probes}",
              f"nodes in [{nodes.min():.3g}, {nodes.max():.3g}], mass < −1% λ_max: "
              f"{weights[nodes < -0.01 * top.eigenvalues[0]].sum():.3f}",
              s, m, dens.products))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--samples", type=int, default=512)
    ap.add_argument("--train-steps", type=int, default=150)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--tol", type=float, default=1e-3, help="Lanczos relative residual tolerance")
    ap.add_argument("--topk", type=int, default=5)
    ap.add_argument("--trace-products", type=int, default=60)
    ap.add_argument("--slq-steps", type=int, default=40)
    ap.add_argument("--slq-probes", type=int, default=3)
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    args = ap.parse_args(argv)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(f"error: --device = {args.device!r}, but torch sees no CUDA device", file=sys.stderr)
        return 2
    if args.samples < 10:
        print(f"error: --samples = {args.samples}; at least 10 (one per class)", file=sys.stderr)
        return 2
    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(machine_header("bench_scale: Hessian spectra of a ≥ 1 M-parameter CNN and a ResNet on Fashion-MNIST",
                         threads=args.threads)
          + (f"\n# device {torch.cuda.get_device_name(device)}" if device.type == "cuda" else "\n# device CPU"))
    try:
        for name in args.models:
            run_model(name, args, device)
    except DatasetMissingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(load_line("end"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
