"""Shared fixtures: the built-in rule set and one pipeline built from it (building takes ~2 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.rules import RuleSet, load_rules

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def nlp(rules):
    from pipeline.run import load_nlp

    return load_nlp(rules)
