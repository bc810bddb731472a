"""Messages as plain dicts in the graph's state (so the checkpointer stores JSON, not classes), and
their conversion to and from the backend protocol's blocks."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from assistant.backends.base import Block, Message, TextBlock, ToolResultBlock, ToolUseBlock


class TextPart(TypedDict):
    type: Literal["text"]
    text: str


class ToolUsePart(TypedDict):
    type: Literal["tool_use"]
    id: str
    name: str
    input: dict[str, Any]  # the tool's arguments, as its input schema describes them


class ToolResultPart(TypedDict):
    type: Literal["tool_result"]
    tool_use_id: str
    content: str
    is_error: bool


Part = TextPart | ToolUsePart | ToolResultPart


class MessageDict(TypedDict):
    role: Literal["user", "assistant"]
    content: list[Part]


def user_text(text: str) -> MessageDict:
    return {"role": "user", "content": [{"type": "text", "text": text}]}


def to_dict(role: Literal["user", "assistant"], blocks: list[Block]) -> MessageDict:
    content: list[Part] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            content.append({"type": "text", "text": block.text})
        elif isinstance(block, ToolUseBlock):
            content.append({"type": "tool_use", "id": block.id, "name": block.name, "input": block.input})
        else:
            content.append(
                {
                    "type": "tool_result",
                    "tool_use_id": block.tool_use_id,
                    "content": block.content,
                    "is_error": block.is_error,
                }
            )
    return {"role": role, "content": content}


def to_message(message: MessageDict) -> Message:
    blocks: list[Block] = []
    for part in message["content"]:
        if part["type"] == "text":
            blocks.append(TextBlock(part["text"]))
        elif part["type"] == "tool_use":
            blocks.append(ToolUseBlock(part["id"], part["name"], dict(part["input"])))
        else:
            blocks.append(ToolResultBlock(part["tool_use_id"], part["content"], bool(part.get("is_error"))))
    return Message(message["role"], blocks)


def text_of(message: MessageDict) -> str:
    return "".join(part["text"] for part in message["content"] if part["type"] == "text")


def tool_uses(message: MessageDict) -> list[ToolUsePart]:
    return [part for part in message["content"] if part["type"] == "tool_use"]
