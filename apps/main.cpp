// fieldgen: one executable, one subcommand per stage of a campaign. Thin: it sets up the runtime,
// dispatches, and turns any fieldgen::Error into one clear line and a non-zero exit code.
#include "commands.hpp"

#include "fieldgen/core/runtime.hpp"

#include <cstdio>
#include <cstring>
#include <map>

namespace {

struct Command {
  int (*run)(const fieldgen::app::Args&);
  const char* summary;
};

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table = {
      {"data",
       {fieldgen::app::command_data,
        "generate (MoGP, Linear) or import (CSV, IDX) a dataset into HDF5"}},
      {"dsd-sample",
       {fieldgen::app::command_dsd_sample,
        "sample count fields from a DSD rate network (tau-leaping; mass, class, inpainting)"}},
      {"dsd-train",
       {fieldgen::app::command_dsd_train,
        "train the discrete-spatial-diffusion rate network (checkpoint, resume)"}},
      {"eval",
       {fieldgen::app::command_eval,
        "metrics of generated vs reference samples (+ FPCA, GP baselines)"}},
      {"sample",
       {fieldgen::app::command_sample,
        "generate curves with a trained FuncDiff model (optionally conditioned)"}},
      {"train",
       {fieldgen::app::command_train, "train the FuncDiff FNO denoiser (checkpoint, resume)"}},
  };
  return table;
}

void print_usage(int rank) {
  if (rank != 0)
    return;
  std::printf("usage: fieldgen <command> [--config deck.cfg] [--section.key=value ...]\n\n"
              "Commands:\n");
  for (const auto& [name, cmd] : commands())
    std::printf("  %-10s %s\n", name.c_str(), cmd.summary);
  std::printf("\n'fieldgen <command> --help' lists every key of a command with its default.\n");
}

} // namespace

int main(int argc, char** argv) {
  fieldgen::Runtime runtime(argc, argv);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    print_usage(runtime.rank());
    return argc < 2 ? 2 : 0;
  }
  try {
    const auto it = commands().find(argv[1]);
    if (it == commands().end())
      throw fieldgen::ConfigError(
          fieldgen::cat("unknown command '", argv[1], "' (see 'fieldgen --help')"));
    return it->second.run(fieldgen::app::Args(argv + 2, argv + argc));
  } catch (const fieldgen::Error& e) {
    return runtime.fail(e);
  } catch (const std::exception& e) {
    return runtime.fail(e);
  }
}
