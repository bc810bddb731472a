"""The offline planner: a deterministic stand-in for a model that drives the same graph and tools.

It reads the ModelRequest it is given (the brief, the tool results so far) the way a model would,
decides the next tool call or writes an answer from the tool results, and says in every answer that
it is the offline planner.
"""
