// Error agreement for collective steps (see agree.hpp).
#include "fieldgen/io/agree.hpp"

namespace fieldgen::io {

void agree(const Comm& comm, const std::function<void()>& fn) {
  std::string kind, message;
  try {
    fn();
  } catch (const Error& e) {
    kind = e.kind();
    message = e.what();
  }
  // The lowest failing rank speaks for everyone; comm.size() means "nobody failed".
  const int first = comm.min(kind.empty() ? comm.size() : comm.rank());
  if (first == comm.size())
    return;
  comm.broadcast(kind, first);
  comm.broadcast(message, first);
  throw Error(kind, message, ErrorScope::Collective);
}

} // namespace fieldgen::io
