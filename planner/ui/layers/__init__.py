"""The Layers dock, in parts: `settings` (the ALVH settings editor, bound fields), `bands` (the
regime table), `results` (the proposal's tables), `chart` (cost vs protection by layer),
`signals` (the engine's signals and the Load VIX history action), and `panel`, which puts them
in one scrolling column with Apply."""

from __future__ import annotations

from planner.ui.layers.names import LAYER_LABELS, LAYERS
from planner.ui.layers.panel import APPLY_DESCRIPTION, LayerPanel

__all__ = ["APPLY_DESCRIPTION", "LAYERS", "LAYER_LABELS", "LayerPanel"]
