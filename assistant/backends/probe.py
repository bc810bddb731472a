"""What `deassist models` shows: each backend, its models, whether its server answers now, and the default.

A probe is one GET of the backend's model list at its configured base URL, with a short timeout,
all probes at once; nothing else is contacted. It uses the standard library, not the SDKs, so
listing costs no SDK import.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

PROBE_TIMEOUT = 1.5


@dataclass(frozen=True)
class BackendStatus:
    name: str
    base_url: str | None  # None: nothing to reach (offline)
    models: list[str] = field(default_factory=list)
    reachable: bool = False
    detail: str = ""  # why not reachable, or what answered


def backend_statuses(timeout: float = PROBE_TIMEOUT) -> list[BackendStatus]:
    """Every backend's status, probing the remote ones in parallel."""
    from assistant.backends.endpoint import display_url
    from assistant.backends.models import ANTHROPIC_BASE_URL, PROVIDERS, alias_ids, base_url_for
    from assistant.backends.settings import load_settings

    configured = load_settings().base_urls
    offline = BackendStatus("offline", None, ["offline"], True, "the deterministic planner, always available")
    anthropic_url = os.environ.get("ANTHROPIC_BASE_URL") or ANTHROPIC_BASE_URL
    anthropic_key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    jobs = {
        "anthropic": (anthropic_url.rstrip("/") + "/v1/models",
                      {"x-api-key": anthropic_key, "anthropic-version": "2023-06-01"} if anthropic_key else None),
    }
    openai_key = os.environ.get("OPENAI_API_KEY", "").strip()
    urls = {name: base_url_for(provider, configured) for name, provider in PROVIDERS.items()}
    for name, provider in PROVIDERS.items():
        needs_key = provider.needs_key and urls[name] == provider.base_url
        headers = {"authorization": f"Bearer {openai_key}"} if openai_key else ({} if not needs_key else None)
        jobs[name] = (urls[name] + "/models", headers)
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = {name: pool.submit(_probe, url, headers, timeout) for name, (url, headers) in jobs.items()}
        results = {name: future.result() for name, future in answers.items()}
    statuses = [offline]
    reachable, detail, _ = results["anthropic"]
    statuses.append(BackendStatus("anthropic", display_url(anthropic_url), [f"{a} = {i}" for a, i in alias_ids().items()],
                                  reachable, detail if anthropic_key else "no ANTHROPIC_API_KEY"))
    for name in PROVIDERS:
        reachable, detail, models = results[name]
        key_missing = jobs[name][1] is None
        statuses.append(
            BackendStatus(name, display_url(urls[name]), models, reachable, "no OPENAI_API_KEY" if key_missing else detail)
        )
    return statuses


def _probe(url: str, headers: dict[str, str] | None, timeout: float) -> tuple[bool, str, list[str]]:
    """(answered, what happened, the model ids listed); `headers` None means: not probed, no key."""
    if headers is None:
        return False, "", []
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - a configured http(s) URL
            data = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return True, f"answered HTTP {exc.code}", []
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, str(reason), []
    except json.JSONDecodeError:
        return True, "answered, without a model list", []
    items = data.get("data") if isinstance(data, dict) else None
    models = sorted(str(m["id"]) for m in items or [] if isinstance(m, dict) and "id" in m)
    return True, f"answered, {len(models)} model{'s' * (len(models) != 1)}", models
