// Config: the keys of one fieldgen command, read from an INI input deck and command-line
// overrides with Boost.Program_options:
//   fieldgen <command> --config input/x.cfg [--config input/case.cfg ...] --section.key=value ...
// A later deck overrides an earlier one key by key, and command-line values win over the decks;
// unknown keys and invalid values throw ConfigError naming the key and the allowed values or range.
// effective_text() renders every key with its effective value as INI text, to be echoed into every
// output file.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fieldgen {

class Config {
public:
  Config(std::string command, std::string summary);

  // Declares a key "section.name" with its default and meaning; values are checked at parse time.
  Config& add_int(const std::string& key, long def, const std::string& help, long min, long max);
  Config& add_real(const std::string& key, double def, const std::string& help, double min,
                   double max);
  Config& add_string(const std::string& key, const std::string& def, const std::string& help);
  Config& add_choice(const std::string& key, const std::string& def, const std::string& help,
                     const std::vector<std::string>& choices);
  Config& add_bool(const std::string& key, bool def, const std::string& help);

  // Parses args (the words after the command). Returns false when --help was asked for (the help
  // text has been printed on rank 0) or --check (deck and keys parsed and range-checked, a
  // confirmation printed on rank 0: the command stops before its own cross-key checks), true
  // otherwise. Throws ConfigError on any bad input.
  bool parse(const std::vector<std::string>& args);

  long get_int(const std::string& key) const;
  double get_real(const std::string& key) const;
  const std::string& get_string(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  bool has(const std::string& key) const { return keys_.count(key) > 0; }
  // Sets a value after parsing (checked like a user value); used by commands that derive keys.
  void set(const std::string& key, const std::string& value);

  std::string help_text() const;
  std::string effective_text() const;
  const std::string& command() const { return command_; }

private:
  enum class Type { Int, Real, String, Choice, Bool };
  struct Key {
    Type type;
    std::string def, help, value;
    double min = 0, max = 0;
    std::vector<std::string> choices;
  };
  Key& declare(const std::string& key, Type type, const std::string& def, const std::string& help);
  void check(const std::string& key, const Key& k, const std::string& value,
             const std::string& origin) const;
  const Key& find(const std::string& key, Type type) const;

  std::string command_, summary_, deck_path_;
  std::map<std::string, Key> keys_;
  std::vector<std::string> order_;
};

} // namespace fieldgen
