"""roman-numeral: twin of ../ts/handler.ts, with identical outputs."""

import math

TABLE = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n):
    out = []
    for value, symbol in TABLE:
        while n >= value:
            out.append(symbol)
            n -= value
    return "".join(out)


def roman_numeral(value):
    if not isinstance(value, dict):
        return {"error": "Input must be a JSON object"}
    if "number" not in value:
        return {"error": "missing required field: number"}
    number = value["number"]
    if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
        return {"error": "field 'number' must be an integer"}
    # JavaScript sees every number as a double: truncate it as one, and print it the same way.
    n = math.trunc(float(number))
    if not 1 <= n <= 3999:
        shown = str(n) if abs(n) < 1e21 else repr(float(n))
        return {"error": f"number must be between 1 and 3999, got: {shown}"}
    return {"roman": to_roman(n)}


def handle(input, ctx):
    return roman_numeral(input)
