#!/usr/bin/env bash
# Runs every fieldgen_bench section on 1 and on 2 MPI ranks and keeps the output in
# run/bench/bench_np{1,2}.txt. Builds first if needed (tools/setup.sh). Extra arguments go to
# fieldgen_bench, e.g. the full sizes of the FuncDiff benchmarks:
#   bash jobs/local/bench.sh --spde_scaling.max_points=4000000 --gram_vs_spde.max_points=8192 \
#     --funcdiff.sample_steps=1000
#   FIELDGEN_BENCH_SECTIONS="funcdiff spde_scaling" bash jobs/local/bench.sh   (some sections only)
#   FIELDGEN_LAUNCH="srun" (from jobs/slurm/bench.sbatch): the launcher, given "-n <ranks>".
set -euo pipefail
source "$(dirname "$0")/environment.sh"
launch=${FIELDGEN_LAUNCH:-"mpirun"} # bench.sh adds -np itself
read -r -a sections <<<"${FIELDGEN_BENCH_SECTIONS:-}"
mkdir -p run/bench
for np in 1 2; do
  echo "== fieldgen_bench on $np rank(s) -> run/bench/bench_np$np.txt"
  $launch -n "$np" build/bin/fieldgen_bench "${sections[@]}" "$@" | tee "run/bench/bench_np$np.txt"
done
