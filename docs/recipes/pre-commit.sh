#!/bin/sh
# Git pre-commit hook: `listener-leak scan` on the JavaScript and TypeScript files this commit adds or changes,
# as they are staged, not as they are in the work tree. A finding stops the commit; `git commit --no-verify`
# skips the hook once.
#
# Install it from the top of a repository that has listener-leak in its devDependencies:
#   cp node_modules/listener-leak/docs/recipes/pre-commit.sh .git/hooks/pre-commit
#   chmod +x .git/hooks/pre-commit
set -eu

# The files scan reads. Git matches each pattern in every directory.
set -- '*.js' '*.jsx' '*.mjs' '*.cjs' '*.ts' '*.tsx' '*.mts' '*.cts'

# None of them staged (added, copied, modified or renamed): done, without starting node.
if git diff --cached --quiet --diff-filter=ACMR -- "$@"; then
  exit 0
fi

# Git runs the hook at the top of the work tree.
top=$(pwd)
scan="$top/node_modules/.bin/listener-leak"
if [ ! -x "$scan" ]; then
  echo "listener-leak pre-commit hook: $scan not found. Run npm install, or commit with --no-verify." >&2
  exit 1
fi

# A copy of what the commit will hold: the staged version of every source file, tsconfig and package.json.
# Scan reads the copy, so an unstaged edit neither hides a leak nor reports one, and a call from a file this
# commit leaves alone is still followed. The copy lives under node_modules, so a tsconfig that extends a
# package still finds it there.
mkdir -p "$top/node_modules/.cache/listener-leak"
snapshot=$(mktemp -d "$top/node_modules/.cache/listener-leak/pre-commit.XXXXXX")
trap 'rm -rf "$snapshot"' EXIT
trap 'exit 1' HUP INT TERM
git ls-files -z -- "$@" '*tsconfig*.json' '*package.json' | git checkout-index -z --stdin --prefix="$snapshot/"

# Report on the staged files only. NUL-separated names keep spaces, quotes and newlines intact.
if git diff --cached -z --name-only --diff-filter=ACMR -- "$@" | (cd "$snapshot" && xargs -0 "$scan" scan --); then
  exit 0
fi
echo "listener-leak: commit stopped. Fix the findings above, or commit with --no-verify to skip this check once." >&2
exit 1
