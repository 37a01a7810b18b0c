#!/usr/bin/env bash
# Supply-chain audit (docs/security.md, "Supply chain"): lists every package of the solution,
# transitive ones included, that has a known vulnerability, and fails unless each one is
# accepted, with a reason, in the "Accepted vulnerabilities" table of docs/security.md.
#
#   tests/audit-packages.sh                       audit the solution (needs the package sources)
#   tests/audit-packages.sh --report FILE.json    audit a saved `dotnet list package --vulnerable
#                                                 --include-transitive --format json` report
#   tests/audit-packages.sh --accepted FILE.md    read the accepted table from FILE.md instead
#
# Exit codes: 0 no vulnerability, or every one accepted; 1 an unaccepted vulnerability or a
# failed listing; 3 no package source serves vulnerability data, so "none found" would mean
# nothing (the caller decides whether that is a failure; tests/run.sh counts it as skipped).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
solution=WearableEdge.sln
accepted_file=docs/security.md
report_file=""

while (($# > 0)); do
  case $1 in
    --report) report_file=$2; shift 2 ;;
    --accepted) accepted_file=$2; shift 2 ;;
    *) echo "audit-packages.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "audit-packages.sh: $*" >&2; }

# Package sources serve vulnerability data through a "VulnerabilityInfo" resource in their
# service index. A mirror or proxy without it makes `dotnet list package --vulnerable` answer
# "no vulnerable packages given the current sources": an empty answer, not a clean bill.
sources_serve_vulnerability_data() {
  local source index
  command -v curl >/dev/null 2>&1 || { log "curl is not installed: cannot tell whether the sources serve vulnerability data"; return 1; }
  while read -r source; do
    [[ $source == http* ]] || continue
    index=$(curl -fsSL --max-time 20 "$source" 2>/dev/null) || continue
    if grep -q '"VulnerabilityInfo' <<<"$index"; then
      return 0
    fi
    log "source $source serves no vulnerability data"
  done < <(dotnet nuget list source --format short 2>/dev/null | awk '$1 ~ /^E/ { print $2 }')
  return 1
}

if [[ -z $report_file ]]; then
  if ! sources_serve_vulnerability_data; then
    log "no package source serves vulnerability data here: the audit cannot say anything"
    exit 3
  fi
  report_file=$(mktemp)
  trap 'rm -f "$report_file"' EXIT
  if ! dotnet list "$solution" package --vulnerable --include-transitive --format json >"$report_file"; then
    log "dotnet list package --vulnerable failed:"
    cat "$report_file" >&2
    exit 1
  fi
fi

# One line per vulnerable package: "<advisory id> <package id> <version> <severity> <project>".
# The report is the SDK's pretty-printed JSON, one property per line.
findings=$(awk '
  /"path":/        { project = $0; sub(/.*"path": *"/, "", project); sub(/".*/, "", project); n = split(project, parts, "/"); project = parts[n] }
  /"id":/          { id = $0; sub(/.*"id": *"/, "", id); sub(/".*/, "", id) }
  /"resolvedVersion":/ { version = $0; sub(/.*"resolvedVersion": *"/, "", version); sub(/".*/, "", version) }
  /"severity":/    { severity = $0; sub(/.*"severity": *"/, "", severity); sub(/".*/, "", severity) }
  /"advisoryurl":/ {
    url = $0; sub(/.*"advisoryurl": *"/, "", url); sub(/".*/, "", url)
    n = split(url, parts, "/"); advisory = parts[n]
    print advisory, id, version, severity, project
  }
' "$report_file" | sort -u)

problems=$(awk '/"problems":/ { inside = 1 } inside && /"text":/ { text = $0; sub(/.*"text": *"/, "", text); sub(/".*/, "", text); print text }' "$report_file")
if [[ -n $problems ]]; then
  log "dotnet list package reported problems (the listing is incomplete):"
  echo "$problems" >&2
  exit 1
fi

if [[ -z $findings ]]; then
  log "no known vulnerability in any package, transitive ones included"
  exit 0
fi

# Accepted rows: "| <advisory id> | <package id> | <versions> | <reason> |" in the section
# "## Accepted vulnerabilities" of the accepted file. A row without a reason accepts nothing.
accepted=$(awk '
  /^## / { inside = ($0 ~ /^## Accepted vulnerabilities/) ; next }
  inside && /^\|/ {
    n = split($0, cells, "|")
    if (n < 6) next
    for (i = 2; i <= 5; i++) { gsub(/^[ \t`]+|[ \t`]+$/, "", cells[i]) }
    if (cells[2] ~ /^(advisory|-+|:?-+:?)$/ || cells[5] == "") next
    print cells[2], cells[3]
  }
' "$accepted_file")

unaccepted=0
while read -r advisory package version severity project; do
  if grep -qixF "$advisory $package" <<<"$accepted"; then
    log "accepted in $accepted_file: $advisory ($severity) in $package $version ($project)"
  else
    log "NOT ACCEPTED: $advisory ($severity) in $package $version ($project) -- upgrade the package or justify it under \"Accepted vulnerabilities\" in $accepted_file"
    unaccepted=$((unaccepted + 1))
  fi
done <<<"$findings"

((unaccepted == 0))
