// `fieldgen dsd-sample`: count fields from a trained DSD rate network (dsd-train checkpoint) by
// binomial tau-leaping (dsd::TauLeapSampler), on any lattice the network accepts, in rounds of
// sample.batch samples, split over the ranks by lattice (every sample decomposed over all ranks:
// a model trained on 64x64 samples a 1024x1024 field) or by samples (each rank runs whole
// samples: generation campaigns of many small fields). Conditioning: the mass
// per channel of every sample (sample.mass, or the mass of the sample's data field times
// sample.mass_factor; a class-conditional sample's data field is one of its own class), a class
// label (sample.label), inpainting (sample.mask: frozen sites keep the counts of data field
// sample.known, no flux across the mask edge, the requested mass goes into the free region).
// Output: a field file of kind "counts" written atomically, with /labels for class-conditional
// runs and /requested_mass [N, C] (int64): the total mass each sample was asked to have (the
// requested free-region mass plus the frozen sites' known mass), which `fieldgen eval` checks
// sample by sample; optionally (sample.guidance, sample.guidance_from) classifier-free guidance of
// the class; optionally (sample.terminal_output) the starting configurations.
#include "commands.hpp"
#include "dsd_setup.hpp"

#include "fieldgen/core/comm.hpp"
#include "fieldgen/core/log.hpp"
#include "fieldgen/core/timer.hpp"
#include "fieldgen/data/sharding.hpp"
#include "fieldgen/dsd/count_blocks.hpp"
#include "fieldgen/dsd/guidance.hpp"
#include "fieldgen/dsd/initial_state.hpp"
#include "fieldgen/dsd/tau_leap_sampler.hpp"
#include "fieldgen/io/field_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

namespace fieldgen::app {
namespace {

const long max_int = 1L << 62;

std::vector<long> parse_list(const std::string& key, const std::string& text, char sep) {
  std::vector<long> v;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, sep)) {
    std::size_t used = 0;
    long x = -1;
    try {
      x = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || x < 0)
      throw ConfigError(cat(key, " = \"", text, "\": \"", item, "\" is not a count >= 0"));
    v.push_back(x);
  }
  if (v.empty())
    throw ConfigError(cat(key, " = \"", text, "\": no value"));
  return v;
}

// Whole data fields [rows.size()][C][points] of the rows asked for (collective).
std::vector<std::int32_t> read_rows(const io::FieldFileReader& data, std::vector<long> rows) {
  std::vector<std::int32_t> out(rows.size() * size_t(data.meta().sample_size()));
  for (size_t i = 0; i < rows.size(); ++i)
    data.read_fields(rows[i], 1, out.data() + i * size_t(data.meta().sample_size()));
  return out;
}

