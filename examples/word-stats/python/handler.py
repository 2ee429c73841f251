"""word-stats: twin of ../ts/handler.ts, with identical outputs (see the rules there)."""

import math
import re
import unicodedata

# JavaScript's \s, written out so both languages use the very same set.
_BLANK = re.compile("^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$")
DEFAULT_TOP_N = 10


def _words(text):
    """Runs of Unicode letters and digits (JavaScript's [\\p{L}\\p{N}]+)."""
    words, current = [], []
    for char in text:
        if unicodedata.category(char)[0] in "LN":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _top_n(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return DEFAULT_TOP_N
    if math.isinf(value):
        return None if value > 0 else DEFAULT_TOP_N  # +Infinity keeps every word, as in JS
    n = math.floor(value)
    return n if n > 0 else DEFAULT_TOP_N


def _average_half_up(total, count):
    """total/count rounded half-up to 2 decimals, in integers so no binary fraction can tip it."""
    hundredths = (total * 200 + count) // (2 * count)
    return hundredths // 100 if hundredths % 100 == 0 else hundredths / 100


def word_stats(value):
    fields = {"text": value} if isinstance(value, str) else value if isinstance(value, dict) else {}
    text = fields.get("text")
    if not isinstance(text, str) or _BLANK.match(text):
        return {"error": "Field 'text' is required and must be non-empty"}
    words = _words(text.lower())
    if not words:
        return {"error": "No words found in input"}
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: _top_n(fields.get("topN"))]
    return {
        "wordCount": len(words),
        "uniqueWords": len(counts),
        "topWords": [{"word": word, "count": count} for word, count in ranked],
        "averageWordLength": _average_half_up(sum(len(word) for word in words), len(words)),
    }


def handle(input, ctx):
    return word_stats(input)
