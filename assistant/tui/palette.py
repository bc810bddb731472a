"""The command palette's provider: every slash command, chosen by fuzzy search."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from assistant.tui.commands import COMMANDS, SlashCommand


class SlashCommands(Provider):
    async def discover(self) -> Hits:
        for command in COMMANDS:
            yield DiscoveryHit(command.usage, partial(self._choose, command), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in COMMANDS:
            score = max(matcher.match(command.usage), matcher.match(command.help) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(command.usage), partial(self._choose, command), help=command.help)

    def _choose(self, command: SlashCommand) -> None:
        self.app.choose_command(command)  # type: ignore[attr-defined]
