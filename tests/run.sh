#!/usr/bin/env bash
# Runs the whole test suite with one command, from any directory, on a fresh Debian/Ubuntu
# machine or in CI: installs the real servers the integration tests start, builds the solution
# once in Release, runs every test project and prints, as the very last line,
#   N passed, N failed[, N skipped]
# Exits non-zero when anything failed, including a build error, a crashed test host or a test
# project that produced no results. The package vulnerability audit (tests/audit-packages.sh,
# docs/security.md) counts as one more result; in CI (CI set) the restore is locked to the
# committed packages.lock.json files.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
solution=WearableEdge.sln
results_dir="$repo_root/artifacts/test-results"
run_tmp=""

# Debian packages the tests run as real processes, each with the binary that shows it is
# installed. Adding a dependency (a browser for dashboard tests) is one more line.
required_packages=(
  "mosquitto:/usr/sbin/mosquitto"
  "victoria-metrics:/usr/bin/victoria-metrics"
  "chromium:/usr/bin/chromium"
)

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1

log() { echo "run.sh: $*" >&2; }

summary_line() {
  local passed=$1 failed=$2 skipped=$3
  if ((skipped > 0)); then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
}

# Stops before any test ran: still ends with the summary line so CI always finds one.
fail_before_tests() {
  log "$*"
  cleanup
  summary_line 0 1 0
  exit 1
}

