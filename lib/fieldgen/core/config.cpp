// Config: Boost.Program_options front end with strict key and value checking.
#include "fieldgen/core/config.hpp"

#include "fieldgen/core/error.hpp"

#include <boost/program_options.hpp>
#include <mpi.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace po = boost::program_options;

namespace fieldgen {
namespace {

bool parse_long(const std::string& s, long& out) {
  if (s.empty())
    return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtol(s.c_str(), &end, 10);
  return errno == 0 && *end == '\0';
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty())
    return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return errno == 0 && *end == '\0' && std::isfinite(out);
}

bool parse_bool(const std::string& s, bool& out) {
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  if (l == "true" || l == "1" || l == "yes" || l == "on")
    return out = true, true;
  if (l == "false" || l == "0" || l == "no" || l == "off")
    return out = false, true;
  return false;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string fmt_real(double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

} // namespace

Config::Config(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {}

Config::Key& Config::declare(const std::string& key, Type type, const std::string& def,
                             const std::string& help) {
  require(key.find('.') != std::string::npos, "config key '", key, "' must be section.name");
  require(!keys_.count(key), "config key '", key, "' declared twice");
  order_.push_back(key);
  Key& k = keys_[key];
  k.type = type;
  k.def = def;
  k.value = def;
  k.help = help;
  return k;
}

Config& Config::add_int(const std::string& key, long def, const std::string& help, long min,
                        long max) {
  Key& k = declare(key, Type::Int, std::to_string(def), help);
  k.min = double(min);
  k.max = double(max);
  return *this;
}

Config& Config::add_real(const std::string& key, double def, const std::string& help, double min,
                         double max) {
  Key& k = declare(key, Type::Real, fmt_real(def), help);
  k.min = min;
  k.max = max;
  return *this;
}

Config& Config::add_string(const std::string& key, const std::string& def,
                           const std::string& help) {
  declare(key, Type::String, def, help);
  return *this;
}

Config& Config::add_choice(const std::string& key, const std::string& def, const std::string& help,
                           const std::vector<std::string>& choices) {
  Key& k = declare(key, Type::Choice, def, help);
  k.choices = choices;
  return *this;
}

Config& Config::add_bool(const std::string& key, bool def, const std::string& help) {
  declare(key, Type::Bool, def ? "true" : "false", help);
  return *this;
}

void Config::check(const std::string& key, const Key& k, const std::string& value,
                   const std::string& origin) const {
  const std::string where = cat("'", key, " = ", value, "'", origin);
  switch (k.type) {
  case Type::Int: {
    long v = 0;
    if (!parse_long(value, v))
      throw ConfigError(cat(where, ": not an integer"));
    if (double(v) < k.min || double(v) > k.max)
      throw ConfigError(cat(where, ": out of range [", long(k.min), ", ", long(k.max), "]"));
    break;
  }
  case Type::Real: {
    double v = 0;
    if (!parse_double(value, v))
      throw ConfigError(cat(where, ": not a finite number"));
    if (v < k.min || v > k.max)
      throw ConfigError(
          cat(where, ": out of range [", fmt_real(k.min), ", ", fmt_real(k.max), "]"));
    break;
  }
  case Type::Choice:
    if (std::find(k.choices.begin(), k.choices.end(), value) == k.choices.end()) {
      std::string allowed;
      for (const auto& c : k.choices)
        allowed += (allowed.empty() ? "" : ", ") + c;
      throw ConfigError(cat(where, ": allowed values are ", allowed));
    }
    break;
  case Type::Bool: {
    bool b = false;
    if (!parse_bool(value, b))
      throw ConfigError(cat(where, ": not a boolean (true/false)"));
    break;
  }
  case Type::String:
    break;
  }
}

bool Config::parse(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("help,h", "")("check", "")("config", po::value<std::vector<std::string>>(),
                                                "");
  for (const auto& key : order_)
    desc.add_options()(key.c_str(), po::value<std::string>(), "");

  po::variables_map cli;
  try {
    po::store(
        po::command_line_parser(args)
            .options(desc)
            .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
            .run(),
        cli);
  } catch (const po::unknown_option& e) {
    throw ConfigError(cat("unknown key '", trim(e.get_option_name()),
                          "' on the command line (see 'fieldgen ", command_, " --help')"));
  } catch (const po::error& e) {
    throw ConfigError(cat("command line: ", e.what()));
  }
  if (cli.count("help")) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
      std::printf("%s", help_text().c_str());
    return false;
  }
  // Decks in the order given; a key set by several takes the last one's value (a case deck can
  // override a base deck), the command line wins over all.
  std::map<std::string, std::pair<std::string, std::string>> from_decks; // key -> (value, deck)
  if (cli.count("config")) {
    for (const std::string& path : cli["config"].as<std::vector<std::string>>()) {
      deck_path_ += (deck_path_.empty() ? "" : ", ") + path;
      std::ifstream in(path);
      if (!in)
        throw ConfigError(cat("cannot open config file '", path, "'"));
      po::options_description deck_desc;
      for (const auto& key : order_)
        deck_desc.add_options()(key.c_str(), po::value<std::string>(), "");
      po::variables_map deck;
      try {
        po::store(po::parse_config_file(in, deck_desc, false), deck);
      } catch (const po::unknown_option& e) {
        throw ConfigError(cat("unknown key '", e.get_option_name(), "' in ", path,
                              " (see 'fieldgen ", command_, " --help')"));
      } catch (const po::error& e) {
        throw ConfigError(cat(path, ": ", e.what()));
      }
      for (const auto& key : order_)
        if (deck.count(key))
          from_decks[key] = {trim(deck[key].as<std::string>()), path};
    }
  }
  for (const auto& key : order_) {
    Key& k = keys_.at(key);
    if (cli.count(key)) {
      k.value = trim(cli[key].as<std::string>());
      check(key, k, k.value, " on the command line");
    } else if (from_decks.count(key)) {
      k.value = from_decks[key].first;
      check(key, k, k.value, cat(" in ", from_decks[key].second));
    }
  }
  if (cli.count("check")) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
      std::printf("fieldgen %s: %s: every key is known and in range\n", command_.c_str(),
                  deck_path_.empty() ? "command line" : deck_path_.c_str());
    return false;
  }
  return true;
}

void Config::set(const std::string& key, const std::string& value) {
  auto it = keys_.find(key);
  require(it != keys_.end(), "Config::set: unknown key '", key, "'");
  check(key, it->second, value, "");
  it->second.value = value;
}

const Config::Key& Config::find(const std::string& key, Type type) const {
  auto it = keys_.find(key);
  require(it != keys_.end(), "config key '", key, "' was never declared for '", command_, "'");
  require(it->second.type == type || (type == Type::String && it->second.type == Type::Choice),
          "config key '", key, "' read with the wrong type");
  return it->second;
}

long Config::get_int(const std::string& key) const {
  long v = 0;
  parse_long(find(key, Type::Int).value, v);
  return v;
}

double Config::get_real(const std::string& key) const {
  double v = 0;
  parse_double(find(key, Type::Real).value, v);
  return v;
}

const std::string& Config::get_string(const std::string& key) const {
  return find(key, Type::String).value;
}

bool Config::get_bool(const std::string& key) const {
  bool v = false;
  parse_bool(find(key, Type::Bool).value, v);
  return v;
}

std::string Config::help_text() const {
  std::ostringstream s;
  s << "usage: fieldgen " << command_ << " [--config deck.cfg] [--section.key=value ...]\n\n"
    << summary_ << "\n\nKeys (set in the deck's [section] or as --section.key=value):\n";
  std::string section;
  for (const auto& key : order_) {
    const Key& k = keys_.at(key);
    const std::string sec = key.substr(0, key.find('.'));
    if (sec != section)
      s << "\n [" << (section = sec) << "]\n";
    s << "  --" << key << " (default: " << (k.def.empty() ? "\"\"" : k.def) << ")\n      "
      << k.help;
    if (k.type == Type::Int)
      s << " [integer in " << long(k.min) << ".." << long(k.max) << "]";
    else if (k.type == Type::Real)
      s << " [real in " << fmt_real(k.min) << ".." << fmt_real(k.max) << "]";
    else if (k.type == Type::Choice) {
      s << " [one of:";
      for (const auto& c : k.choices)
        s << " " << c;
      s << "]";
    } else if (k.type == Type::Bool)
      s << " [true|false]";
    s << "\n";
  }
  s << "\n  --config FILE   input deck (INI syntax); repeatable, a later deck overrides an earlier "
       "one;\n                  command-line keys override the decks\n"
    << "  --check         parse and check the deck and keys, then stop (no run)\n"
    << "  --help          this text\n";
  return s.str();
}

std::string Config::effective_text() const {
  std::ostringstream s;
  s << "# fieldgen " << FIELDGEN_VERSION << " " << command_ << " effective configuration\n";
  std::string section;
  for (const auto& key : order_) {
    const std::string sec = key.substr(0, key.find('.'));
    if (sec != section)
      s << "[" << (section = sec) << "]\n";
    s << key.substr(key.find('.') + 1) << " = " << keys_.at(key).value << "\n";
  }
  return s.str();
}

} // namespace fieldgen
