#!/bin/sh
# Seeds the fuzzing corpora (fuzz/corpus/<target>/, not committed) from the
# rule files and logs of the repository and the hand-written seeds in
# fuzz/seeds/. Run from anywhere; re-running adds nothing twice.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
mkdir -p fuzz/corpus/rule_file fuzz/corpus/jsonl_log fuzz/corpus/csv_log fuzz/corpus/judge fuzz/corpus/lsp_frame
n=0
for f in $(find rules tests bench fuzz/rules.cfr docs -name '*.cfr' -type f | sort); do
    n=$((n + 1))
    cp "$f" "fuzz/corpus/rule_file/seed-$(echo "$f" | tr '/' '_')"
done
# The examples of the diagnostics' explanations: the ```cfr blocks of docs/errors/.
for f in docs/errors/*.md; do
    awk -v out="fuzz/corpus/rule_file/seed-$(basename "$f" .md)" '
        /^```cfr/ { n++; on = 1; next }
        /^```/ { on = 0; next }
        on { print > (out "-" n ".cfr") }' "$f"
done
for f in $(find rules tests -name '*.jsonl' | sort) fuzz/seeds/jsonl_log/*; do
    cp "$f" "fuzz/corpus/jsonl_log/seed-$(echo "$f" | tr '/' '_')"
done
for f in fuzz/seeds/csv_log/*; do
    cp "$f" "fuzz/corpus/csv_log/seed-$(basename "$f")"
done
for f in fuzz/seeds/lsp_frame/*; do
    cp "$f" "fuzz/corpus/lsp_frame/seed-$(basename "$f")"
done
# The real data's first rows (a header and 200 records).
for f in ../shared/data/*.csv; do
    [ -f "$f" ] && head -n 201 "$f" > "fuzz/corpus/csv_log/seed-$(basename "$f")"
done
echo "seeded: $(ls fuzz/corpus/rule_file | wc -l) rule files, $(ls fuzz/corpus/jsonl_log | wc -l) JSON Lines logs, $(ls fuzz/corpus/csv_log | wc -l) CSV logs"
