#!/usr/bin/env bash
# Build, test, pack and benchmark RapidSms for .NET.
#
#   ./build.sh test     install what the tests need, restore, build (Release) once, run every
#                       test project, print "tests: N passed, N failed, N skipped" as the last line
#   ./build.sh build    restore and build the solution (Release)
#   ./build.sh sample   build, then pipe "ping" through the console sample
#   ./build.sh bench    run the benchmarks (extra arguments go to BenchmarkDotNet,
#                       e.g. ./build.sh bench --filter '*Send*' --job short)
#   ./build.sh pack     pack every package under src/ into artifacts/packages
#
# Works on a fresh Debian machine that has only the .NET SDK. `./build.sh test` is the command
# CI runs (through .ci/run).
#
# Environment:
#   CI=true                  set by CI systems. Together with RAPIDSMS_REQUIRE_PEERS=1 it makes
#   RAPIDSMS_REQUIRE_PEERS=1 integration tests fail, instead of skip, when a real peer (ngircd,
#                            dovecot, kannel, the node smpp server...) is missing. Both are passed
#                            through to the tests unchanged. CI=true also turns off MSBuild and
#                            compiler servers so no build process outlives the run.
#   RAPIDSMS_ACCEPT_API=1    the public API snapshot tests overwrite src/<Package>/PublicAPI.txt
#                            with the current API instead of failing (ignored when CI=true).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

SOLUTION="RapidSms.sln"
CONFIGURATION="Release"
ARTIFACTS="$ROOT/artifacts"
TEST_RESULTS="$ARTIFACTS/test-results"
PACKAGES="$ARTIFACTS/packages"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false

# On CI, no MSBuild node or compiler server stays behind holding the job's output open.
BUILD_SERVER_ARGS=()
if [[ "${CI:-}" == "true" ]]; then
    export MSBUILDDISABLENODEREUSE=1
    BUILD_SERVER_ARGS=(--disable-build-servers)
fi

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Test prerequisites. Everything here is idempotent: a second run installs nothing.
# ---------------------------------------------------------------------------------------------

# Debian packages the integration tests start as real peers (see PEERS.md):
#   IRC: ngircd; IMAP and SMTP: dovecot-imapd, python3-aiosmtpd; Kannel: kannel;
#   serial pseudo-terminals: socat; PDU cross-checks: gammu.
# Node and npm are added automatically when tests/peers holds npm projects.
APT_PACKAGES=(ngircd dovecot-imapd python3-aiosmtpd kannel socat gammu)

