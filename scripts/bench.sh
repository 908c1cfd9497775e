#!/usr/bin/env bash
# Corpus-scale benchmark of copylint against a multi-pattern grep floor.
#
#   scripts/bench.sh            # ~100 MB corpus (MB=25 for a quick run)
#
# Builds release, generates the corpora under target/bench (never
# committed), and prints a Markdown table for BENCHMARKS.md: wall time,
# MB/s and peak RSS of copylint (--format json and concise) and of
# `rg -i -w -F -f <every literal phrase of the default packs>`, the ratio
# copylint / rg, the RSS on a quarter-size corpus (memory must not grow with
# the corpus), and a single 10 MB paragraph against the many-files rate.
# Each command runs once untimed, then three times, on a warm page cache,
# writing its output to a file; the best wall time and the largest RSS of
# the three are reported. (The untimed run: a virtual machine that hands
# freed memory back to its host makes the first run after a pause fault all
# of its memory in again, BENCHMARKS.md "Machine".)
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${MB:-100}
OUT=target/bench
export NO_COLOR=1

echo "building (release)..." >&2
cargo build --release --quiet
cargo build --release --quiet --example gen_corpus
GEN=target/release/examples/gen_corpus
COPYLINT=target/release/copylint

if ! command -v rg >/dev/null; then
    echo "installing ripgrep with cargo (the floor)..." >&2
    cargo install ripgrep --locked --quiet --root target/tools
    export PATH="$PWD/target/tools/bin:$PATH"
fi
if [ ! -x /usr/bin/time ]; then
    echo "error: /usr/bin/time (GNU time) is needed for peak RSS; apt-get install time" >&2
    exit 2
fi

rm -rf "$OUT"
mkdir -p "$OUT"
$GEN "$OUT/corpus" --mb "$MB" 2>&1 | sed 's/^/  /' >&2
$GEN "$OUT/quarter" --mb $((MB / 4)) --seed 7 2>&1 | sed 's/^/  /' >&2
$GEN "$OUT/one" --single-paragraph-mb 10 2>&1 | sed 's/^/  /' >&2
$GEN --phrases "$OUT/phrases.txt" 2>&1 | sed 's/^/  /' >&2

bytes() { du -sb "$1" | cut -f1; }
warm() { find "$1" -type f -exec cat {} + >/dev/null; }

# measure NAME DIR CMD...: best wall seconds and max RSS (KB) of 3 runs,
# after one untimed run.
measure() {
    local name=$1 dir=$2
    shift 2
    warm "$dir"
    "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" || true
    local best="" rss=0
    for _ in 1 2 3; do
        # Output goes to a file, not /dev/null: rg detects /dev/null and
        # stops at the first match of each file.
        /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" || true
        # GNU time puts "Command exited with non-zero status N" first when
        # the command fails (rg does when nothing matches): take the last line.
        read -r secs kb < <(tail -n 1 "$OUT/time.txt")
        if ! [[ $secs =~ ^[0-9.]+$ && $kb =~ ^[0-9]+$ ]]; then
            echo "error: could not measure $name: $(cat "$OUT/time.txt" "$OUT/stderr.txt")" >&2
            exit 2
        fi
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
        if [ "$kb" -gt "$rss" ]; then rss=$kb; fi
    done
    echo "$name $best $rss"
}

CORPUS_BYTES=$(bytes "$OUT/corpus")
ONE_BYTES=$(bytes "$OUT/one")
FILES=$(find "$OUT/corpus" -type f | wc -l)

read -r _ json_s json_kb < <(measure json "$OUT/corpus" $COPYLINT --no-config check --format json --fail-on never "$OUT/corpus")
read -r _ con_s con_kb < <(measure concise "$OUT/corpus" $COPYLINT --no-config check --format concise --fail-on never "$OUT/corpus")
read -r _ rg_s rg_kb < <(measure rg "$OUT/corpus" rg -i -w -F -f "$OUT/phrases.txt" "$OUT/corpus")
read -r _ rgnw_s rgnw_kb < <(measure rg-no-w "$OUT/corpus" rg -i -F -f "$OUT/phrases.txt" "$OUT/corpus")
read -r _ q_s q_kb < <(measure quarter "$OUT/quarter" $COPYLINT --no-config check --format json --fail-on never "$OUT/quarter")
read -r _ one_s one_kb < <(measure one "$OUT/one" $COPYLINT --no-config check --format concise --fail-on never "$OUT/one")
# The default (human) format renders a snippet per finding: on one long
# line that was once quadratic.
read -r _ oneh_s oneh_kb < <(measure one-human "$OUT/one" $COPYLINT --no-config check --fail-on never "$OUT/one")

mbps() { awk "BEGIN{printf \"%.1f\", $1 / 1e6 / $2}"; }
mb() { awk "BEGIN{printf \"%.0f\", $1 / 1024}"; }
ratio() { awk "BEGIN{printf \"%.1f\", $1 / $2}"; }

cat <<TABLE
Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/{printf "%.0f", $2/1048576}' /proc/meminfo) GiB RAM
Corpus: $FILES files, $(awk "BEGIN{printf \"%.1f\", $CORPUS_BYTES/1e6}") MB; $(wc -l <"$OUT/phrases.txt") literal phrases; copylint $($COPYLINT --version | cut -d' ' -f2), $(rg --version | head -1)

| Run | Wall (s) | MB/s | Peak RSS (MB) | ÷ rg |
|---|---:|---:|---:|---:|
| copylint --format json | $json_s | $(mbps "$CORPUS_BYTES" "$json_s") | $(mb "$json_kb") | $(ratio "$json_s" "$rg_s") |
| copylint --format concise | $con_s | $(mbps "$CORPUS_BYTES" "$con_s") | $(mb "$con_kb") | $(ratio "$con_s" "$rg_s") |
| rg -i -w -F -f phrases.txt (floor) | $rg_s | $(mbps "$CORPUS_BYTES" "$rg_s") | $(mb "$rg_kb") | 1.0 |
| rg -i -F -f phrases.txt (no -w) | $rgnw_s | $(mbps "$CORPUS_BYTES" "$rgnw_s") | $(mb "$rgnw_kb") | $(ratio "$rgnw_s" "$rg_s") |
| copylint json, quarter-size corpus | $q_s | $(mbps "$(bytes "$OUT/quarter")" "$q_s") | $(mb "$q_kb") | |
| copylint concise, one 10 MB paragraph | $one_s | $(mbps "$ONE_BYTES" "$one_s") | $(mb "$one_kb") | |
| copylint human (default), one 10 MB paragraph | $oneh_s | $(mbps "$ONE_BYTES" "$oneh_s") | $(mb "$oneh_kb") | |

copylint ÷ rg without -w: $(ratio "$json_s" "$rgnw_s") (json), $(ratio "$con_s" "$rgnw_s") (concise).
Single paragraph: $(awk "BEGIN{printf \"%.2f\", ($one_s / $ONE_BYTES) / ($con_s / $CORPUS_BYTES)}")× the per-byte time of the many-files run.
TABLE
