"""Qt-free presentation: a report turned into tables of cells, once (DESIGN.md section 5).

The window's tables (`planner.ui.cell_table`), the printed page (`planner.ui.snapshot`) and the
text report all render the same `Table` values, so they cannot drift apart. Nothing here draws
or imports Qt; it sits between `planner.ui` and `planner.model` in the layer contract.
"""

from planner.present.table import Align, Cell, Column, Table, Tone

__all__ = ["Align", "Cell", "Column", "Table", "Tone"]
