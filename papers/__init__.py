"""``papers``: the field's figures and the project's own, regenerated from one command.

``rmtheory figures --list`` lists them; ``rmtheory figures PAPER[/FIGURE] --quick --out DIR`` writes
``DIR/PAPER/FIGURE.{png,pdf,csv,json}`` and the gallery ``DIR/index.md``.

Layout: one sub-package per paper, one module per figure (:mod:`papers.registry` says what a figure
module holds: a :class:`~papers.registry.Spec`, ``compute``, ``check`` and optionally ``plot``). The
machinery beside them is one concept per module:

* :mod:`papers.data` — what a figure's data is (a tidy table of plotted series and key numbers);
* :mod:`papers.checks` — a comparison with a number the original paper reports;
* :mod:`papers.context` — what ``compute`` gets: runs of :mod:`validation` experiments, cached;
* :mod:`papers.cache` — the data cache, keyed by the compute code and the parameters;
* :mod:`papers.plotting` — one style (``papers/style.mplstyle``) and the drawing of the data;
* :mod:`papers.build` — compute (or load), plot, check and write one figure, and the gallery;
* :mod:`papers.cli` — the ``figures`` sub-command (registered through ``rmtheory.commands``).

Arrows: ``papers → validation → rmtheory``; nothing imports ``papers``. Importing this package is
cheap: torch and matplotlib are imported where a figure is computed or drawn.
"""
