"""Model backends: `anthropic:<model>` and `offline`, chosen by name (see `get_backend`)."""
