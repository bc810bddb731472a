"""The LangGraph coordinator graph: route, fan out to collaborators in parallel, the lead answers."""
