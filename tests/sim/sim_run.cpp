#include "sim/sim_run.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "iro/error.hpp"
#include "iro/json.hpp"
#include "sim/sim_world.hpp"
#include "store/sqlite.hpp"
#include "support/typed_words.hpp"

namespace iro::sim {

namespace {

constexpr int kHealingRounds = 3;

using test::text_of;
using test::text_value;
using test::words_of;

class Scenario {
 public:
  // Ann's two devices start with two notes in common, so that their edits
  // overlap and conflicts arise to be resolved.
  Scenario(std::uint32_t seed, bool detailed, SeedResult& result)
      : m_world(seed, detailed), m_result(result) {
    DeviceStore& laptop = *m_world.devices()[0].store;
    for (int note = 0; note < 2; ++note) {
      std::vector<std::string> words;
      for (int i = 0; i < 6; ++i) words.push_back(m_words.fresh(0));
      m_shared.push_back(laptop.create(Kind::visit, "C1", {{"note", text_of(words)}}));
    }
    for (std::size_t device = 0; device < m_world.devices().size(); ++device) {
      m_world.sync_fully(device);
    }
  }

  void run(int steps) {
    for (int step = 0; step < steps; ++step) {
      advance_clocks();
      const std::size_t device = static_cast<std::size_t>(m_world.pick(0, 2));
      const int action = m_world.pick(0, 99);
      if (action < 22) {
        edit(device);
      } else if (action < 34) {
        m_world.connect(device);
      } else if (action < 72) {
        if (!m_world.connected(device)) m_world.connect(device);
        for (int frames = m_world.pick(1, 6); frames > 0 && m_world.connected(device); --frames) {
          m_world.deliver(device);
        }
      } else if (action < 77) {
        if (m_world.connected(device)) ++m_result.cuts;
        m_world.cut(device, "signal lost");
      } else if (action < 81) {
        m_result.duplicates += m_world.duplicate_frame(device) ? 1 : 0;
      } else if (action < 84) {
        m_result.reorders += m_world.reorder_frames(device) ? 1 : 0;
      } else if (action < 88) {
        ++m_result.device_crashes;
        m_world.crash_device(device);
      } else if (action < 91) {
        m_world.arm_server_crash();
      } else if (action < 94) {
        skew_clock(device);
      } else if (action < 95) {
        reallocate();
      } else {
        resolve(device);
      }
    }
  }

  // No more faults: every device syncs until done, in turn, a few rounds so
  // that what one pushed last reaches the others.
  void heal() {
    m_world.trace() << "--- healing ---\n";
    m_world.disarm_server_crash();
    for (std::size_t device = 0; device < m_world.devices().size(); ++device) {
      m_world.cut(device, "healing starts");
    }
    for (int round = 0; round < kHealingRounds; ++round) {
      for (std::size_t device = 0; device < m_world.devices().size(); ++device) {
        m_world.sync_fully(device);
      }
    }
  }

  std::string trace() { return m_world.trace().str(); }

  void check() {
    m_result.server_crashes = static_cast<int>(m_world.server_crashes());
    check_replicas();
    check_history();
    check_words();
  }

 private:
  void fail(std::string what) { m_result.failures.push_back(std::move(what)); }

