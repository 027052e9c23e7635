// No lost words, as a property: three devices of one IRO edit the same visit
// notes offline in random interleavings (one tablet's clock a year fast),
// sync in random orders, often cut off mid-sync, and resolve conflicts now
// and then. Whatever happens, once every device has synced twice more:
//   - every device holds exactly what the server holds (byte-for-byte export);
//   - every word typed on any device is in a note, in a recorded conflict or
//     in the quarantine, unless a device deleted it in an edit of its own.
// Seeded: a failure names its seed and prints what happened, step by step.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>

#include "server/loopback_sync.hpp"
#include "support/typed_words.hpp"

using namespace iro;
using namespace iro::test;

namespace {

constexpr int kDevices = 3;
constexpr int kNotes = 2;
constexpr std::uint64_t kYearMs = 365ull * 24 * 60 * 60 * 1000;

class Scenario {
 public:
  explicit Scenario(std::uint32_t seed) : m_random(seed) {
    m_fast_clock.set(m_council.clock.now_ms() + kYearMs);
    for (int i = 0; i < kDevices; ++i) {
      m_devices.push_back(m_council.enrolled_device("device" + std::to_string(i), m_council.ann,
                                                    i == 2 ? &m_fast_clock : nullptr));
    }
    // The notes start on device 0 and reach every device before the edits begin.
    for (int n = 0; n < kNotes; ++n) {
      std::vector<std::string> words;
      for (int w = 0; w < 6; ++w) words.push_back(m_words.fresh(0));
      m_notes.push_back(
          m_devices[0]->create(Kind::visit, n == 0 ? "C1" : "C2", {{"note", text_of(words)}}));
    }
    for (auto& device : m_devices) REQUIRE(m_council.sync(*device).state == SyncState::done);
  }

  void run(int steps) {
    for (int step = 0; step < steps; ++step) {
      m_council.clock.advance(pick(1, 90'000));
      m_fast_clock.advance(pick(1, 90'000));
      const int device = pick(0, kDevices - 1);
      const int action = pick(0, 9);
      if (action < 5) {
        edit(device);
      } else if (action < 9) {
        sync(device, /*may_cut=*/true);
      } else {
        resolve(device);
      }
    }
  }

  void settle() {
    for (int round = 0; round < 2; ++round) {
      for (int device = 0; device < kDevices; ++device) sync(device, /*may_cut=*/false);
    }
  }

  void check() {
    INFO("what happened:\n" << m_log.str());
    const std::string server = m_council.server_export(*m_devices[0]);
    for (int device = 0; device < kDevices; ++device) {
      CAPTURE(device);
      CHECK(m_devices[device]->outbox_size() == 0);
      CHECK(device_export(*m_devices[device]) == server);
    }
    std::set<std::string> kept;  // every word the server still holds, anywhere
    for (const Document& document :
         m_council.documents_in_scope(m_council.identity_of_device(*m_devices[0]))) {
      for (auto& word : words_of(text_value(document.field("note")))) kept.insert(word);
      for (const Conflict& conflict : document.conflicts) {
        for (auto& word : words_of(text_value(&conflict.value))) kept.insert(word);
      }
    }
    std::vector<server::HistoryRow> quarantine;
    m_council.store->read([&](server::StoreTxn& txn) { quarantine = txn.quarantine("", 100000); });
    for (const auto& row : quarantine) {
      for (auto& word : words_of(text_value(&row.change.value))) kept.insert(word);
    }
    for (const std::string& word : m_words.typed()) {
      if (!m_words.was_deleted(word)) CHECK_MESSAGE(kept.count(word) == 1, word << " was lost");
    }
  }

  int conflicts_seen() const { return m_conflicts_seen; }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_random); }

  // The IRO edits a note on one device: inserts, deletes and rewrites words.
  void edit(int device) {
    DeviceStore& store = *m_devices[device];
    const std::string& note = m_notes[pick(0, kNotes - 1)];
    std::vector<std::string> words = words_of(text_value(store.get(note)->field("note")));
    m_words.edit(words, static_cast<std::size_t>(device), m_random);
    store.edit(note, {{"note", text_of(words)}});
    m_log << "device " << device << " edits " << note.substr(30) << ": " << text_of(words) << "\n";
  }

  void sync(int device, bool may_cut) {
    std::optional<std::size_t> cut;
    if (may_cut && pick(0, 2) == 0) cut = static_cast<std::size_t>(pick(1, 8));
    const SyncRun run = m_council.sync(*m_devices[device], {.push_changes = 3}, cut);
    m_log << "device " << device << " syncs" << (run.transcript.cut ? " (cut)" : "") << ": pushed "
          << run.progress.pushed << ", pulled " << run.progress.pulled << "\n";
    if (!run.transcript.cut) REQUIRE(run.state == SyncState::done);
  }

  // The IRO settles the first conflict it sees (TypedWords::settle).
  void resolve(int device) {
    DeviceStore& store = *m_devices[device];
    for (const std::string& note : m_notes) {
      const Document document = *store.get(note);
      if (document.conflicts.empty()) continue;
      ++m_conflicts_seen;
      const Conflict& conflict = document.conflicts.front();
      const std::optional<Value> settled =
          m_words.settle(words_of(text_value(document.field("note"))),
                         words_of(text_value(&conflict.value)), m_random);
      store.resolve_conflict(note, conflict.slot, settled);
      m_log << "device " << device << " resolves " << conflict.slot << "\n";
      return;
    }
  }

  std::mt19937 m_random;
  LoopbackCouncil m_council;
  ManualClock m_fast_clock;
  std::vector<std::unique_ptr<DeviceStore>> m_devices;
  std::vector<std::string> m_notes;
  TypedWords m_words;
  std::ostringstream m_log;
  int m_conflicts_seen = 0;
};

void run_seeds(std::uint32_t first, std::uint32_t last) {
  int conflicts = 0;
  for (std::uint32_t seed = first; seed <= last; ++seed) {
    CAPTURE(seed);
    Scenario scenario(seed);
    scenario.run(24);
    scenario.settle();
    scenario.check();
    conflicts += scenario.conflicts_seen();
  }
  MESSAGE("seeds " << first << "-" << last << ": " << conflicts << " conflicts resolved");
  CHECK(conflicts > 0);  // the seeds do reach the conflict path
}

}  // namespace

// 1,000 seeds in ten cases, so ctest runs them in parallel.
TEST_CASE("no typed word is lost, seeds 1-100") {
  run_seeds(1, 100);
}
TEST_CASE("no typed word is lost, seeds 101-200") {
  run_seeds(101, 200);
}
TEST_CASE("no typed word is lost, seeds 201-300") {
  run_seeds(201, 300);
}
TEST_CASE("no typed word is lost, seeds 301-400") {
  run_seeds(301, 400);
}
TEST_CASE("no typed word is lost, seeds 401-500") {
  run_seeds(401, 500);
}
TEST_CASE("no typed word is lost, seeds 501-600") {
  run_seeds(501, 600);
}
TEST_CASE("no typed word is lost, seeds 601-700") {
  run_seeds(601, 700);
}
TEST_CASE("no typed word is lost, seeds 701-800") {
  run_seeds(701, 800);
}
TEST_CASE("no typed word is lost, seeds 801-900") {
  run_seeds(801, 900);
}
TEST_CASE("no typed word is lost, seeds 901-1000") {
  run_seeds(901, 1000);
}
