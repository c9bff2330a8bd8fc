"""Paper: the holder kits and the public ceremony record, as deterministic PDFs.

Renders from the plain values in `ceremony.paper.content` and knows nothing about SLIP-39 or the
terminal. Wording lives in `templates/paper/`.

Import the renderers from their modules (`ceremony.paper.holder`, `ceremony.paper.record`): this
package imports nothing, so that a command which only reads `ceremony.paper.content` does not load
reportlab.
"""
