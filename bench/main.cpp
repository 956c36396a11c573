// fieldgen_bench: runs every benchmark section in one process.
//   mpirun -np 2 build/bin/fieldgen_bench [section ...] [--section.key=value ...]
//   (layers halo dsd_forward dsd_sample dsd_train funcdiff spde_scaling gram_vs_spde; default all;
//   --help: options)
#include "sections.hpp"

#include "fieldgen/core/runtime.hpp"

#include <algorithm>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  fieldgen::Runtime runtime(argc, argv);
  try {
    fieldgen::Comm comm;
    std::vector<std::string> sections, args;
    for (int i = 1; i < argc; ++i)
      (argv[i][0] == '-' ? args : sections).push_back(argv[i]);
    fieldgen::Config cfg = fieldgen::bench::options();
    if (!cfg.parse(args))
      return 0;
    const std::vector<std::string> known = {"layers",       "halo",        "dsd_forward",
                                            "dsd_sample",   "dsd_train",   "funcdiff",
                                            "spde_scaling", "gram_vs_spde"};
    for (const auto& s : sections)
      if (std::find(known.begin(), known.end(), s) == known.end())
        throw fieldgen::ConfigError(
            fieldgen::cat("fieldgen_bench: unknown section '", s, "' (see fieldgen_bench --help)"));
    auto wanted = [&](const char* name) {
      return sections.empty() ||
             std::find(sections.begin(), sections.end(), name) != sections.end();
    };
    if (wanted("layers"))
      fieldgen::bench::layers(comm);
    if (wanted("halo"))
      fieldgen::bench::halo(comm);
    if (wanted("dsd_forward"))
      fieldgen::bench::dsd_forward(comm);
    if (wanted("dsd_sample"))
      fieldgen::bench::dsd_sample(comm);
    if (wanted("dsd_train"))
      fieldgen::bench::dsd_train(comm, cfg);
    if (wanted("funcdiff"))
      fieldgen::bench::funcdiff(comm, cfg);
    if (wanted("spde_scaling"))
      fieldgen::bench::spde_scaling(comm, cfg);
    if (wanted("gram_vs_spde"))
      fieldgen::bench::gram_vs_spde(comm, cfg);
  } catch (const fieldgen::Error& e) {
    return runtime.fail(e);
  }
  return 0;
}
