// Shared training/sampling helpers of the commands (train_common.hpp).
#include "train_common.hpp"

#include "fieldgen/core/error.hpp"
#include "fieldgen/io/atomic_output.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace fieldgen::app {
namespace {

const long max_int = 1L << 62; // exact in the double that Config keeps ranges in

} // namespace

std::map<std::string, std::string> parse_effective(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    if (line[0] == '[') {
      section = line.substr(1, line.find(']') - 1);
      continue;
    }
    const size_t eq = line.find(" = ");
    if (eq != std::string::npos)
      values[section + "." + line.substr(0, eq)] = line.substr(eq + 3);
  }
  return values;
}

void set_loop_options(const Config& cfg, long per_epoch, nn::TrainLoopOptions& o) {
  o.steps = cfg.get_int("train.steps") > 0 ? cfg.get_int("train.steps")
                                           : cfg.get_int("train.epochs") * per_epoch;
  o.seed = std::uint64_t(cfg.get_int("train.seed"));
  o.clip = cfg.get_real("train.clip");
  o.ema_decay = cfg.get_real("train.ema_decay");
  o.log_every = cfg.get_int("train.log_every");
  o.checkpoint = cfg.get_string("train.checkpoint");
  o.checkpoint_every = cfg.get_int("train.checkpoint_every");
  o.config = cfg.effective_text();
}

Config& add_lr_keys(Config& c) {
  return c.add_real("train.lr", 1e-3, "Adam learning rate", 0.0, 1e300)
      .add_choice("train.lr_schedule", "step",
                  "step (StepLR per epoch, the reference), cosine (per step), constant",
                  {"step", "cosine", "constant"})
      .add_int("train.step_size", 25, "StepLR period in epochs", 1, max_int)
      .add_real("train.gamma", 0.1, "StepLR factor", 0.0, 1.0)
      .add_real("train.lr_floor", 0.0, "final learning rate of the cosine schedule", 0.0, 1e300)
      .add_int("train.warmup", 0, "linear warm-up steps (0 = none)", 0, max_int);
}

nn::LrSchedule lr_schedule(const Config& cfg, long steps, long per_epoch) {
  const double lr = cfg.get_real("train.lr");
  const std::string kind = cfg.get_string("train.lr_schedule");
  const nn::LrSchedule s =
      kind == "step"     ? nn::LrSchedule::step_decay(lr, cfg.get_int("train.step_size"),
                                                      cfg.get_real("train.gamma"), per_epoch)
      : kind == "cosine" ? nn::LrSchedule::cosine(lr, cfg.get_real("train.lr_floor"), steps)
                         : nn::LrSchedule::constant(lr);
  return s.with_warmup(cfg.get_int("train.warmup"));
}

template <class Real> std::string parameter_hash(const nn::Parameters<Real>& params) {
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), params.values());
  const auto* bytes = reinterpret_cast<const unsigned char*>(host.data());
  std::uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < host.size() * sizeof(Real); ++i)
    h = (h ^ bytes[i]) * 1099511628211ull;
  char text[32];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

void check_checkpoint_path(const Config& cfg, const Comm& comm) {
  if (!cfg.get_string("train.checkpoint").empty())
    io::check_output_path(cfg.get_string("train.checkpoint"), comm);
}

void check_trained_with(const Config& cfg, const std::string& trained, const std::string& path,
                        const std::vector<std::string>& sections,
                        const std::vector<std::string>& keys) {
  const auto now = parse_effective(cfg.effective_text());
  for (const auto& [key, value] : parse_effective(trained)) {
    const std::string section = key.substr(0, key.find('.'));
    const bool checked = std::count(sections.begin(), sections.end(), section) > 0 ||
                         std::count(keys.begin(), keys.end(), key) > 0;
    const auto it = now.find(key);
    if (checked && it != now.end() && it->second != value)
      throw ConfigError(cat(key, " = ", it->second, " but the checkpoint ", path,
                            " was trained with ", key, " = ", value));
  }
}

template std::string parameter_hash<float>(const nn::Parameters<float>&);
template std::string parameter_hash<double>(const nn::Parameters<double>&);

} // namespace fieldgen::app
