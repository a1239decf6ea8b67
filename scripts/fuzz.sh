#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (release, with the fuzzer and address sanitizers) and
# runs each on a scratch copy of its committed seed corpus (Fuzz/Corpus/<target>), so a run
# never dirties the work tree. Prints one line per target:
#   <target>: <executions> executions, <crashes> crashes
# and exits non-zero on any crash, invariant violation, timeout (-timeout=5) or OOM
# (-rss_limit_mb=2048), with the reproducers left in the scratch directory it names.
#
# Usage: scripts/fuzz.sh [--seconds N] [--target NAME] [--keep]
#   --seconds N   run each target for N seconds (default 60)
#   --target NAME run only this target (FuzzCAR, or just CAR); may be repeated
#   --keep        keep the scratch directory (grown corpora, logs) even when all pass
# On a shared machine, run it niced: nice -n 15 scripts/fuzz.sh
# See docs/fuzzing.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/Fuzz"
SECONDS_PER_TARGET=60
KEEP=0
SELECTED=()

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_TARGET="${2:?--seconds needs a number}"; shift 2 ;;
    --seconds=*) SECONDS_PER_TARGET="${1#*=}"; shift ;;
    --target) SELECTED+=("${2:?--target needs a name}"); shift 2 ;;
    --target=*) SELECTED+=("${1#*=}"); shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$SECONDS_PER_TARGET" in ''|*[!0-9]*) echo "fuzz.sh: --seconds must be a whole number" >&2; exit 2 ;; esac

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi

# Every target is a directory Fuzz/Sources/Fuzz<Name> (FuzzSupport is the shared helpers).
ALL=()
for dir in "$FUZZ"/Sources/Fuzz*/; do
  name="$(basename "$dir")"
  [ "$name" = FuzzSupport ] || ALL+=("$name")
done
TARGETS=()
if [ "${#SELECTED[@]}" -eq 0 ]; then
  TARGETS=("${ALL[@]}")
else
  for want in "${SELECTED[@]}"; do
    [[ "$want" == Fuzz* ]] || want="Fuzz$want"
    found=0
    for t in "${ALL[@]}"; do [ "$t" = "$want" ] && found=1; done
    if [ "$found" -eq 0 ]; then echo "fuzz.sh: no target $want (have: ${ALL[*]})" >&2; exit 2; fi
    TARGETS+=("$want")
  done
fi

# The largest input each target is given: repo CARs are big, everything else is small.
max_len() {
  case "$1" in
    FuzzCAR|FuzzRepoVerify) echo 1048576 ;;
    *) echo 65536 ;;
  esac
}

# SwiftPM passes -sanitize=fuzzer and -sanitize=address to swiftc as two flags, and the last
# one wins there: Swift code would get ASan but no coverage. The combined flag, given last,
# gives both (C code takes both flags from --sanitize).
BUILD=(swift build -c release --package-path "$FUZZ" --sanitize fuzzer --sanitize address
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
echo "building: ${BUILD[*]}"
"${BUILD[@]}" 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
BIN="$("${BUILD[@]}" --show-bin-path)"
for t in "${TARGETS[@]}"; do
  [ -x "$BIN/$t" ] || { echo "fuzz.sh: build did not produce $BIN/$t" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pdswift-fuzz.XXXXXX")"
# Leaks are not failures here (the Swift runtime keeps metadata caches for the process's
# life); unbounded memory is, through -rss_limit_mb and -malloc_limit_mb.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}"

failed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "$WORK/corpus/$t" "$WORK/artifacts/$t" "$WORK/logs"
  if [ -d "$FUZZ/Corpus/$t" ]; then cp -R "$FUZZ/Corpus/$t/." "$WORK/corpus/$t/"; fi
  log="$WORK/logs/$t.log"
  rc=0
  "$BIN/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len="$(max_len "$t")" -print_final_stats=1 -detect_leaks=0 \
    -artifact_prefix="$WORK/artifacts/$t/" "$WORK/corpus/$t" >"$log" 2>&1 || rc=$?
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)"
  crashes="$(find "$WORK/artifacts/$t" -type f | wc -l | tr -d ' ')"
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  echo "$t: ${execs:-0} executions, $crashes crashes"
  if [ "$crashes" -ne 0 ]; then
    failed=1
    echo "  log: $log"
    find "$WORK/artifacts/$t" -type f | sed 's/^/  reproducer: /'
    # The first report: an invariant, a Swift runtime trap (with the backtrace's top frames),
    # or a sanitizer's or libFuzzer's own (timeout, OOM).
    grep -E 'Fatal error|Swift runtime failure|^ +[0-9] .* at /|ERROR: (libFuzzer|AddressSanitizer)' "$log" \
      | grep -v 'CrashHandlerLinux\|unknown-crash' | head -6 | sed 's/^/  /' || true
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: failures; reproducers and logs are under $WORK"
  exit 1
fi
if [ "$KEEP" -eq 1 ]; then
  echo "fuzz.sh: all targets passed; corpora and logs kept under $WORK"
else
  rm -rf "$WORK"
fi
