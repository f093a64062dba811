"""The claim type: one quantity of an article, with the fields of ANNOTATION.md.

`value` and `high` are `Decimal`, never float: "2.01万" must compare exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

#: The fields of ANNOTATION.md, in its order.
GOLD_FIELDS: tuple[str, ...] = (
    "quantity",
    "context",
    "start",
    "end",
    "value",
    "high",
    "unit",
    "kind",
    "qualifier",
    "entity",
    "role",
    "where",
    "time",
)
#: Where a claim stands in its input (1-based line; quantity and sentence in the input's script)
#: and the article's metadata; the gold comparison ignores them.
SOURCE_FIELDS: tuple[str, ...] = ("line", "quantity_orig", "sentence_orig", "title", "date", "url", "meta")
#: Fields that make claims of different articles comparable (pipeline/extraction/periods.py): the
#: article's date and region, the calendar period of `time`, the ISO 4217 currency of money.
COMPARABLE_FIELDS: tuple[str, ...] = ("article_date", "region", "period_start", "period_end", "currency")
#: The columns of the tool's output: doc, the gold fields, sentence, rule, then the fields added
#: later (at the end, so earlier columns keep their place): where_code, the comparable fields, the source fields.
OUTPUT_FIELDS: tuple[str, ...] = ("doc", *GOLD_FIELDS, "sentence", "rule", "where_code", *COMPARABLE_FIELDS, *SOURCE_FIELDS)

KINDS = frozenset({"count", "money", "percent", "area", "length", "weight", "age", "other"})
QUALIFIERS = frozenset({"approx", "gt", "ge", "lt", "le"})
ROLES = frozenset({"from", "to", "delta"})


@dataclass(slots=True)
class Claim:
    """One quantity of an article with its context (see ANNOTATION.md, "Fields")."""

    quantity: str
    context: str
    start: int
    end: int
    value: Decimal
    high: Decimal | None
    unit: str
    kind: str
    qualifier: str | None = None
    entity: str | None = None
    role: str | None = None
    where: str | None = None
    time: str | None = None
    doc: str = ""
    sentence: str = ""
    rule: str = ""
    #: the GB/T 2260 division code of `where` (six digits), HK, MO or TW; None without one
    where_code: str | None = None
    article_date: str | None = None
    region: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    currency: str | None = None
    line: int | None = None
    quantity_orig: str | None = None
    sentence_orig: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    meta: dict[str, Any] | None = None

    def as_row(self) -> dict[str, Any]:
        """Return the claim as an ordered dict of the output columns."""
        return {name: getattr(self, name) for name in OUTPUT_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """The claim as a dict of the output columns in their order; `value` and `high` stay exact `Decimal`s.

        >>> Claim("2.01万元", "共2.01万元", 1, 7, Decimal("20100"), None, "元", "money").to_dict()["value"]
        Decimal('20100')
        """
        return self.as_row()

    def to_json(self) -> str:
        """The claim as one JSON line, numbers written exactly (the `zhclaims extract` format)."""
        return to_json(self)

    def to_data(self) -> dict[str, Any]:
        """The claim as plain serialisable data (numbers as exact strings), as kept in `doc.user_data`."""
        row = self.as_row()
        for key in ("value", "high"):
            if row[key] is not None:
                row[key] = str(row[key])
        return row

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Claim:
        """The claim of `to_data`'s (or `to_dict`'s) dict."""
        return from_mapping(data)


def format_decimal(value: Decimal | None) -> str | None:
    """Write a Decimal as a plain JSON number: no exponent, no trailing zeros.

    >>> format_decimal(Decimal("1.216E+6"))
    '1216000'
    >>> format_decimal(Decimal("91.40"))
    '91.4'
    >>> format_decimal(None) is None
    True
    """
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text


#: One encoder for every field (`json.dumps` with options builds a new one per call, which was
#: most of the cost of writing a claim), and each field's key written once.
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode
_KEYS: dict[str, str] = {}


def to_json(claim: Claim) -> str:
    """Serialise a claim as one JSON line, numbers exact, in OUTPUT_FIELDS order."""
    parts = []
    for name in OUTPUT_FIELDS:
        key = _KEYS.get(name)
        if key is None:
            key = _KEYS[name] = json.dumps(name) + ": "
        raw = getattr(claim, name)
        parts.append(key + (format_decimal(raw) if isinstance(raw, Decimal) else _ENCODE(raw)))
    return "{" + ", ".join(parts) + "}"


def from_mapping(data: dict[str, Any], *, doc: str = "") -> Claim:
    """Build a claim from a parsed JSON object (numbers already Decimal or int)."""
    known = {f.name for f in fields(Claim)}
    values = {k: v for k, v in data.items() if k in known}
    for key in ("value", "high"):
        if values.get(key) is not None and not isinstance(values[key], Decimal):
            values[key] = Decimal(str(values[key]))
    for key in ("start", "end", "line"):
        if values.get(key) is not None:
            values[key] = int(values[key])
    values.setdefault("doc", doc)
    return Claim(**values)


def parse_json_line(line: str) -> dict[str, Any]:
    """Parse one JSON line keeping every number exact (as Decimal).

    >>> parse_json_line('{"value": 0.1, "start": 3}')["value"]
    Decimal('0.1')
    """
    return json.loads(line, parse_float=Decimal, parse_int=Decimal)
