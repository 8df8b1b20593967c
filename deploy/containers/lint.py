"""Checks the container files without building them (deploy/containers/lint.sh runs it).

- compose.yaml is valid against the Compose specification's JSON schema (path given);
- every image compose.yaml names is built by a Containerfile of this folder (build.sh);
- every file a Containerfile copies exists in the repository (after the host build's staging
  folder target/containers, which build.sh fills);
- every script a Containerfile copies is executable.
"""
import glob
import json
import os
import re
import sys

import jsonschema
import yaml

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", ".."))
errors = []

with open(sys.argv[1]) as f:
    schema = json.load(f)
with open(os.path.join(here, "compose.yaml")) as f:
    compose = yaml.safe_load(f)
for error in jsonschema.Draft7Validator(schema).iter_errors(compose):
    errors.append(f"compose.yaml: {'/'.join(map(str, error.absolute_path))}: {error.message}")

built = {os.path.basename(p).split(".", 1)[1] for p in glob.glob(os.path.join(here, "Containerfile.*"))}
for name, service in (compose.get("services") or {}).items():
    image = service.get("image", "")
    match = re.fullmatch(r"localhost/proctorwise/([a-z]+):latest", image)
    if not match or match.group(1) not in built:
        errors.append(f"compose.yaml: service {name}: image {image!r} is not built by a Containerfile here")

for path in sorted(glob.glob(os.path.join(here, "Containerfile.*"))):
    with open(path) as f:
        text = f.read()
    for line in text.splitlines():
        words = line.split()
        if not words or words[0] != "COPY":
            continue
        for source in words[1:-1]:
            if source.startswith("--") or "${BIN_DIR}" in source or source.startswith("target/containers/"):
                continue
            matches = glob.glob(os.path.join(root, source))
            if not matches:
                errors.append(f"{os.path.basename(path)}: COPY {source}: no such file")
            for m in matches:
                if m.endswith(".sh") and not os.access(m, os.X_OK):
                    errors.append(f"{os.path.basename(path)}: {source} is not executable")

for e in errors:
    print(e, file=sys.stderr)
print(f"container files: {len(built)} Containerfiles, {len(compose.get('services', {}))} compose services, "
      f"{len(errors)} problems")
sys.exit(1 if errors else 0)
