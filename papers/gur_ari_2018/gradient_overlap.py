"""The fraction of the gradient in the top-k Hessian eigenspace, k the number of classes, through
training.

Original: Gur-Ari, Roberts & Dyer (2018), Fig. 1 — the overlap f_top(t) = ‖P_top(t) g(t)‖² / ‖g(t)‖²
of the gradient g with the span of the top k Hessian eigenvectors (k = C = 10 for MNIST / CIFAR-10)
along SGD training: after a short initial phase the gradient "dynamically converges to a very small
subspace", spanned by the top k = C eigenvectors (abstract), f_top staying close to 1.

Ours: the validation experiment ``geometry`` with ``top_k = 10``: a tanh MLP (2 hidden layers) trained by
mini-batch SGD on digits, its full-batch gradient and the top 10 Hessian eigenpairs (Lanczos to 1e-3)
measured at equally spaced checkpoints; GA_k = f_top. As theory, the overlap of a gradient with a
*random* k-dimensional subspace, k/n (n parameters): what f_top would be without any alignment. Check:
the median f_top over the checkpoints after the first 10 % of training ≥ 1/2 (Gur-Ari et al.'s
"mostly in this subspace" as a lower bound; their curves sit well above it).

>>> from papers.registry import figures
>>> figures()["gur_ari_2018/gradient_overlap"].spec.experiments
('geometry',)
"""

from __future__ import annotations

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Gradient overlap with the top-k Hessian eigenspace (k = C = 10) through SGD training",
    cite="Gur-Ari, Roberts & Dyer 2018, Fig. 1",
    original="f_top(t), the fraction of the gradient in the top-k Hessian eigenspace (k = number of classes), rising "
             "to near 1 after a short initial phase of SGD training (MNIST, CIFAR-10).",
    ours="f_top = GA_10 of a 2-hidden-layer tanh MLP trained by mini-batch SGD on digits (full-batch gradient, top-10 "
         "Lanczos eigenvectors) at equally spaced checkpoints, against the random-subspace level k/n.",
    quick={"dataset": "digits", "n": 500, "n_test": 200, "width": 32, "depth": 2, "lr": 0.1, "steps": 400,
           "checkpoints": 20, "top_k": 10},
    full={"dataset": "fashion_mnist", "n": 5000, "n_test": 1000, "width": 256, "depth": 2, "lr": 0.1, "steps": 5000,
          "checkpoints": 50, "top_k": 10},
    tiny={"dataset": "digits", "n": 100, "n_test": 50, "width": 8, "depth": 2, "lr": 0.1, "steps": 40,
          "checkpoints": 4, "top_k": 10},
    experiments=("geometry",),
)

#: input dimensions of the data sets as the dynamics experiments load them (Fashion-MNIST at 7 × 7)
INPUTS = {"digits": 64, "fashion_mnist": 49}
CLASSES = 10
#: the initial phase left out of the check: this fraction of training
INITIAL = 0.1


def mlp_parameters(d_in: int, width: int, depth: int, d_out: int) -> int:
    """Weights and biases of the experiment's MLP (depth hidden layers of ``width``)."""
    return d_in * width + width + (depth - 1) * (width * width + width) + width * d_out + d_out


def compute(cfg, ctx) -> FigureData:
    keys = ("dataset", "n", "n_test", "width", "depth", "lr", "steps", "checkpoints", "top_k")
    run = ctx.run("geometry", **{k: cfg[k] for k in keys})
    m = run.measured
    k = int(m["top_k"])
    steps = np.asarray(m["checkpoints"], float)
    ga = np.array([np.nan if v is None else v for v in m["ga_k"]], float)
    n = mlp_parameters(INPUTS[cfg["dataset"]], cfg["width"], cfg["depth"], CLASSES)
    top = [t or [] for t in m["top_eigenvalues"]]

    data = FigureData()
    p = data.panel(f"overlap of the gradient with the top-{k} Hessian eigenspace", "step",
                   r"$f_{\rm top} = \|P_{\rm top}\, g\|^2 / \|g\|^2$", yscale="log")
    data.points(p, steps, ga, f"f_top, k = {k} (measured)")
    data.hline(p, k / n, f"random {k}-dim subspace: k/n = {k / n:.2g}")
    data.hline(p, 0.5, "Gur-Ari et al.: mostly in the subspace (≥ 1/2)")
    q = data.panel("top of the Hessian spectrum", "step", r"eigenvalue $\lambda_j$; training loss", yscale="log")
    data.line(q, steps, [t[0] if t else np.nan for t in top], "λ_1 (measured)", role="measured")
    data.line(q, steps, [t[k - 1] if len(t) >= k else np.nan for t in top], f"λ_{k} (measured)", role="measured")
    data.line(q, steps, m["metrics"]["train_loss"], "training loss (measured)", role="measured")

    after = steps >= INITIAL * cfg["steps"]
    data.number("k (number of classes)", float(k))
    data.number("parameters n", float(n))
    data.number("random-subspace overlap k/n", k / n)
    data.number("median f_top after the initial phase", float(np.nanmedian(ga[after])), role="measured")
    data.number("max f_top after the initial phase", float(np.nanmax(ga[after])), role="measured")
    data.number("f_top at initialization", float(ga[0]), role="measured")
    data.number("checkpoints after the initial phase", float(after.sum()), role="measured")
    data.number("final training loss", float(m["outcomes"]["final_train_loss"]), role="measured")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    return [
        within("median f_top after the initial phase", "Gur-Ari et al. 2018, abstract and Fig. 1: the gradient "
               "converges to the top-k (k = C) Hessian eigenspace", "close to 1 ('mostly in this subspace')",
               num["median f_top after the initial phase"], low=0.5,
               note=(f"checkpoints after the first {INITIAL:.0%} of training "
                     f"({int(num['checkpoints after the initial phase'])}); "
                     f"full-batch gradient; a random {int(num['k (number of classes)'])}-dim subspace gives "
                     f"{num['random-subspace overlap k/n']:.2g}")),
    ]