# npm projects (package.json + package-lock.json) under tests/peers, such as the SMPP server.
npm_projects() {
    local manifest
    shopt -s nullglob
    for manifest in "$ROOT"/tests/peers/*/package.json; do
        dirname "$manifest"
    done
    shopt -u nullglob
}

run_as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "'$*' needs root and sudo is not installed"
    fi
}

apt_missing() {
    local package status
    for package in "$@"; do
        status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
        if [[ "$status" != "install ok installed" ]]; then
            printf '%s\n' "$package"
        fi
    done
}

install_apt_packages() {
    local wanted=("${APT_PACKAGES[@]}")
    if [[ -n "$(npm_projects)" ]] && ! command -v npm >/dev/null 2>&1; then
        wanted+=(nodejs npm)
    fi
    if [[ ${#wanted[@]} -eq 0 ]]; then
        return
    fi

    local missing
    mapfile -t missing < <(apt_missing "${wanted[@]}")
    if [[ ${#missing[@]} -eq 0 ]]; then
        return
    fi

    command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get to install them"
    log "Installing ${missing[*]}"
    run_as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive run_as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_npm_projects() {
    local project
    while IFS= read -r project; do
        [[ -n "$project" ]] || continue
        [[ -f "$project/package-lock.json" ]] || die "$project has no package-lock.json: run 'npm install' there and commit the lock file"
        # npm ci writes node_modules/.package-lock.json; newer than the lock file means current.
        if [[ -f "$project/node_modules/.package-lock.json" ]] \
            && [[ "$project/node_modules/.package-lock.json" -nt "$project/package-lock.json" ]]; then
            continue
        fi
        log "npm ci in ${project#"$ROOT"/}"
        (cd "$project" && npm ci --no-audit --no-fund --loglevel=error)
    done < <(npm_projects)
}

install_test_prerequisites() {
    install_apt_packages
    install_npm_projects
}

# ---------------------------------------------------------------------------------------------
# .NET steps
# ---------------------------------------------------------------------------------------------

restore() {
    log "Restoring $SOLUTION"
    dotnet restore "$SOLUTION" "${BUILD_SERVER_ARGS[@]}"
}

build() {
    restore || return
    log "Building $SOLUTION ($CONFIGURATION)"
    dotnet build "$SOLUTION" -c "$CONFIGURATION" --no-restore "${BUILD_SERVER_ARGS[@]}"
}

# Prints "passed failed skipped" summed over the trx files in $1.
# xunit's skipped tests are <UnitTestResult outcome="NotExecuted"> and count in "total" but not
# in "executed"; the notExecuted counter stays 0, so skipped = total - executed.
sum_trx_counters() {
    local dir="$1" file counters passed=0 failed=0 skipped=0
    local total executed p f e t a
    shopt -s nullglob
    for file in "$dir"/*.trx; do
        counters="$(grep -o '<Counters [^>]*>' "$file" | head -n 1 || true)"
        if [[ -z "$counters" ]]; then
            # A test host that died before writing its summary: count it as a failure.
            failed=$((failed + 1))
            continue
        fi
        total="$(trx_attr "$counters" total)"
        executed="$(trx_attr "$counters" executed)"
        p="$(trx_attr "$counters" passed)"
        f="$(trx_attr "$counters" failed)"
        e="$(trx_attr "$counters" error)"
        t="$(trx_attr "$counters" timeout)"
        a="$(trx_attr "$counters" aborted)"
        passed=$((passed + p))
        failed=$((failed + f + e + t + a))
        skipped=$((skipped + total - executed))
    done
    shopt -u nullglob
    printf '%d %d %d\n' "$passed" "$failed" "$skipped"
}

trx_attr() {
    local value
    value="$(grep -o " $2=\"[0-9]*\"" <<<"$1" | grep -o '[0-9]\+' || true)"
    printf '%s\n' "${value:-0}"
}

# The summary is always the last line of `./build.sh test`, even when a step before the tests
# fails (then nothing ran and the exit code is non-zero).
SUMMARY_PRINTED=false
print_summary() {
    printf 'tests: %d passed, %d failed, %d skipped\n' "$1" "$2" "$3"
    SUMMARY_PRINTED=true
}

summary_on_early_exit() {
    local status=$?
    if [[ "$SUMMARY_PRINTED" == false ]]; then
        printf 'build.sh: stopped before the tests ran (exit code %d)\n' "$status" >&2
        print_summary 0 0 0
    fi
    exit "$status"
}

run_tests() {
    trap summary_on_early_exit EXIT
    install_test_prerequisites
    build

    rm -rf "$TEST_RESULTS"
    mkdir -p "$TEST_RESULTS"
    log "Testing"
    # A test that hangs is stopped after 10 minutes and reported by name instead of holding CI.
    # One run per test project, each writing a trx file named after it, so no two runs can
    # overwrite each other's results.
    local status=0 project name
    for project in "$ROOT"/tests/*/*.Tests.csproj; do
        name="$(basename "$project" .csproj)"
        dotnet test "$project" -c "$CONFIGURATION" --no-build \
            --logger "trx;LogFileName=$name.trx" --results-directory "$TEST_RESULTS" \
            --blame-hang-timeout 10m --blame-hang-dump-type none || status=$?
        if [[ ! -f "$TEST_RESULTS/$name.trx" ]]; then
            printf 'build.sh: %s wrote no results\n' "$name" >&2
            status=1
        fi
    done

    local passed failed skipped
    read -r passed failed skipped < <(sum_trx_counters "$TEST_RESULTS")

    if [[ $status -ne 0 && $failed -eq 0 ]]; then
        # dotnet test failed without a failed test in any trx (a crashed test host, say).
        printf 'build.sh: dotnet test exited with %d\n' "$status" >&2
        failed=$((failed + 1))
    fi
    if [[ $((passed + failed)) -eq 0 ]]; then
        printf 'build.sh: no test ran (%d skipped)\n' "$skipped" >&2
    fi

    print_summary "$passed" "$failed" "$skipped"
    if [[ $failed -ne 0 || $passed -eq 0 ]]; then
        return 1
    fi
}

run_sample() {
    build
    log "Piping 'ping' through the console sample"
    printf '+256700000001: ping\n' | timeout 120 dotnet run --project samples/RapidSms.Samples.Console \
        -c "$CONFIGURATION" --no-build
}

# Not part of `test`: benchmarks take minutes and want a quiet machine. See bench/README.md.
run_bench() {
    if [[ $# -eq 0 ]]; then
        set -- --filter '*'
    fi
    if [[ " $* " != *" --artifacts "* ]]; then
        set -- "$@" --artifacts "$ARTIFACTS/benchmarks"
    fi
    log "Running benchmarks: $*"
    dotnet run --project bench/RapidSms.Benchmarks -c "$CONFIGURATION" -- "$@"
}

run_pack() {
    restore
    rm -rf "$PACKAGES"
    local project
    for project in src/*/*.csproj; do
        log "Packing $project"
        dotnet pack "$project" -c "$CONFIGURATION" --no-restore -o "$PACKAGES" "${BUILD_SERVER_ARGS[@]}"
    done
    ls -1 "$PACKAGES"
}

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

command="${1:-test}"
shift || true
case "$command" in
    test) run_tests ;;
    build) build ;;
    sample) run_sample ;;
    bench) run_bench "$@" ;;
    pack) run_pack ;;
    -h | --help | help) usage ;;
    *) printf 'build.sh: unknown command "%s"\n' "$command" >&2; usage ;;
esac
