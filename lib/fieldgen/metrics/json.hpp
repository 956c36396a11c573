// Minimal JSON output for evaluation reports (metrics.json): an ordered object of raw JSON
// values built from numbers (NaN and infinities become null, finite values round-trip with 17
// significant digits), strings (escaped per RFC 8259) and arrays of numbers.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace fieldgen::metrics {

std::string json_number(double v);
std::string json_string(const std::string& s);
std::string json_array(const std::vector<double>& v);

class JsonObject {
public:
  JsonObject& add_raw(const std::string& key, std::string json);
  JsonObject& add(const std::string& key, double v) { return add_raw(key, json_number(v)); }
  JsonObject& add(const std::string& key, const std::string& s) {
    return add_raw(key, json_string(s));
  }
  JsonObject& add(const std::string& key, const std::vector<double>& v) {
    return add_raw(key, json_array(v));
  }
  JsonObject& add(const std::string& key, const JsonObject& o) { return add_raw(key, o.str()); }
  // One member per line, nested objects indented.
  std::string str(int indent = 0) const;

private:
  std::vector<std::pair<std::string, std::string>> members_;
};

} // namespace fieldgen::metrics
