"""The home page is made of panels that each area contributes ("what concerns me"): waiting votes,
group tasks, open campaigns... An area registers a provider that returns a Panel for a user, or None
when it has nothing for them. Providers are registered at import time, never per request."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Panel:
    template: str                     # a fragment, e.g. "plans/_home_panel.html"; reads `panel.data`
    data: dict = field(default_factory=dict)
    order: int = 50                   # lower first
    wide: bool = False                # spans the whole row


_providers: list[Callable] = []


def provider(fn: Callable) -> Callable:
    """Register fn(user) -> Panel | None as a home-page panel provider."""
    _providers.append(fn)
    return fn


def panels_for(user) -> list[Panel]:
    panels = [p for p in (fn(user) for fn in _providers) if p is not None]
    return sorted(panels, key=lambda p: p.order)
