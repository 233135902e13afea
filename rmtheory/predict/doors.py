"""Front doors: ``hessian``, ``ggn``, ``jacobian``, ``gram`` from an architecture and a data description.

Each takes the architecture (``width`` N, ``depth`` L = number of hidden layers, 0 for a linear /
generalized linear model; ``activation``; ``weights`` "gaussian" or "orthogonal"; ``sigma_w``,
``sigma_b``; ``outputs``) and the data (``d``, ``P``, ``covariance`` — a population law such as
:class:`~rmtheory.free.Atoms` or a list of eigenvalues —, ``classes``) plus what the chosen theory
needs (``loss``, ``weight_norm``, ``epsilon``, ``class_mean_gram``), and dispatches to the one theory
that applies:

=========  ===========================================  ==============================================
door       applies when                                  theory
=========  ===========================================  ==============================================
jacobian   depth ≥ 1                                     :func:`deep_jacobian` (PSG 2017/2018)
gram       depth = 1 (random features), d, P, width      :func:`random_features_gram` (P&W 2017)
hessian    depth = 0, loss mse                           :func:`least_squares_hessian`
hessian    depth = 0, loss logistic, weight_norm         :func:`logistic_hessian` (Liao & Mahoney 2021)
hessian    depth = 0, loss cross_entropy, classes, w = 0 :func:`softmax_hessian`
hessian    depth = 1, loss mse, no epsilon (at init)      :func:`two_layer_hessian_at_init`: G ⊞ semicircle(R)
hessian    depth ≥ 1, epsilon (loss at a critical point) :func:`pennington_bahri` with φ = n/(outputs·P)
hessian    classes and class_mean_gram                   :func:`class_outliers` (Papyan 2019/2020)
ggn        depth = 0                                     as hessian (the GGN of a GLM is its Hessian)
ggn        depth = 1, loss mse, at initialization        :func:`two_layer_ntk_gram` (the NTK Gram: readout
                                                         and first-layer blocks); block="readout" gives
                                                         the readout block, :func:`random_features_gram`
ggn        classes and class_mean_gram                   :func:`class_outliers`
=========  ===========================================  ==============================================

Anything else raises :class:`~rmtheory.params.NoTheoryError` naming what is missing; no
door guesses.

Example (the Jacobian of a critical ReLU network; a deep Hessian needs the loss level ε)::

    >>> import rmtheory as rmt
    >>> p = rmt.predict.jacobian(width=300, depth=2, activation="relu", sigma_w=2 ** 0.5)
    >>> round(p.lambda_max, 6), p.dimension
    (11.09017, 300)
    >>> rmt.predict.hessian(width=300, depth=2, d=100, P=1000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rmtheory.params.NoTheoryError: no theory for hessian of a depth-2 network ...: needs ... epsilon ... predict ggn ...
"""

from __future__ import annotations

from rmtheory.params import Integer, NoTheoryError, OneOf, ParameterError, Real, check
from rmtheory.predict.record import Prediction

__all__ = ["hessian", "ggn", "jacobian", "gram", "LOSSES"]

LOSSES = ("mse", "logistic", "cross_entropy")


def _arch(width, depth, d, P, outputs):
    depth = check("depth", depth, Integer(0, None)) if depth is not None else None
    width = check("width", width, Integer(1, None)) if width is not None else None
    d = check("d", d, Integer(1, None)) if d is not None else None
    P = check("P", P, Integer(1, None)) if P is not None else None
    outputs = check("outputs", outputs, Integer(1, None))
    return width, depth, d, P, outputs


def _need(what, value, needed, **given):
    missing = [k for k, v in given.items() if v is None]
    if missing:
        raise NoTheoryError(what, value, needed, "missing: " + ", ".join(missing))


def parameter_count(width: int, depth: int, d: int, outputs: int = 1) -> int:
    """Weights of an MLP d → N → … → N → outputs with ``depth`` hidden layers (biases not counted)."""
    if depth == 0:
        return d * outputs
    return d * width + (depth - 1) * width * width + width * outputs


def _linear_model(matrix, d, P, covariance, loss, classes, weight_norm):
    from rmtheory.predict import glm

    _need(f"{matrix} of a linear model", None, "d and P", d=d, P=P)
    if loss == "mse":
        return glm.least_squares_hessian(d, P, covariance)
    if loss == "logistic":
        if covariance is not None:
            raise NoTheoryError("covariance", covariance, "isotropic data (covariance=None) for the logistic Hessian")
        _need("logistic Hessian", None, "weight_norm (the norm of the weights it is taken at)",
              weight_norm=weight_norm)
        return glm.logistic_hessian(d, P, weight_norm)
    _need("softmax Hessian", None, "classes", classes=classes)
    if weight_norm not in (None, 0, 0.0):
        raise NoTheoryError("weight_norm", weight_norm, "0 for softmax regression (uniform predictions)",
                            "at other weights Diag(p) − ppᵀ varies with the sample")
    from rmtheory.free.atoms import Atoms

    return glm.softmax_hessian(d, P, classes, Atoms([1.0], [1.0]) if covariance is None else covariance)


