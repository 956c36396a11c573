// fieldgen_bench: runs every benchmark section in one process.
//   mpirun -np 2 build/bin/fieldgen_bench [section ...]  (layers halo dsd_forward; default all)
#include "sections.hpp"

#include "fieldgen/core/runtime.hpp"

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  fieldgen::Runtime runtime(argc, argv);
  try {
    fieldgen::Comm comm;
    auto wanted = [&](const char* name) {
      if (argc < 2)
        return true;
      for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], name))
          return true;
      return false;
    };
    if (wanted("layers"))
      fieldgen::bench::layers(comm);
    if (wanted("halo"))
      fieldgen::bench::halo(comm);
    if (wanted("dsd_forward"))
      fieldgen::bench::dsd_forward(comm);
  } catch (const fieldgen::Error& e) {
    return runtime.fail(e);
  }
  return 0;
}