// The inpainting mask of the lattice: nonzero values of the single field in `path` are frozen.
std::vector<std::uint8_t> read_mask(const std::string& path, const Grid& lattice,
                                    const Comm& comm) {
  io::FieldExpect expect;
  expect.shape = lattice.shape();
  expect.channels = 1;
  const io::FieldFileReader file(path, comm, expect);
  if (file.meta().samples != 1)
    throw DataError(cat(path, ": a mask file holds one field, found ", file.meta().samples),
                    ErrorScope::Collective);
  std::vector<double> values(size_t(lattice.size()));
  file.read_fields(0, 1, values.data());
  std::vector<std::uint8_t> frozen(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    frozen[i] = values[i] != 0.0;
  return frozen;
}

// FNV-1a step over the 4 bytes of v.
std::uint64_t fnv1a(std::uint64_t h, std::uint32_t v) {
  for (int k = 0; k < 4; ++k)
    h = (h ^ ((v >> (8 * k)) & 0xFFu)) * 1099511628211ull;
  return h;
}

template <class Real> int sample(const Config& cfg) {
  const Comm comm;
  const Stopwatch clock;
  const io::FieldFileReader data(cfg.get_string("data.path"), comm);
  const io::FieldMeta& dm = data.meta();
  const long nc = cfg.get_int("model.channels");
  if (dm.kind != "counts" || dm.channels != nc)
    throw ConfigError(cat("data.path ", data.name(), " holds ", dm.channels, " channel(s) of kind ",
                          dm.kind, "; the model wants ", nc, " count channel(s)"));

  // The lattice: the data's, or sample.shape with the data's domain and boundaries.
  io::FieldMeta meta = dm;
  const std::string shape_text = cfg.get_string("sample.shape");
  if (!shape_text.empty()) {
    const std::vector<long> shape = parse_list("sample.shape", shape_text, 'x');
    if (long(shape.size()) != dm.dim())
      throw ConfigError(cat("sample.shape = \"", shape_text, "\": the data are ", dm.dim(), "-D"));
    for (long n : shape)
      if (n < 1)
        throw ConfigError(cat("sample.shape = \"", shape_text, "\": sides must be >= 1"));
    meta.shape = shape;
  }
  const Grid lattice = meta.grid();
  const bool same_lattice = meta.shape == dm.shape;
  // sample.split: lattice = every sample decomposed over all ranks (rank 0 gathers and writes);
  // samples = each rank runs whole samples of its block of the set on its own copy of the lattice
  // and writes them (many small fields). The Philox streams are keyed by global sample and site,
  // so both give the same fields.
  const bool by_samples = cfg.get_string("sample.split") == "samples";
  const Decomposition dec(lattice, by_samples ? MPI_COMM_SELF : comm.get());

  const long count = cfg.get_int("sample.count");
  const std::string init = cfg.get_string("sample.init");
  const std::string mask_path = cfg.get_string("sample.mask");
  const std::string mass_text = cfg.get_string("sample.mass");
  const double factor = cfg.get_real("sample.mass_factor");
  if ((init == "data" || !mask_path.empty()) && !same_lattice)
    throw ConfigError(cat("sample.init = data and sample.mask need the data's lattice (",
                          dm.grid().describe(), "), not sample.shape = ", shape_text));
  if (init == "data" && (!mass_text.empty() || factor != 1.0 || !mask_path.empty()))
    throw ConfigError("sample.init = data keeps the data's mass: leave sample.mass empty, "
                      "sample.mass_factor = 1 and sample.mask empty");

  // Class labels.
  const long classes = cfg.get_int("model.classes");
  const std::string label_text = cfg.get_string("sample.label");
  long fixed_label = -1;
  if (label_text != "none" && label_text != "cycle") {
    fixed_label = parse_list("sample.label", label_text, ',').front();
    if (fixed_label >= classes)
      throw ConfigError(cat("sample.label = ", label_text, ": the model has ", classes,
                            " classes (none, cycle or 0..", classes - 1, ")"));
  }
  if (label_text == "cycle" && classes == 0)
    throw ConfigError("sample.label = cycle needs a class-conditional model (model.classes > 0)");
  const double guidance = cfg.get_real("sample.guidance");
  if (guidance != 0.0 && (classes == 0 || label_text == "none"))
    throw ConfigError(cat("sample.guidance = ", guidance,
                          " needs class labels: a model with model.classes > 0 and "
                          "sample.label = cycle or a class"));
  auto label_of = [&](long g) -> int {
    if (label_text == "cycle")
      return int(g % classes);
    return fixed_label >= 0 ? int(fixed_label) : int(classes); // classes = unconditional row
  };
  // The data field sample g derives its mass (and, with sample.init = data, its start) from:
  // field g mod N, or, for a class-conditional sample when the data have labels, the j-th field
  // of its own class (j: the sample's rank among those of its class), so that a sandal gets a
  // sandal's ink, not a coat's.
  std::vector<std::vector<long>> rows_of_class;
  if (classes > 0 && label_text != "none" && dm.labels) {
    std::vector<std::int64_t> all(size_t(dm.samples));
    data.read_labels(0, dm.samples, all.data());
    rows_of_class.resize(size_t(classes));
    for (long g = 0; g < dm.samples; ++g)
      if (all[size_t(g)] >= 0 && all[size_t(g)] < classes)
        rows_of_class[size_t(all[size_t(g)])].push_back(g);
  }
  auto data_row = [&](long g) -> long {
    const int label = label_of(g);
    if (rows_of_class.empty() || label >= classes || rows_of_class[size_t(label)].empty())
      return g % dm.samples;
    const std::vector<long>& own = rows_of_class[size_t(label)];
    const long j = label_text == "cycle" ? g / classes : g;
    return own[size_t(j % long(own.size()))];
  };

  // Mask and the known counts of the frozen sites.
  std::vector<std::uint8_t> frozen;
  std::vector<std::int32_t> known;
  if (!mask_path.empty()) {
    frozen = read_mask(mask_path, lattice, comm);
    const long k = cfg.get_int("sample.known");
    if (k >= dm.samples)
      throw ConfigError(
          cat("sample.known = ", k, ": ", data.name(), " has ", dm.samples, " fields"));
    known = read_rows(data, {k});
  }
  std::vector<long> frozen_mass(size_t(nc), 0); // per channel, in the frozen sites
  for (long c = 0; c < nc && !known.empty(); ++c)
    for (long p = 0; p < dm.points(); ++p)
      frozen_mass[size_t(c)] += frozen[size_t(p)] ? known[size_t(c * dm.points() + p)] : 0;

  // Requested mass per (sample, channel) in the free region.
  std::vector<long> per_channel;
  if (!mass_text.empty()) {
    per_channel = parse_list("sample.mass", mass_text, ',');
    if (per_channel.size() == 1)
      per_channel.assign(size_t(nc), per_channel[0]);
    if (long(per_channel.size()) != nc)
      throw ConfigError(cat("sample.mass = \"", mass_text, "\": ", per_channel.size(),
                            " values for ", nc, " channels"));
  }
  const double area = double(lattice.size()) / double(dm.points());
  // field: the data field [C][points] the mass derives from (unused with sample.mass).
  auto requested_mass = [&](const std::int32_t* field) {
    std::vector<long> m(static_cast<size_t>(nc), 0);
    for (long c = 0; c < nc; ++c) {
      if (!per_channel.empty()) {
        m[size_t(c)] = per_channel[size_t(c)];
        continue;
      }
      double free_mass = 0;
      for (long p = 0; p < dm.points(); ++p)
        if (frozen.empty() || !frozen[size_t(p)])
          free_mass += field[c * dm.points() + p];
      m[size_t(c)] = std::llround(free_mass * area * factor);
    }
    return m;
  };

  // The network on the decomposed lattice, and the sampler.
  RateModel<Real> model =
      load_rate_model<Real>(cfg, dec, sample_checkpoint(cfg), cfg.get_bool("sample.ema"), comm);
  const dsd::TimeGrid times = make_time_grid(cfg);
  const std::uint64_t seed = std::uint64_t(cfg.get_int("sample.seed"));
  dsd::TauLeapSampler<Real> sampler(dec, int(nc), times, cfg.get_real("sample.tolerance"), seed,
                                    cfg.get_bool("sample.final_step") ? dsd::EndAt::Zero
                                                                      : dsd::EndAt::FirstTime);
  sampler.set_mask(frozen);
  sampler.set_corrector(forward_rate(cfg), int(cfg.get_int("sample.corrector_steps")),
                        cfg.get_real("sample.corrector_below"));
  // Classifier-free guidance: each rate evaluation runs the batch through the network with the
  // samples' labels and, for the items whose clock is in the guidance interval t >=
  // sample.guidance_from, once more with the unconditional label, and combines the two
  // (dsd::guided_rates); the other items keep their conditional rates.
  const double guidance_from = cfg.get_real("sample.guidance_from");
  const long np = dec.local_size();
  Tensor3<Real> scaled("fieldgen::app::dsd_counts", 1, size_t(nc), size_t(np));
  Vector<Real> t_in("fieldgen::app::dsd_t", 1);
  Kokkos::View<std::int32_t*, MemSpace> labels_in("fieldgen::app::dsd_labels", 1);
  Kokkos::View<long*, MemSpace> row_item("fieldgen::app::dsd_row_item", 1);
  const dsd::RateFunction<Real> rates = [&](const dsd::CountView& n, const std::vector<double>& t,
                                            const std::vector<int>& labels,
                                            const dsd::RateView<Real>& rho) {
    const long nb = long(n.extent(0));
    std::vector<long> guided; // items run a second time, unconditionally
    for (long b = 0; guidance != 0.0 && b < nb; ++b)
      if (t[size_t(b)] >= guidance_from)
        guided.push_back(b);
    const long rows = nb + long(guided.size());
    if (long(scaled.extent(0)) != rows) {
      scaled = Tensor3<Real>("fieldgen::app::dsd_counts", size_t(rows), size_t(nc), size_t(np));
      t_in = Vector<Real>("fieldgen::app::dsd_t", size_t(rows));
      labels_in = Kokkos::View<std::int32_t*, MemSpace>("fieldgen::app::dsd_labels", size_t(rows));
      row_item = Kokkos::View<long*, MemSpace>("fieldgen::app::dsd_row_item", size_t(rows));
    }
    auto t_h = Kokkos::create_mirror_view(t_in);
    auto l_h = Kokkos::create_mirror_view(labels_in);
    auto item_h = Kokkos::create_mirror_view(row_item);
    for (long r = 0; r < rows; ++r) {
      const long b = r < nb ? r : guided[size_t(r - nb)];
      item_h(r) = b;
      t_h(r) = Real(t[size_t(b)]);
      l_h(r) = r < nb ? labels[size_t(r)] : int(classes); // unconditional row
    }
    Kokkos::deep_copy(t_in, t_h);
    Kokkos::deep_copy(labels_in, l_h);
    Kokkos::deep_copy(row_item, item_h);
    const auto x = scaled;
    const auto items = row_item;
    const long per_item = long(nc) * np; // counts of one item
    Kokkos::parallel_for(
        "fieldgen::app::dsd_counts_to_real", Kokkos::RangePolicy<ExecSpace>(0, long(x.size())),
        KOKKOS_LAMBDA(long i) {
          x.data()[i] = Real(n.data()[items(i / per_item) * per_item + i % per_item]);
        });
    const Tensor3<Real> out = model.net->forward(model.params, scaled, t_in, labels_in);
    const size_t per_rates = rho.size() / size_t(nb);
    require(out.size() == size_t(rows) * per_rates, "dsd-sample: the network gives ", out.size(),
            " rates, the sampler wants ", size_t(rows) * per_rates);
    const auto item_view = [&](Real* data) {
      return dsd::RateView<Real>(data, 1, rho.extent(1), rho.extent(2), rho.extent(3));
    };
    for (long b = 0, j = 0; b < nb; ++b) {
      const auto cond = item_view(out.data() + size_t(b) * per_rates);
      const auto target = item_view(rho.data() + size_t(b) * per_rates);
      if (j < long(guided.size()) && guided[size_t(j)] == b)
        dsd::guided_rates(cond, item_view(out.data() + size_t(nb + j++) * per_rates), guidance,
                          target);
      else
        Kokkos::deep_copy(target, cond);
    }
  };

  // Output file: rank 0 writes the gathered samples batch by batch.
  meta.samples = count;
  meta.kind = "counts";
  meta.labels = classes > 0 && label_text != "none";
  meta.coords = false;
  io::Provenance prov;
  prov.config = cfg.effective_text();
  prov.seed = long(seed);
  prov.ranks = comm.size();
  io::FieldFileWriter out(cfg.get_string("sample.output"), meta, io::Dtype::Int32, prov, comm);
  // Optionally the terminal-time configurations the runs start from (the baseline of the
  // intensity-histogram check in `fieldgen eval`, eval.terminal).
  const std::string start_path = cfg.get_string("sample.terminal_output");
  std::unique_ptr<io::FieldFileWriter> start_out;
  if (!start_path.empty())
    start_out =
        std::make_unique<io::FieldFileWriter>(start_path, meta, io::Dtype::Int32, prov, comm);

  const long batch = std::min(cfg.get_int("sample.batch"), count);
  // The samples of rank q: all of them (lattice split: the ranks share every sample) or its
  // block (samples split); every rank goes through the same number of rounds of at most `batch`
  // samples, as the file writes are collective.
  const int groups = by_samples ? comm.size() : 1;
  const int me = by_samples ? comm.rank() : 0; // this rank's group
  const auto range_of = [&](int q) {
    return by_samples ? data::block_range(count, q, comm.size()) : data::Range{0, count};
  };
  const long rounds = (range_of(0).count + batch - 1) / batch; // rank 0 has the largest block
  const bool writes = by_samples || comm.is_root();            // holds whole fields of its samples
  std::vector<std::uint64_t> sample_hash; // FNV-1a of each written sample's counts
  long total_steps = 0;
  for (long round = 0; round < rounds; ++round) {
    const auto round_of = [&](int q) {
      const data::Range r = range_of(q);
      const long f = r.first + round * batch;
      return data::Range{f, std::max(0L, std::min(batch, r.first + r.count - f))};
    };
    const data::Range own = round_of(me);
    const long first = own.first, nb = own.count;
    // Data rows of this round on all ranks (reads are collective): for the forward-noised start
    // or the data-derived masses; this rank's rows start at `offset`.
    std::vector<long> rows;
    long offset = 0;
    for (int q = 0; q < groups; ++q) {
      const data::Range r = round_of(q);
      if (q == me)
        offset = long(rows.size());
      for (long g = r.first; g < r.first + r.count; ++g)
        rows.push_back(data_row(g));
    }
    std::vector<std::int32_t> fields;
    if (known.empty() && (init == "data" || per_channel.empty()))
      fields = read_rows(data, rows);
    std::vector<std::uint64_t> ids;
    std::vector<int> labels;
    std::vector<long> mass;
    for (long b = 0; b < nb; ++b) {
      ids.push_back(std::uint64_t(first + b));
      labels.push_back(label_of(first + b));
      const std::int32_t* field = !known.empty() ? known.data()
                                  : fields.empty()
                                      ? nullptr
                                      : fields.data() + (offset + b) * dm.sample_size();
      const std::vector<long> m = requested_mass(field);
      mass.insert(mass.end(), m.begin(), m.end());
    }
    dsd::CountView counts("fieldgen::app::dsd_state", size_t(nb), size_t(nc), size_t(np));
    if (nb > 0 && init == "data") {
      dsd::CountView whole("fieldgen::app::dsd_data", size_t(nb), size_t(nc), size_t(dm.points()));
      auto h = Kokkos::create_mirror_view(whole);
      std::copy(fields.begin() + offset * dm.sample_size(),
                fields.begin() + (offset + nb) * dm.sample_size(), h.data());
      Kokkos::deep_copy(whole, h);
      dsd::forward_noised(dec, whole, forward_rate(cfg), times, ids, seed, counts);
    } else if (nb > 0) {
      if (!known.empty()) {
        dsd::CountView whole("fieldgen::app::dsd_known", size_t(nb), size_t(nc),
                             size_t(dm.points()));
        auto h = Kokkos::create_mirror_view(whole);
        for (long b = 0; b < nb; ++b)
          std::copy(known.begin(), known.end(), h.data() + b * dm.sample_size());
        Kokkos::deep_copy(whole, h);
        Kokkos::deep_copy(counts, dsd::block_of(dec, whole));
      }
      dsd::scatter_uniform(dec, frozen, ids, mass, seed, counts);
    }
    // Whole fields of this rank's samples where it writes (a copy of `counts` when split by
    // samples; gathered onto rank 0 when split by lattice).
    const auto whole_of = [&](const dsd::CountView& c) {
      return by_samples ? c : dsd::gather_counts(dec, c);
    };
    if (start_out)
      start_out->write_fields(first, writes ? nb : 0, whole_of(counts).data());
    dsd::TauLeapStats st;
    if (nb > 0)
      st = sampler.run(counts, ids, labels, rates, cfg.get_int("sample.max_steps"),
                       [&](const dsd::TauLeapSampler<Real>& s) {
                         const long every = cfg.get_int("sample.log_every");
                         if (every > 0 && s.steps_taken() % every == 0) {
                           const auto& t = s.clocks();
                           log::info("dsd-sample: samples ", first, "..", first + nb - 1, ": step ",
                                     s.steps_taken(),
                                     ", t = ", *std::max_element(t.begin(), t.end()), ", tau ",
                                     s.last_tau().front(), ", ", clock.seconds(), " s");
                         }
                       });
    total_steps += st.steps;
    const auto whole = whole_of(counts);
    // Every sample must hold exactly its requested mass in the free region (checked where the
    // whole fields are, agreed on by all ranks).
    long wrong = 0;
    if (writes)
      for (long b = 0; b < nb; ++b) {
        std::uint64_t h = 14695981039346656037ull;
        for (long c = 0; c < nc; ++c) {
          long m = 0;
          for (long p = 0; p < lattice.size(); ++p) {
            const std::int32_t v = whole(b, c, p);
            if (frozen.empty() || !frozen[size_t(p)])
              m += v;
            h = fnv1a(h, std::uint32_t(v));
          }
          wrong += m != mass[size_t(b * nc + c)];
        }
        sample_hash.push_back(h);
      }
    if (comm.max(wrong) > 0)
      throw NumericError(cat("dsd-sample: ", comm.max(wrong),
                             " (sample, channel) pairs lost their requested mass"),
                         ErrorScope::Collective);
    out.write_fields(first, writes ? nb : 0, whole.data());
    std::vector<std::int64_t> mass64(mass.begin(), mass.end());
    for (long i = 0; i < nb * nc; ++i)
      mass64[size_t(i)] += frozen_mass[size_t(i % nc)];
    out.write_table("/requested_mass", nc, first, writes ? nb : 0, mass64.data());
    if (meta.labels) {
      std::vector<std::int64_t> l64(labels.begin(), labels.end());
      out.write_labels(first, writes ? nb : 0, l64.data());
    }
    const long done = by_samples ? comm.sum(nb) : nb; // lattice split: the same nb on every rank
    const long max_steps = comm.max(st.steps);
    log::info("dsd-sample: round ", round + 1, " of ", rounds, ": ", done, " samples, ", max_steps,
              " steps, smallest tau ", st.min_tau, ", largest site rate ", st.max_rate,
              " (rank 0), ", clock.seconds(), " s");
  }
  // The counts hash: FNV-1a over the per-sample hashes in sample order, the same for any split
  // and rank count.
  std::vector<std::uint64_t> all_hash(writes && comm.is_root() ? size_t(count) : 0);
  if (by_samples) {
    std::vector<int> n(size_t(comm.size())), at(size_t(comm.size()));
    for (int q = 0; q < comm.size(); ++q) {
      n[size_t(q)] = int(range_of(q).count);
      at[size_t(q)] = int(range_of(q).first);
    }
    FIELDGEN_MPI_CHECK(MPI_Gatherv(sample_hash.data(), int(sample_hash.size()), MPI_UINT64_T,
                                   all_hash.data(), n.data(), at.data(), MPI_UINT64_T, 0,
                                   comm.get()));
  } else if (comm.is_root())
    all_hash = sample_hash;
  std::uint64_t hash = 14695981039346656037ull;
  for (std::uint64_t h : all_hash)
    for (int k = 0; k < 2; ++k)
      hash = fnv1a(hash, std::uint32_t(h >> (32 * k)));
  total_steps = comm.max(total_steps);
  out.commit();
  if (start_out)
    start_out->commit();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  log::info("fieldgen dsd-sample: ", count, " samples on ", lattice.describe(), " (", comm.size(),
            " rank(s)), ", total_steps, " tau-leap steps, every sample has its requested mass, ",
            "counts hash ", hex, ", ", clock.seconds(), " s -> ", cfg.get_string("sample.output"));
  return 0;
}

} // namespace

int command_dsd_sample(const Args& args) {
  Config cfg = dsd_config(
      "dsd-sample",
      "Generates count fields with a trained DSD rate network by binomial tau-leaping, on any\n"
      "lattice (each sample split over the ranks, or whole samples per rank), with mass, class\n"
      "and inpainting conditioning; writes a field file of counts with /requested_mass [N, C].");
  if (!cfg.parse(args))
    return 0;
  return cfg.get_string("train.precision") == "double" ? sample<double>(cfg) : sample<float>(cfg);
}

} // namespace fieldgen::app
