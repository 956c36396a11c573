// JSON rendering for evaluation reports (see json.hpp).
#include "fieldgen/metrics/json.hpp"

#include <cmath>
#include <cstdio>

namespace fieldgen::metrics {

std::string json_number(double v) {
  if (!std::isfinite(v))
    return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += ch;
      }
    }
  }
  return out + "\"";
}

std::string json_array(const std::vector<double>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + json_number(v[i]);
  return out + "]";
}

JsonObject& JsonObject::add_raw(const std::string& key, std::string json) {
  members_.emplace_back(key, std::move(json));
  return *this;
}

std::string JsonObject::str(int indent) const {
  const std::string pad(size_t(indent + 2), ' ');
  std::string out = "{";
  for (size_t i = 0; i < members_.size(); ++i) {
    std::string value = members_[i].second;
    // Re-indent nested objects rendered at indent 0.
    std::string shifted;
    for (const char c : value) {
      shifted += c;
      if (c == '\n')
        shifted += pad;
    }
    out += (i ? ",\n" : "\n") + pad + json_string(members_[i].first) + ": " + shifted;
  }
  return out + (members_.empty() ? "}" : "\n" + std::string(size_t(indent), ' ') + "}");
}

} // namespace fieldgen::metrics
