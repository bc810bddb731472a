"""deassist as a Model Context Protocol server."""
