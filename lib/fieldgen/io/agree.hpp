// Error agreement for collective steps: every rank runs its part of a collective operation and
// reports whether it failed; if any rank failed, all ranks throw the same collective Error (the
// one of the lowest failing rank), so a failure seen by one rank is reported once and no rank is
// left waiting in a later collective call.
#pragma once

#include "fieldgen/core/comm.hpp"

#include <functional>

namespace fieldgen::io {

// Runs fn on every rank; catches a fieldgen::Error thrown on any rank and rethrows it on all
// ranks as a collective error of the same kind and message. fn must not itself block on ranks
// that may have failed before reaching a collective call.
void agree(const Comm& comm, const std::function<void()>& fn);

} // namespace fieldgen::io
