#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Check whyrefused JSON lines against the published schema.

    python3 tools/schema/validate.py [SCHEMA] FILE...   (- for standard input)

Each line is checked against the definition of its own record kind, so an
error names the field at fault. Exit status 1 at the first invalid line,
which is printed with its number and the reason. Needs python3-jsonschema.
"""
import json
import os
import sys

import jsonschema

KINDS = {"start": "start", "attach": "hooks_changed", "detach": "hooks_changed",
         "refusal": "refusal", "stats": "stats", "error": "error", "client": "client"}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    schema_path = os.path.join(here, "whyrefused.schema.json")
    if argv and argv[0].endswith(".schema.json"):
        schema_path, argv = argv[0], argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validators = {}
    for kind, name in KINDS.items():
        sub = {k: v for k, v in schema.items() if k != "oneOf"}
        sub["$ref"] = "#/$defs/" + name
        validators[kind] = jsonschema.Draft202012Validator(sub)
    whole = jsonschema.Draft202012Validator(schema)
    lines = 0
    for path in argv or ["-"]:
        f = sys.stdin if path == "-" else open(path, encoding="utf-8")
        for n, line in enumerate(f, 1):
            record = json.loads(line)
            v = validators.get(record.get("event"), whole)
            error = jsonschema.exceptions.best_match(v.iter_errors(record))
            if error is not None:
                where = "/".join(str(p) for p in error.absolute_path) or "(record)"
                print(f"{path}:{n}: {where}: {error.message}", file=sys.stderr)
                return 1
            lines += 1
    print(f"{lines} records valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
