// Comm: owned duplicate communicator and collective helpers.
#include "fieldgen/core/comm.hpp"

namespace fieldgen {

Comm::Comm(MPI_Comm parent) {
  FIELDGEN_MPI_CHECK(MPI_Comm_dup(parent, &comm_));
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

Comm::Comm(const Comm& other) : Comm(other.comm_) {}

Comm::~Comm() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && comm_ != MPI_COMM_NULL)
    MPI_Comm_free(&comm_);
}

void Comm::barrier() const {
  FIELDGEN_MPI_CHECK(MPI_Barrier(comm_));
}

void Comm::broadcast(std::string& s, int root) const {
  long n = long(s.size());
  broadcast(&n, 1, root);
  s.resize(size_t(n));
  if (n > 0)
    broadcast(s.data(), n, root);
}

void Comm::root_try(const std::function<void()>& fn) const {
  std::string kind, message;
  if (rank_ == 0) {
    try {
      fn();
    } catch (const Error& e) {
      kind = e.kind();
      message = e.what();
    }
  }
  broadcast(kind);
  broadcast(message);
  if (kind.empty())
    return;
  throw Error(kind, message, ErrorScope::Collective);
}

} // namespace fieldgen
