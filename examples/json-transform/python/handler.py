"""json-transform (group-by aggregation): twin of ../ts/handler.ts, with identical outputs.

JavaScript numbers are doubles and JavaScript objects list integer-like keys first, so this file
reproduces both: sums run in floats, group keys are formatted like JSON.stringify, and the
groups come out in the order a JavaScript object would list them.
"""

import json
import re
from decimal import Decimal

OPERATIONS = ("sum", "avg", "min", "max")
_INDEX = re.compile(r"^(0|[1-9]\d*)$")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _js_number(x):
    """ECMAScript Number::toString of a double."""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    sign = "-" if x < 0 else ""
    digits_tuple, exponent = Decimal(repr(abs(x))).normalize().as_tuple()[1:]
    digits = "".join(map(str, digits_tuple))
    k, n = len(digits), exponent + len(digits)
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        body = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + body


def _js_key_order(keys):
    """Integer-like keys ascending, then the rest in insertion order (JavaScript object order)."""
    keys = list(keys)
    index = sorted((k for k in keys if _INDEX.match(k) and int(k) < 2**32 - 1), key=int)
    return index + [k for k in keys if k not in set(index)]


def _js_json(value):
    """JSON.stringify of a parsed JSON value."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if _is_number(value):
        return _js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_js_json(v) for v in value) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _js_json(value[k]) for k in _js_key_order(value)) + "}"


def _key_of(value):
    if value is None:
        return "null"
    return value if isinstance(value, str) else _js_json(value)


def _plain(x):
    """Integral floats as ints, so the JSON reads 150 rather than 150.0 (the value is the same)."""
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 1e21 else x


def _aggregate(operation, items, value_field):
    if operation == "count":
        return len(items)
    if operation not in OPERATIONS:
        return f"unknown operation: {operation}"
    values = [float(item[value_field]) for item in items if _is_number(item.get(value_field))]
    if not values:
        return 0
    total = 0.0
    for v in values:  # left to right in doubles, as JavaScript adds
        total += v
    if operation == "sum":
        return _plain(total)
    if operation == "avg":
        return _plain(total / len(values))
    return _plain(min(values) if operation == "min" else max(values))


def json_transform(value):
    if not isinstance(value, dict):
        return {"error": "Input must be a JSON object"}
    data, group_by, value_field = value.get("data"), value.get("groupBy"), value.get("valueField")
    operation = value.get("operation")
    operation = "count" if operation is None else operation
    if not isinstance(data, list) or not isinstance(group_by, str):
        return {"error": "Fields 'data' (array) and 'groupBy' (string) are required"}
    if not isinstance(operation, str):
        return {"error": "Field 'operation' must be a string"}
    if operation != "count" and not isinstance(value_field, str):
        return {"error": f"Field 'valueField' is required for operation: {operation}"}
    by_key = {}
    for item in data:
        record = item if isinstance(item, dict) else {}
        by_key.setdefault(_key_of(record.get(group_by)), []).append(record)
    groups = {key: _aggregate(operation, by_key[key], value_field) for key in _js_key_order(by_key)}
    return {"groupBy": group_by, "operation": operation, "groups": groups}


def handle(input, ctx):
    return json_transform(input)
