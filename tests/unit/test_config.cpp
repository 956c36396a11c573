// Config: defaults, deck + command-line precedence, and the error messages for bad keys/values.
#include <doctest/doctest.h>

#include "fieldgen/core/config.hpp"
#include "fieldgen/core/error.hpp"

#include <cstdio>
#include <fstream>

using fieldgen::Config;
using fieldgen::ConfigError;

namespace {
Config make() {
  Config c("test", "a test command");
  c.add_int("train.batch", 64, "batch size", 1, 4096)
      .add_real("train.lr", 1e-3, "learning rate", 0.0, 1.0)
      .add_choice("data.kind", "mogp", "dataset", {"mogp", "linear"})
      .add_bool("train.ema", true, "keep an EMA of the weights")
      .add_string("output.path", "out.h5", "output file");
  return c;
}

std::string error_of(Config& c, const std::vector<std::string>& args) {
  try {
    c.parse(args);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string write_deck(const std::string& text, const std::string& path = "test_config_deck.cfg") {
  std::ofstream(path) << text;
  return path;
}
} // namespace

TEST_CASE("config defaults and typed getters") {
  Config c = make();
  CHECK(c.parse({}));
  CHECK(c.get_int("train.batch") == 64);
  CHECK(c.get_real("train.lr") == doctest::Approx(1e-3));
  CHECK(c.get_string("data.kind") == "mogp");
  CHECK(c.get_bool("train.ema"));
}

TEST_CASE("command line overrides the deck") {
  const auto deck = write_deck("[train]\nbatch = 32\nlr = 0.01\n[data]\nkind = linear\n");
  Config c = make();
  c.parse({"--config", deck, "--train.batch=8"});
  CHECK(c.get_int("train.batch") == 8);
  CHECK(c.get_real("train.lr") == doctest::Approx(0.01));
  CHECK(c.get_string("data.kind") == "linear");
  CHECK(c.effective_text().find("batch = 8") != std::string::npos);
  std::remove(deck.c_str());
}

TEST_CASE("a later deck overrides an earlier one key by key; errors name the deck") {
  const auto base = write_deck("[train]\nbatch = 32\nlr = 0.01\n", "test_config_base.cfg");
  const auto over = write_deck("[train]\nbatch = 16\n", "test_config_case.cfg");
  const auto bad = write_deck("[train]\nlr = 7\n", "test_config_bad.cfg");
  Config c = make();
  c.parse({"--config", base, "--config", over});
  CHECK(c.get_int("train.batch") == 16);
  CHECK(c.get_real("train.lr") == doctest::Approx(0.01));
  Config d = make();
  d.parse({"--config", over, "--config", base, "--train.lr=0.5"});
  CHECK(d.get_int("train.batch") == 32);
  CHECK(d.get_real("train.lr") == doctest::Approx(0.5));
  Config e = make();
  const std::string msg = error_of(e, {"--config", base, "--config", bad});
  CHECK(msg.find("train.lr") != std::string::npos);
  CHECK(msg.find(bad) != std::string::npos);
  for (const auto& f : {base, over, bad})
    std::remove(f.c_str());
}

TEST_CASE("bad keys and values name the culprit") {
  Config c1 = make();
  CHECK(error_of(c1, {"--train.bach=3"}).find("train.bach") != std::string::npos);
  Config c2 = make();
  const auto e2 = error_of(c2, {"--train.batch=0"});
  CHECK(e2.find("train.batch") != std::string::npos);
  CHECK(e2.find("[1, 4096]") != std::string::npos);
  Config c3 = make();
  CHECK(error_of(c3, {"--train.lr=abc"}).find("not a finite number") != std::string::npos);
  Config c4 = make();
  CHECK(error_of(c4, {"--data.kind=csv"}).find("mogp, linear") != std::string::npos);
  Config c5 = make();
  CHECK(error_of(c5, {"--train.ema=maybe"}).find("train.ema") != std::string::npos);
  const auto deck = write_deck("[train]\nwarmup = 3\n");
  Config c6 = make();
  const auto e6 = error_of(c6, {"--config", deck});
  CHECK(e6.find("train.warmup") != std::string::npos);
  CHECK(e6.find(deck) != std::string::npos);
  std::remove(deck.c_str());
  Config c7 = make();
  CHECK(error_of(c7, {"--config", "no_such_deck.cfg"}).find("no_such_deck.cfg") !=
        std::string::npos);
}

TEST_CASE("help lists every key with its default") {
  Config c = make();
  const auto h = c.help_text();
  for (const char* k : {"train.batch", "train.lr", "data.kind", "train.ema", "output.path"})
    CHECK(h.find(k) != std::string::npos);
  CHECK(h.find("default: 64") != std::string::npos);
}

TEST_CASE("--check parses the deck and stops; bad decks still fail") {
  const auto good = write_deck("[train]\nbatch = 32\n");
  Config c1 = make();
  CHECK_FALSE(c1.parse({"--config", good, "--check"}));
  CHECK(c1.get_int("train.batch") == 32);
  const auto bad = write_deck("[train]\nbatch = 0\n");
  Config c2 = make();
  CHECK(error_of(c2, {"--config", bad, "--check"}).find("train.batch") != std::string::npos);
  std::remove(bad.c_str());
  CHECK(make().help_text().find("--check") != std::string::npos);
}