  void advance_clocks() {
    const auto step = static_cast<std::uint64_t>(m_world.pick(1, 90'000));
    m_world.server_clock().advance(step);
    for (SimDevice& device : m_world.devices()) device.clock->advance(step);
  }

  // A tablet's clock jumps: set by hand, or back from a wrong time zone.
  void skew_clock(std::size_t device) {
    test::ManualClock& clock = *m_world.devices()[device].clock;
    const std::int64_t jump = m_world.pick(-7200, 7200) * 1000ll;
    clock.set(static_cast<std::uint64_t>(static_cast<std::int64_t>(clock.now_ms()) + jump));
    m_world.trace() << m_world.devices()[device].name << "'s clock jumps " << jump / 1000 << " s\n";
  }

  // C2 moves between Ann and Bob, often while their devices are mid-sync.
  void reallocate() {
    m_c2_with_ann = !m_c2_with_ann;
    m_world.allocate("C2", m_c2_with_ann ? m_world.ann() : m_world.bob());
    ++m_result.reallocations;
  }

  // The IRO writes a new visit note, or edits one the device holds: inserts,
  // deletes and rewrites words; sometimes the place of the visit too.
  void edit(std::size_t device) {
    DeviceStore& store = *m_world.devices()[device].store;
    const std::string& name = m_world.devices()[device].name;
    std::vector<Document> visits = store.query(DocumentQuery::of_kind(Kind::visit));
    std::erase_if(visits, [](const Document& visit) { return visit.deleted; });
    try {
      if (visits.empty() || m_world.chance(15)) {
        std::vector<Document> children = store.query(DocumentQuery::of_kind(Kind::child));
        if (children.empty()) return;
        const Document& child =
            children[static_cast<std::size_t>(m_world.pick(0, int(children.size()) - 1))];
        const std::vector<std::string> words = {m_words.fresh(device), m_words.fresh(device)};
        const std::string id = store.create(Kind::visit, child.child_id,
                                            {{"note", text_of(words)}, {"place", "home"}});
        m_world.trace() << name << " writes a visit note for " << child.child_id << " "
                        << id.substr(24) << ": " << text_of(words) << "\n";
        return;
      }
      // Mostly the notes every device of Ann's shares, when this one holds them.
      const std::string& shared = m_shared[static_cast<std::size_t>(m_world.pick(0, 1))];
      const auto held = std::find_if(visits.begin(), visits.end(),
                                     [&](const Document& visit) { return visit.id == shared; });
      const Document& visit =
          held != visits.end() && m_world.chance(70)
              ? *held
              : visits[static_cast<std::size_t>(m_world.pick(0, int(visits.size()) - 1))];
      std::vector<std::string> words = words_of(text_value(visit.field("note")));
      m_words.edit(words, device, m_world.random());
      FieldMap fields{{"note", text_of(words)}};
      // The place is a single value, last writer wins: an older one may go.
      if (m_world.chance(25)) fields.emplace("place", "place " + std::to_string(++m_places));
      store.edit(visit.id, fields);
      m_world.trace() << name << " edits " << visit.id.substr(24) << ": " << text_of(words) << "\n";
    } catch (const Error& error) {
      // A record the device may no longer change (its child moved away).
      m_world.trace() << name << " cannot edit: " << error.what() << "\n";
    }
  }

  // The IRO settles the first conflict of a note it sees (TypedWords::settle).
  void resolve(std::size_t device) {
    DeviceStore& store = *m_world.devices()[device].store;
    for (const Document& document : store.query(DocumentQuery::of_kind(Kind::visit))) {
      if (document.conflicts.empty() || document.conflicts.front().field != "note") continue;
      const Conflict& conflict = document.conflicts.front();
      const std::optional<Value> settled =
          m_words.settle(words_of(text_value(document.field("note"))),
                         words_of(text_value(&conflict.value)), m_world.random());
      try {
        store.resolve_conflict(document.id, conflict.slot, settled);
      } catch (const Error& error) {
        m_world.trace() << m_world.devices()[device].name << " cannot resolve: " << error.what()
                        << "\n";
        return;
      }
      ++m_result.conflicts_resolved;
      m_world.trace() << m_world.devices()[device].name << " resolves " << conflict.slot << "\n";
      return;
    }
  }

  server::DeviceIdentity identity_of(const SimDevice& device) {
    return {device.store->device_id(), device.user_id, m_world.tenant(), server::Role::iro};
  }

  std::vector<Document> server_documents(const server::DeviceIdentity& identity) {
    std::vector<Document> documents;
    m_world.store().read(
        [&](server::StoreTxn& txn) { documents = txn.documents_in_scope(identity); });
    return documents;
  }

  void check_replicas() {
    for (SimDevice& device : m_world.devices()) {
      if (device.store->outbox_size() != 0) {
        fail(device.name + " still has " + std::to_string(device.store->outbox_size()) +
             " changes in its outbox");
      }
      const std::string server = export_json(server_documents(identity_of(device)));
      const std::string local = export_json(device.store->query(DocumentQuery::everything()));
      if (local != server) {
        fail(device.name + " differs from the server:\n  device: " + local +
             "\n  server: " + server);
      }
    }
  }

  void check_history() {
    sqlite::Database database(m_world.server_database());
    const std::int64_t doubled = database.query_int(
        "SELECT count(*) FROM (SELECT device_id, device_seq FROM history "
        "WHERE device_seq IS NOT NULL GROUP BY device_id, device_seq HAVING count(*) > 1)");
    if (doubled != 0) fail(std::to_string(doubled) + " device changes are in the history twice");
    for (const SimDevice& device : m_world.devices()) {
      for (const std::uint64_t seq : device.acknowledged) {
        const std::int64_t rows = database.query_int(
            "SELECT count(*) FROM history WHERE device_id = '" + device.store->device_id() +
            "' AND device_seq = " + std::to_string(seq));
        if (rows != 1) {
          fail(device.name + "'s change " + std::to_string(seq) +
               " was acknowledged but the history holds it " + std::to_string(rows) + " times");
        }
      }
    }
  }

  void check_words() {
    std::map<std::string, int> kept;  // every word the server still holds, anywhere
    std::set<std::string> seen_docs;
    for (const SimDevice& device : m_world.devices()) {
      for (const Document& document : server_documents(identity_of(device))) {
        if (!seen_docs.insert(document.id).second) continue;
        std::set<std::string> in_note;
        for (auto& word : words_of(text_value(document.field("note")))) {
          if (!in_note.insert(word).second && m_words.typed().count(word) &&
              !m_words.was_resettled(word)) {
            fail(word + " appears twice in the note of " + document.id);
          }
          ++kept[word];
        }
        for (const Conflict& conflict : document.conflicts) {
          for (auto& word : words_of(text_value(&conflict.value))) ++kept[word];
        }
      }
    }
    std::vector<server::HistoryRow> quarantine;
    m_world.store().read([&](server::StoreTxn& txn) { quarantine = txn.quarantine("", 100000); });
    for (const auto& row : quarantine) {
      for (auto& word : words_of(text_value(&row.change.value))) ++kept[word];
    }
    for (const std::string& word : m_words.typed()) {
      if (!m_words.was_deleted(word) && kept.count(word) == 0) fail(word + " was lost");
    }
  }

  World m_world;
  SeedResult& m_result;
  bool m_c2_with_ann = true;
  int m_places = 0;
  std::vector<std::string> m_shared;  // the two notes Ann's devices start with
  test::TypedWords m_words;
};

}  // namespace

SeedResult run_seed(std::uint32_t seed, const SeedOptions& options) {
  SeedResult result;
  result.seed = seed;
  const auto failed = [&](std::string what) { result.failures.push_back(std::move(what)); };
  try {
    Scenario scenario(seed, options.trace, result);
    try {
      scenario.run(options.steps);
      scenario.heal();
      scenario.check();
    } catch (const SimFailure& failure) {
      failed(failure.what());
    } catch (const std::exception& error) {
      failed(std::string("unexpected exception: ") + error.what());
    }
    if (options.trace || !result.failures.empty()) result.trace = scenario.trace();
  } catch (const std::exception& error) {
    failed(std::string("the world could not be set up: ") + error.what());
  }
  return result;
}

}  // namespace iro::sim
