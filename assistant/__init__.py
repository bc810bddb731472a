"""deassist's agents and faces: personas, the LangGraph coordinator, model backends, sessions, CLI, TUI.

Nothing heavy is imported here; each face imports what it needs at the point of use.
"""