def hessian(*, width=None, depth=None, d=None, P=None, activation="relu", weights="gaussian", sigma_w=1.0,
            sigma_b=0.0, outputs=1, covariance=None, classes=None, loss="mse", weight_norm=None, epsilon=None,
            class_mean_gram=None, target_variance=1.0) -> Prediction:
    """The Hessian's spectrum by the theory that applies (module table); NoTheoryError otherwise.

    ``target_variance`` is the variance of the regression targets, read by the depth-1 MSE Hessian at
    initialization (default 1: standardized targets)."""
    width, depth, d, P, outputs = _arch(width, depth, d, P, outputs)
    loss = check("loss", loss, OneOf(LOSSES))
    if class_mean_gram is not None:     # the class structure is the data's, whatever the depth
        return _classes("hessian", classes, loss, class_mean_gram, width, depth, d, P, outputs)
    _need("hessian", None, "the depth (0 for a linear model)", depth=depth)
    if depth == 0:
        return _linear_model("hessian", d, P, covariance, loss, classes, weight_norm)
    if epsilon is None and depth == 1 and loss == "mse":
        return _two_layer_at_init(width, d, P, activation, weights, sigma_w, sigma_b, outputs, target_variance)
    if epsilon is None:
        raise NoTheoryError(f"hessian of a depth-{depth} network with loss {loss}",
                            "epsilon=None, class_mean_gram=None",
                            "the loss level epsilon of a critical point (Pennington-Bahri), classes with "
                            "class_mean_gram (Papyan), or depth 1 with loss mse (at initialization); the "
                            "Gauss-Newton part alone answers at depth 1: rmtheory predict ggn / "
                            "rmtheory.predict.ggn")
    from rmtheory.predict.critical_point_hessian import pennington_bahri

    if loss != "mse":
        raise NoTheoryError("loss", loss, "mse for the Pennington-Bahri Hessian (H0 + H1 of the squared loss)")
    _need("Pennington-Bahri φ = n/(outputs·P)", None, "width, d and P", width=width, d=d, P=P)
    n = parameter_count(width, depth, d, outputs)
    return pennington_bahri(epsilon, n / (outputs * P), n=n)


def _two_layer_model(what, width, d, P, weights, sigma_b, outputs):
    """The two-layer NTK model's conditions (rmtheory.predict.ntk): Gaussian weights, no biases, one
    output, and the sizes."""
    if check("weights", weights, OneOf(("gaussian", "orthogonal"))) != "gaussian":
        raise NoTheoryError("weights", weights, f"gaussian weights (the {what}, rmtheory.predict.ntk)")
    if check("sigma_b", sigma_b, Real(0, None)):
        raise NoTheoryError("sigma_b", sigma_b, f"sigma_b = 0 (no biases in the {what})")
    if outputs != 1:
        raise NoTheoryError("outputs", outputs, f"outputs = 1 (the {what} has one scalar output)")
    _need(what, None, "width, d and P", width=width, d=d, P=P)


def _two_layer_at_init(width, d, P, activation, weights, sigma_w, sigma_b, outputs, target_variance):
    _two_layer_model("two-layer Hessian at initialization", width, d, P, weights, sigma_b, outputs)
    from rmtheory.predict.hessian_at_init import two_layer_hessian_at_init

    return two_layer_hessian_at_init(d, width, P, activation, sigma_w=sigma_w, target_variance=target_variance)


def _classes(matrix, classes, loss, gram, width, depth, d, P, outputs):
    from rmtheory.predict.class_structure import class_outliers

    _need("class outliers", None, "classes", classes=classes)
    if loss == "logistic":
        # a one-output logistic loss has no per-class logit Hessian (Papyan's decomposition is of
        # the C-logit softmax cross-entropy); mapping it silently would change the matrix described
        raise NoTheoryError("loss", loss, "mse or cross_entropy for class outliers (Papyan 2019/2020 decompose the "
                            "C-output loss; binary logistic regression is cross_entropy with classes=2)")
    n = parameter_count(width, depth, d, outputs) if None not in (width, depth, d) else None
    return class_outliers(classes, matrix="ggn" if matrix == "ggn" else "hessian",
                          loss="mse" if loss == "mse" else "cross_entropy", class_mean_gram=gram,
                          n=n, P=P)


