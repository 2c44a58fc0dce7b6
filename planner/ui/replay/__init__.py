"""The Replay tab (issue #11): the plan's programme on real history, in the window.

Small parts: `worker` runs the replay off the GUI thread (the last edit wins), `charts` draws
equity / drawdown / VIX on one date axis, `programme_editor` edits the programme as undo steps,
`tab` puts them together with the headline and the tables, `actions` adds File ▸ Load History…
and File ▸ Export ▸ Replay CSV.
"""