# Servers started by test fixtures run with paths under the per-run temp folder on their
# command line. Fixtures stop them on dispose and at process exit, but a test host that
# crashes or is killed cannot; this catches those, and only those of this run.
kill_leftover_servers() {
  local proc pid cmdline
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [[ $pid == "$$" ]] && continue
    cmdline=$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") || continue
    if [[ $cmdline == *"$run_tmp"* ]]; then
      log "killing a test server left running by a crashed or killed test host: $pid $cmdline"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

cleanup() {
  if [[ -n $run_tmp && -d $run_tmp ]]; then
    kill_leftover_servers
    rm -rf "$run_tmp"
  fi
  run_tmp=""
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    fail_before_tests "need root or sudo to run: $*"
  fi
}

install_missing_packages() {
  local entry package binary missing=()
  for entry in "${required_packages[@]}"; do
    package=${entry%%:*}
    binary=${entry#*:}
    if [[ ! -x $binary ]] && ! command -v "$(basename "$binary")" >/dev/null 2>&1; then
      missing+=("$package")
    fi
  done
  ((${#missing[@]} == 0)) && return 0

  command -v apt-get >/dev/null 2>&1 ||
    fail_before_tests "missing ${missing[*]} and no apt-get here: install them with your package manager"
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update ||
    fail_before_tests "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" ||
    fail_before_tests "apt-get install ${missing[*]} failed"
}

require_dotnet_sdk() {
  if ! command -v dotnet >/dev/null 2>&1 && [[ -x $HOME/.dotnet/dotnet ]]; then
    export PATH="$HOME/.dotnet:$PATH"
  fi
  if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --version >/dev/null 2>&1; then
    fail_before_tests "the .NET 10 SDK (feature band pinned in global.json) is not installed.
  Install it, then run this script again:
    Debian/Ubuntu packages: https://learn.microsoft.com/dotnet/core/install/linux
    or the install script:  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0
                            export PATH=\"\$HOME/.dotnet:\$PATH\""
  fi
  log "using .NET SDK $(dotnet --version)"
}

# Test projects in the solution, by assembly name (the TRX file name starts with it).
expected_test_modules() {
  local project
  dotnet sln "$solution" list | grep -E '\.csproj$' | tr '\\' '/' | while read -r project; do
    if grep -q '<IsTestProject>true</IsTestProject>' "$project" 2>/dev/null; then
      basename "$project" .csproj
    fi
  done
}

# Texts of the <RunInfo outcome="Error"> entries of TRX file $1, one per line, except the one
# that only reports exit code 2 (at least one test failed).
run_errors() {
  awk '
    /<RunInfo [^>]*outcome="Error"/ { in_error = 1; text = "" }
    in_error { text = text " " $0 }
    in_error && /<\/RunInfo>/ {
      in_error = 0
      sub(/.*<Text>/, "", text); sub(/<\/Text>.*/, "", text); gsub(/[ \t]+/, " ", text)
      if (text !~ /Exit code indicates failure: .2.\./) print text
    }
  ' "$1"
}

# Value of attribute $1 in the XML element text $2, or empty.
xml_attribute() {
  sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$2"
}

install_missing_packages
require_dotnet_sdk

start=$SECONDS
# Supply chain (docs/security.md): packages.lock.json pins every package. In CI (or with
# WEARABLEEDGE_LOCKED_RESTORE=true) the restore is locked: a lock file that no longer matches
# the projects fails the run instead of being rewritten. Locally a restore may update the lock
# files after a package change; commit them with it.
restore_options=()
if [[ -n ${CI:-} || ${WEARABLEEDGE_LOCKED_RESTORE:-} == true ]]; then
  restore_options+=(--locked-mode)
  # Also every restore a test runs (a publish for linux-x64, for example): Directory.Build.props
  # turns RestoreLockedMode on when this is set.
  export WEARABLEEDGE_LOCKED_RESTORE=true
fi
log "restoring $solution ${restore_options[*]:-}"
dotnet restore "$solution" "${restore_options[@]}" -nologo ||
  fail_before_tests "restore failed (in locked mode: a packages.lock.json is out of date; run
  dotnet restore $solution --force-evaluate  and commit the lock files with the package change)"

build_log=$(mktemp)
log "building $solution (Release)"
if ! dotnet build "$solution" -c Release -nologo --no-restore 2>&1 | tee "$build_log"; then
  echo >&2
  log "build failed:"
  grep -E ': error [A-Z]+[0-9]*:' "$build_log" | sort -u >&2 || true
  rm -f "$build_log"
  fail_before_tests "fix the build errors above"
fi
rm -f "$build_log"
build_seconds=$((SECONDS - start))

rm -rf "$results_dir"
mkdir -p "$results_dir"
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/wearableedge-tests.XXXXXX")
test_options=(--solution "$solution" -c Release --no-build --report-trx --results-directory "$results_dir"
  --timeout "${TEST_SESSION_TIMEOUT:-30m}")
if [[ -n ${CI:-} ]]; then
  test_options+=(--no-progress --no-ansi)
fi

start=$SECONDS
set +e
# TMPDIR scopes every fixture's temp folder to this run (see kill_leftover_servers).
TMPDIR="$run_tmp" dotnet test "${test_options[@]}"
test_exit=$?
set -e
test_seconds=$((SECONDS - start))
cleanup

passed=0 failed=0 skipped=0
shopt -s nullglob globstar
trx_files=("$results_dir"/**/*.trx)

for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  if [[ -z $counters ]]; then
    log "no <Counters> in $trx: counted as one failure"
    failed=$((failed + 1))
    continue
  fi
  total=$(xml_attribute total "$counters")
  executed=$(xml_attribute executed "$counters")
  module_passed=$(xml_attribute passed "$counters")
  not_executed=$(xml_attribute notExecuted "$counters")
  # xunit v3 on MTP writes a skipped test as outcome NotExecuted (notExecuted = total - executed).
  # Anything executed that did not pass (failed, error, timeout, aborted) is a failure.
  passed=$((passed + ${module_passed:-0}))
  failed=$((failed + ${executed:-0} - ${module_passed:-0}))
  skipped=$((skipped + ${not_executed:-$((${total:-0} - ${executed:-0}))}))

  # Run-level errors (a crashed test host, a timeout, zero tests) are <RunInfo outcome="Error">
  # entries, not test results: each counts as one failure. Exit code 2 only says that tests
  # failed, and those are counted above.
  while IFS= read -r run_error; do
    log "$(basename "$trx"): $run_error"
    failed=$((failed + 1))
  done < <(run_errors "$trx")
done

while read -r module; do
  [[ -z $module ]] && continue
  matches=("$results_dir"/**/"$module"_*.trx)
  if ((${#matches[@]} == 0)); then
    log "test project $module produced no TRX (it did not run or its host crashed): counted as one failure"
    failed=$((failed + 1))
  fi
done < <(expected_test_modules)

if ((${#trx_files[@]} == 0)); then
  log "no TRX file was produced: counted as one failure"
  failed=$((failed + 1))
fi

if ((test_exit != 0 && failed == 0)); then
  case $test_exit in
    8) reason="a test project ran zero tests" ;;
    3) reason="the test session timed out or was aborted" ;;
    *) reason="see the output above" ;;
  esac
  log "dotnet test exited with code $test_exit although no test failed ($reason): counted as one failure"
  failed=$((failed + 1))
fi

# The known-vulnerability audit counts as one more result: passed with no known vulnerability
# (or each one accepted with a reason in docs/security.md), failed otherwise. When no package
# source serves vulnerability data it is skipped, with a message, unless
# WEARABLEEDGE_REQUIRE_AUDIT=true (set it in CI that reaches nuget.org) makes that a failure.
set +e
./tests/audit-packages.sh
audit_exit=$?
set -e
case $audit_exit in
  0) passed=$((passed + 1)) ;;
  3)
    if [[ ${WEARABLEEDGE_REQUIRE_AUDIT:-} == true ]]; then
      log "package audit: no vulnerability data and WEARABLEEDGE_REQUIRE_AUDIT=true: counted as one failure"
      failed=$((failed + 1))
    else
      log "package audit skipped: no package source serves vulnerability data (counted as skipped)"
      skipped=$((skipped + 1))
    fi
    ;;
  *)
    log "package audit failed: counted as one failure"
    failed=$((failed + 1))
    ;;
esac

failed_tests=$(grep -ho '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"' "${trx_files[@]}" /dev/null |
  sed -n 's/.* testName="\([^"]*\)".*/  \1/p' | sort -u || true)
if [[ -n $failed_tests ]]; then
  log "failed tests:"
  echo "$failed_tests" >&2
fi
log "build ${build_seconds}s, tests ${test_seconds}s; TRX files in ${results_dir#"$repo_root"/}"

summary_line "$passed" "$failed" "$skipped"
((failed == 0))
