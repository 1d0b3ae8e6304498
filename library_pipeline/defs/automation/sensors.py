"""Declarative automation: which assets follow their upstreams, and under which condition."""

import warnings

import dagster as dg

from library_pipeline.defs.automation.selections import (
    DOWNLOAD_KEYS,
    DOWNLOADS_CONDITION,
    FOLLOW_UPSTREAM_KEYS,
    SENSOR_DRIVEN_KEYS,
    keys,
)

# `default_condition` (applied to targeted assets without a condition of their own) needs
# `use_user_code_server`; both are beta in Dagster 1.13.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)
    library_automation_sensor = dg.AutomationConditionSensorDefinition(
        "library_automation_sensor",
        target=keys(FOLLOW_UPSTREAM_KEYS),
        default_condition=dg.AutomationCondition.eager(),
        use_user_code_server=True,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Enrichment and gap finding follow their upstream assets (eager).",
    )

    downloads_automation_sensor = dg.AutomationConditionSensorDefinition(
        "downloads_automation_sensor",
        target=keys(DOWNLOAD_KEYS),
        default_condition=DOWNLOADS_CONDITION,
        use_user_code_server=True,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Wanted books are searched and grabbed as soon as they change.",
    )

automation_condition_sensor = dg.AutomationConditionSensorDefinition(
    "automation_condition_sensor",
    target=dg.AssetSelection.all()
    - keys(FOLLOW_UPSTREAM_KEYS + DOWNLOAD_KEYS + SENSOR_DRIVEN_KEYS),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Evaluates the automation conditions the other assets declare themselves.",
)
