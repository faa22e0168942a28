#!/usr/bin/env python3
"""Writes tests/schemas/<provider>.json: the provider's schema trimmed to the
provider block and the resource and data-source types the templates use.

Usage: python3 tests/schemas/trim.py DIR_WITH_FULL_SCHEMAS
(the full schemas are the `terraform providers schema -json` output described
in tests/schemas/README.md). Run it again whenever a template starts using a
new resource or data-source type.
"""
import gzip, json, pathlib, re, sys

FULL = {
    "aws": "aws-5.100.0.schema.json.gz",
    "cloudflare": "cloudflare-5.22.0.schema.json",
    "heroku": "heroku-5.3.2.schema.json",
    "render": "render-1.9.1.schema.json",
    "sendgrid": "sendgrid-kenzo0107-3.1.0.schema.json",
}
root = pathlib.Path(__file__).resolve().parents[2]
used = {"resource": set(), "data": set()}
for template in (root / "templates").rglob("*.hbs"):
    for kind, name in re.findall(r'^\s*(resource|data) "([a-z0-9_]+)"', template.read_text(), re.M):
        used[kind].add(name)
source = pathlib.Path(sys.argv[1])
for provider, file_name in FULL.items():
    path = source / file_name
    opener = gzip.open if file_name.endswith(".gz") else open
    with opener(path, "rt") as handle:
        full = json.load(handle)
    (address, schema), = full["provider_schemas"].items()
    keep = lambda section, kind: {
        name: body for name, body in schema.get(section, {}).items()
        if name in used[kind] and name.startswith(provider + "_")
    }
    trimmed = {
        "format_version": full.get("format_version", "1.0"),
        "provider_schemas": {
            address: {
                "provider": schema["provider"],
                "resource_schemas": keep("resource_schemas", "resource"),
                "data_source_schemas": keep("data_source_schemas", "data"),
            }
        },
    }
    out = root / "tests" / "schemas" / f"{provider}.json"
    out.write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")
    print(f"{out.name}: {len(trimmed['provider_schemas'][address]['resource_schemas'])} resources, "
          f"{len(trimmed['provider_schemas'][address]['data_source_schemas'])} data sources")
