"""What an enrichment run is told: provider precedence, the match threshold, freshness."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from library_pipeline.domain.metadata_merge import DEFAULT_PROVIDER_ORDER, field_precedence


@dataclass(frozen=True)
class EnrichmentOptions:
    """The run's configuration (built by the `metadata_providers` resource in `defs/`).

    `order`: providers, most trusted first (a provider left out is not asked);
    `precedence`: provider order per field (`domain.metadata_merge.field_precedence`).
    """

    order: tuple[str, ...] = DEFAULT_PROVIDER_ORDER
    precedence: dict[str, tuple[str, ...]] = field(default_factory=field_precedence)
    min_confidence: float = 0.85
    freshness: timedelta = timedelta(days=30)
    default_language: str | None = "en"

    @classmethod
    def build(
        cls,
        order: Sequence[str] = DEFAULT_PROVIDER_ORDER,
        field_overrides: Mapping[str, Sequence[str]] | None = None,
        *,
        min_confidence: float = 0.85,
        freshness_days: float = 30.0,
        default_language: str | None = "en",
    ) -> EnrichmentOptions:
        """Options from plain values: the per-field order is derived from `order`."""
        return cls(
            order=tuple(order),
            precedence=field_precedence(order, field_overrides),
            min_confidence=min_confidence,
            freshness=timedelta(days=freshness_days),
            default_language=default_language or None,
        )
