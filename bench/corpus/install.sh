#!/usr/bin/env bash
# Installs the benchmark corpus (bench/corpus/package.json) into bench/corpus/node_modules.
# Idempotent: does nothing when every listed package is already installed at its pinned version.
# No install scripts run: the corpus is only read, never executed.
set -euo pipefail
cd "$(dirname "$0")"

if node -e '
  const fs = require("fs");
  const deps = require("./package.json").dependencies;
  for (const [name, version] of Object.entries(deps)) {
    const manifest = `node_modules/${name}/package.json`;
    if (!fs.existsSync(manifest) || JSON.parse(fs.readFileSync(manifest, "utf8")).version !== version) process.exit(1);
  }
' 2>/dev/null; then
  echo "bench/corpus: all packages already installed at their pinned versions"
  exit 0
fi

echo "bench/corpus: installing $(node -p 'Object.keys(require("./package.json").dependencies).length') packages"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