def ggn(*, width=None, depth=None, d=None, P=None, activation="relu", weights="gaussian", sigma_w=1.0,
        sigma_b=0.0, outputs=1, covariance=None, classes=None, loss="mse", weight_norm=None,
        class_mean_gram=None, block="full") -> Prediction:
    """The Gauss-Newton matrix's spectrum by the theory that applies (module table).

    Depth 1 at initialization with MSE (f(x) = a·σ(Wx/√d)/√N, half-MSE loss averaged over P):
    ``block="full"`` gives the nonzero spectrum of P × GGN, the empirical NTK Gram K = J Jᵀ (P×P)
    with its readout and first-layer blocks (:func:`~rmtheory.predict.ntk.two_layer_ntk_gram`);
    ``block="readout"`` gives N × (the readout block) = (1/P) Φᵀ Φ, the random-features Gram matrix.
    """
    width, depth, d, P, outputs = _arch(width, depth, d, P, outputs)
    loss = check("loss", loss, OneOf(LOSSES))
    block = check("block", block, OneOf(("full", "readout")))
    if class_mean_gram is None:
        _need("ggn", None, "the depth (0 for a linear model)", depth=depth)
    if block == "readout" and (class_mean_gram is not None or depth != 1 or loss != "mse"):
        raise ParameterError("block", block, "'full' (block='readout' is the readout block of the depth-1 MSE GGN; "
                             "other GGNs have no blocks to choose)")
    if class_mean_gram is not None:
        return _classes("ggn", classes, loss, class_mean_gram, width, depth, d, P, outputs)
    if depth == 0:
        return _linear_model("ggn", d, P, covariance, loss, classes, weight_norm)
    if depth == 1 and loss == "mse":
        if block == "readout":
            p = gram(width=width, depth=1, d=d, P=P, activation=activation, weights=weights, sigma_w=sigma_w,
                     sigma_b=sigma_b)
            from dataclasses import replace

            return replace(p, matrix="N × (readout block of the Gauss-Newton matrix) = (1/P) Φᵀ Φ (N×N), "
                                     "Φ = f(X Wᵀ/√d) the random features",
                           assumptions=p.assumptions + ("only the readout block of the GGN (block='readout')",
                                                        "weights at initialization"))
        _two_layer_model("two-layer NTK Gram theory", width, d, P, weights, sigma_b, outputs)
        from rmtheory.predict.ntk import two_layer_ntk_gram

        return two_layer_ntk_gram(d, width, P, activation, sigma_w=sigma_w)
    raise NoTheoryError(f"ggn of a depth-{depth} network with loss {loss}", "no class_mean_gram",
                        "depth 0, depth 1 with loss mse (the NTK Gram), or classes with class_mean_gram (Papyan)")


def _refuse_unknown(door, unknown):
    """A keyword this door does not take is an error, never silently dropped (a typo like sigmaw
    would otherwise give the default's prediction)."""
    if unknown:
        name = sorted(unknown)[0]
        raise ParameterError(name, unknown[name], f"not a parameter of rmtheory.predict.{door} (it takes "
                             "width, depth, d, P, activation, weights, sigma_w, sigma_b, outputs)")


def jacobian(*, width=None, depth=None, d=None, P=None, activation="relu", weights="gaussian", sigma_w=1.0,
             sigma_b=0.0, outputs=1, **unknown) -> Prediction:
    """The input-output Jacobian J Jᵀ of a depth-L, width-N network at its mean-field fixed point."""
    _refuse_unknown("jacobian", unknown)
    width, depth, d, P, outputs = _arch(width, depth, d, P, outputs)
    _need("jacobian", None, "the depth L ≥ 1", depth=depth)
    if depth == 0:
        raise NoTheoryError("depth", 0, "depth ≥ 1 hidden layers (a linear model's Jacobian is its weight matrix)")
    if d is not None and width is not None and d != width:
        raise NoTheoryError("d", d, f"d = width = {width} (square layers, PSG 2017 §2)")
    from rmtheory.predict.input_output_jacobian import deep_jacobian

    return deep_jacobian(depth, activation, sigma_w=check("sigma_w", sigma_w, Real(0, None, low_open=True)),
                         sigma_b=sigma_b, weights=weights, width=width)


def gram(*, width=None, depth=1, d=None, P=None, activation="relu", weights="gaussian", sigma_w=1.0,
         sigma_b=0.0, outputs=1, **unknown) -> Prediction:
    """The random-features Gram matrix (1/P) Φᵀ Φ (N×N), Φ = f(X Wᵀ/√d), of a one-hidden-layer network."""
    _refuse_unknown("gram", unknown)
    depth = 1 if depth is None else depth
    width, depth, d, P, outputs = _arch(width, depth, d, P, outputs)
    if depth != 1:
        raise NoTheoryError("depth", depth, "depth 1 (one random-feature layer, Pennington-Worah 2017)")
    if check("weights", weights, OneOf(("gaussian", "orthogonal"))) != "gaussian":
        raise NoTheoryError("weights", weights, "gaussian first-layer weights (Pennington-Worah 2017)")
    if check("sigma_b", sigma_b, Real(0, None)):
        raise NoTheoryError("sigma_b", sigma_b, "sigma_b = 0 (no biases in the random-features model)")
    _need("gram", None, "width, d and P", width=width, d=d, P=P)
    from rmtheory.predict.random_features import random_features_gram

    return random_features_gram(d, width, P, activation, sigma_w=sigma_w)
