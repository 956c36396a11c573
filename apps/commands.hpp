// The subcommands of the fieldgen executable. Each takes the words after its name, parses its own
// Config (so `fieldgen <command> --help` lists every key), and returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace fieldgen::app {

using Args = std::vector<std::string>;

int command_data(const Args& args);   // generate or import a dataset into HDF5
int command_eval(const Args& args);   // metrics of generated vs reference samples
int command_sample(const Args& args); // FuncDiff sampling from a checkpoint
int command_train(const Args& args);  // FuncDiff training

int command_dsd_sample(const Args& args); // DSD tau-leaping sampling from a checkpoint
int command_dsd_train(const Args& args);  // DSD rate-network training

} // namespace fieldgen::app
