"""stdio-upper: a STDIO filter for the watchdog (EXECUTION_MODE=STDIO).

The watchdog starts this program once per invocation, writes {"input", "metadata"} to its stdin
and returns whatever JSON it prints. Every string in the input is upper-cased (object keys are
left alone); a failure is a non-zero exit with the reason on stderr, which the watchdog reports
as FUNCTION_ERROR. Standard library only, so it runs wherever python3 does.
"""

import json
import sys


def upper(value):
    if isinstance(value, str):
        return value.upper()
    if isinstance(value, list):
        return [upper(v) for v in value]
    if isinstance(value, dict):
        return {k: upper(v) for k, v in value.items()}
    return value


def main():
    try:
        request = json.load(sys.stdin)
    except ValueError as error:
        sys.stderr.write(f"stdin is not JSON: {error}\n")
        return 1
    if not isinstance(request, dict):
        sys.stderr.write('stdin must be a JSON object {"input", "metadata"}\n')
        return 1
    json.dump(upper(request.get("input")), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
