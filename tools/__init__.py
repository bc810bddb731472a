"""deassist's tool layer: pure capabilities (SQL, catalog, profiling, drafting, attribution).

Importable and fast without anthropic, langgraph or textual; never imports `assistant`.
"""
