// The command-line options of fieldgen_bench (--section.key=value; --help lists them): sizes and
// repetitions of the sections that take any, so that the default run stays short on a laptop and
// a cluster job can ask for the full sizes.
#include "sections.hpp"

namespace fieldgen::bench {

Config options() {
  Config c("fieldgen_bench",
           "Benchmarks of fieldgen; each section prints its figures next to a "
           "baseline measured in the same run.\nUsage: mpirun -np P "
           "fieldgen_bench [section ...] [--section.key=value ...]\nSections: "
           "layers halo dsd_forward dsd_sample dsd_train funcdiff spde_scaling gram_vs_spde "
           "(default: all).");
  c.add_int("funcdiff.train_steps", 5, "timed optimizer steps per model and precision", 1, 100000);
  c.add_int("funcdiff.warmup_steps", 1, "untimed optimizer steps before them", 0, 1000);
  c.add_int("funcdiff.sample_curves", 0,
            "curves generated per rank in one batch (0: each deck's sample.batch)", 0, 100000);
  c.add_int("funcdiff.sample_steps", 5,
            "reverse steps per timed chain (curves/s is quoted for the deck's T = 1000)", 1, 1000);
  c.add_int("funcdiff.sample_rounds", 3, "timed chains per model and precision", 1, 1000);
  c.add_int("dsd_train.steps", 5, "timed optimizer steps per deck", 1, 100000);
  c.add_int("spde_scaling.max_points", 640000,
            "largest mesh of the sizes 1e4, 4e4, 1.6e5, 6.4e5, 2.56e6, 4e6", 10000, 4000000);
  c.add_int("spde_scaling.repeats", 3,
            "timed samples (and losses) per mesh, at least; the median is shown", 1, 100);
  c.add_int("gram_vs_spde.max_points", 4096, "largest number of points (64, 128, ... doubling)", 64,
            16384);
  c.add_int("gram_vs_spde.dims", 2, "run the 1-D comparison, and the 2-D one when 2", 1, 2);
  return c;
}

} // namespace fieldgen::bench
