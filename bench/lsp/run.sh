#!/usr/bin/env bash
# Reproduce bench/lsp/RESULTS.md: spmd-lsp next to `ruff server`, measured in the same run with
# the shared harness (shared/tools/lspbench, run from its own folder, not copied).
#
#   bash bench/lsp/run.sh                          # 2,000 and 10,000 lines, 3 runs each, both servers
#   RUNS=5 SIZES=10000 bash bench/lsp/run.sh
#
# Environment: PYTHON (default /work/venv/bin/python, the venv with spmd-lsp installed), RUFF
# (default: ruff next to PYTHON, else on PATH), LSPBENCH (default ../../../shared/tools/lspbench),
# OUT (default bench/lsp/scratch/results/DATE). Generated files and raw JSON go under
# bench/lsp/scratch/ (not committed). Never run two benchmarks at once on this box.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-/work/venv/bin/python}
LSPBENCH=${LSPBENCH:-$(cd "$HERE/../../../shared/tools/lspbench" && pwd)}
RUFF=${RUFF:-$(dirname "$PYTHON")/ruff}
[ -x "$RUFF" ] || RUFF=$(command -v ruff)
RUNS=${RUNS:-3}
SIZES=${SIZES:-"2000 10000"}
OUT=${OUT:-$HERE/scratch/results/$(date +%Y-%m-%d)}
mkdir -p "$OUT" "$HERE/scratch/logs"

# the same work for both servers: 30 edits, 30 hovers, 10 codeActions, a burst of 10 keys 50 ms apart
COMMON=(--runs "$RUNS" --edits 30 --hovers 30 --code-actions 10 --burst 10 --log-dir "$HERE/scratch/logs")

{
  echo "date: $(date -Is)"
  echo "host: $(nproc) CPUs; $(uptime)"
  echo "python: $("$PYTHON" --version 2>&1); spmd-lsp: $("$PYTHON" -m spmd_lsp --version); ruff: $("$RUFF" --version)"
  echo "lspbench: $LSPBENCH"
} | tee "$OUT/environment.txt"

for n in $SIZES; do
  ws="$HERE/scratch/ws$n"
  mkdir -p "$ws"
  "$PYTHON" "$LSPBENCH/gen_module.py" --lines "$n" --seed 0 -o "$ws/tp_$n.py"
  md5sum "$ws/tp_$n.py" | tee -a "$OUT/environment.txt"
  (
    cd "$LSPBENCH"
    echo "== spmd-lsp, $n lines ($(uptime | sed 's/.*load/load/'))"
    "$PYTHON" lspbench.py --server "$PYTHON -m spmd_lsp --stdio" --file "$ws/tp_$n.py" \
      "${COMMON[@]}" -o "$OUT/spmd.n$n.json"
    echo "== ruff server, $n lines ($(uptime | sed 's/.*load/load/'))"
    "$PYTHON" lspbench.py --server "$RUFF server" --file "$ws/tp_$n.py" \
      "${COMMON[@]}" -o "$OUT/ruff.n$n.json"
  )
done

"$PYTHON" "$LSPBENCH/report.py" "$OUT" > "$OUT/report.md"
"$PYTHON" "$HERE/summary.py" "$OUT" | tee "$OUT/summary.md"
