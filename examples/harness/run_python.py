"""Runs JSON inputs through a Python example handler, serialised exactly as the runtime would.

stdin: {"handler": "<path>", "inputs": ["<JSON text>", ...]}
stdout: ["<output JSON text>", ...]   (JSON texts, so number formatting is compared too)
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtimes", "python"))

from nanofaas_runtime.invoke import Success, serialise  # noqa: E402
from nanofaas_runtime.loader import load_handler  # noqa: E402

job = json.load(sys.stdin)
handle = load_handler(job["handler"])
outputs = []
for text in job["inputs"]:
    outcome = serialise(handle(json.loads(text), None))
    outputs.append(outcome.body.decode() if isinstance(outcome, Success) else f"ERROR {outcome.code}: {outcome.message}")
json.dump(outputs, sys.stdout)
