// Comm: an MPI communicator duplicated from a parent and owned (freed on destruction), with the
// few collective helpers fieldgen needs. Objects that communicate hold their own Comm so that
// their messages can never match another object's.
#pragma once

#include "fieldgen/core/error.hpp"

#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

namespace fieldgen {

template <class T> MPI_Datatype mpi_type();
template <> inline MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
template <> inline MPI_Datatype mpi_type<float>() {
  return MPI_FLOAT;
}
template <> inline MPI_Datatype mpi_type<int>() {
  return MPI_INT;
}
template <> inline MPI_Datatype mpi_type<long>() {
  return MPI_LONG;
}
template <> inline MPI_Datatype mpi_type<long long>() {
  return MPI_LONG_LONG;
}
template <> inline MPI_Datatype mpi_type<unsigned long>() {
  return MPI_UNSIGNED_LONG;
}
template <> inline MPI_Datatype mpi_type<unsigned long long>() {
  return MPI_UNSIGNED_LONG_LONG;
}
template <> inline MPI_Datatype mpi_type<char>() {
  return MPI_CHAR;
}

class Comm {
public:
  explicit Comm(MPI_Comm parent = MPI_COMM_WORLD);
  ~Comm();
  Comm(const Comm& other);
  Comm& operator=(const Comm&) = delete;

  MPI_Comm get() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  void barrier() const;
  // In-place sum over ranks.
  template <class T> void allreduce_sum(T* data, long count) const {
    FIELDGEN_MPI_CHECK(
        MPI_Allreduce(MPI_IN_PLACE, data, int(count), mpi_type<T>(), MPI_SUM, comm_));
  }
  template <class T> T sum(T value) const {
    allreduce_sum(&value, 1);
    return value;
  }
  template <class T> T max(T value) const {
    FIELDGEN_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &value, 1, mpi_type<T>(), MPI_MAX, comm_));
    return value;
  }
  template <class T> T min(T value) const {
    FIELDGEN_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &value, 1, mpi_type<T>(), MPI_MIN, comm_));
    return value;
  }
  template <class T> void broadcast(T* data, long count, int root = 0) const {
    FIELDGEN_MPI_CHECK(MPI_Bcast(data, int(count), mpi_type<T>(), root, comm_));
  }
  void broadcast(std::string& s, int root = 0) const;

  // Runs fn on rank 0 only; if it throws a fieldgen::Error, every rank rethrows it as a
  // collective error, so the failure of a root-only step (parsing a text file, say) is reported
  // once and no rank hangs.
  void root_try(const std::function<void()>& fn) const;

private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
};

} // namespace fieldgen
