"""`deassist chat`: the Textual face over the session's event stream.

Nothing here is imported by other commands: textual loads only when `deassist chat` runs.
"""
