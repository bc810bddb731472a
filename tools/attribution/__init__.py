"""The commit attribution convention: `type(scope): description - @agent1 @agent2`."""
