#include "store/outbox_rows.hpp"

#include <set>
#include <string>
#include <utility>

#include "store/value_codec.hpp"

namespace iro::rows {
namespace {

constexpr std::string_view kChangeColumns =
    "device_seq, doc_id, kind, child_id, op, field, value, hlc, base";

// Reads the columns of kChangeColumns from a row of `table` (outbox or rejected).
Change read_change(const sqlite::CachedStatement& statement, const ValueCodec& codec,
                   std::string_view table, const std::string& device_id) {
  Change change;
  change.device_seq = std::uint64_t(statement.int64(0));
  change.doc_id = statement.text(1);
  change.kind = static_cast<Kind>(statement.int64(2));
  change.child_id = statement.text(3);
  change.op = static_cast<ChangeOp>(statement.int64(4));
  change.field = statement.text(5);
  const Cell cell = table == "rejected"
                        ? Cell::rejected(change.device_seq, change.doc_id, change.field)
                        : Cell::outbox(change.device_seq, change.doc_id, change.field);
  change.value = codec.open(statement.blob(6), cell);
  change.hlc = Hlc{std::uint64_t(statement.int64(7))};
  change.base = std::uint64_t(statement.int64(8));
  change.device_id = device_id;
  return change;
}

std::string select_changes(std::string_view table, std::string_view tail) {
  return "SELECT " + std::string(kChangeColumns) + " FROM " + std::string(table) + " " +
         std::string(tail);
}

// The device_seq of the field's unsent change, if there is one.
std::optional<std::uint64_t> unsent_device_seq(sqlite::Database& db, std::string_view doc_id,
                                               std::string_view field) {
  auto statement =
      db.cached("SELECT device_seq FROM outbox WHERE doc_id = ?1 AND field = ?2 AND sent = 0");
  statement.bind_all(doc_id, field);
  if (!statement.step()) return std::nullopt;
  return std::uint64_t(statement.int64(0));
}

// The number AUTOINCREMENT would give the next row: above every number ever
// used (sqlite_sequence) and every row present. Chosen before the insert
// because an encrypted value is bound to its row's device_seq.
std::uint64_t next_device_seq(sqlite::Database& db) {
  auto statement = db.cached(
      "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0), "
      "coalesce((SELECT max(device_seq) FROM outbox), 0)) + 1");
  statement.step();
  return std::uint64_t(statement.int64(0));
}

}  // namespace

void record_change(sqlite::Database& db, const ValueCodec& codec, const Change& change) {
  // Fold into the field's unsent change when there is one (it keeps its
  // device_seq and base); otherwise a new change takes the next number.
  if (const auto unsent = unsent_device_seq(db, change.doc_id, change.field)) {
    const Bytes stored =
        codec.seal(change.value, Cell::outbox(*unsent, change.doc_id, change.field));
    db.cached("UPDATE outbox SET op = ?2, value = ?3, hlc = ?4 WHERE device_seq = ?1")
        .bind_all(std::int64_t(*unsent), std::int64_t(change.op),
                  std::span<const std::uint8_t>(stored), std::int64_t(change.hlc.packed))
        .run();
    return;
  }
  const std::uint64_t device_seq = next_device_seq(db);
  const Bytes stored =
      codec.seal(change.value, Cell::outbox(device_seq, change.doc_id, change.field));
  db.cached(
        "INSERT INTO outbox (device_seq, doc_id, kind, child_id, op, field, value, hlc, base) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind_all(std::int64_t(device_seq), change.doc_id, std::int64_t(change.kind), change.child_id,
                std::int64_t(change.op), change.field, std::span<const std::uint8_t>(stored),
                std::int64_t(change.hlc.packed), std::int64_t(change.base))
      .run();
}

bool has_pending_change(sqlite::Database& db, std::string_view doc_id, std::string_view field) {
  auto statement = db.cached("SELECT 1 FROM outbox WHERE doc_id = ?1 AND field = ?2 LIMIT 1");
  statement.bind_all(doc_id, field);
  return statement.step();
}

bool has_pending_changes(sqlite::Database& db, std::string_view doc_id) {
  auto statement = db.cached("SELECT 1 FROM outbox WHERE doc_id = ?1 LIMIT 1");
  statement.bind(1, doc_id);
  return statement.step();
}

std::vector<Change> load_outbox(sqlite::Database& db, const ValueCodec& codec,
                                const std::string& device_id) {
  auto statement = db.cached(select_changes("outbox", "ORDER BY device_seq"));
  std::vector<Change> changes;
  while (statement.step()) changes.push_back(read_change(statement, codec, "outbox", device_id));
  return changes;
}

std::size_t outbox_size(sqlite::Database& db) {
  auto statement = db.cached("SELECT count(*) FROM outbox");
  statement.step();
  return static_cast<std::size_t>(statement.int64(0));
}

std::vector<Change> take_push_batch(sqlite::Database& db, const ValueCodec& codec,
                                    const std::string& device_id, std::size_t max_changes,
                                    std::size_t max_bytes, std::uint64_t now_ms) {
  auto statement = db.cached(select_changes("outbox", "ORDER BY device_seq LIMIT ?1"));
  statement.bind(1, std::int64_t(max_changes));
  std::vector<Change> batch;
  std::set<std::pair<std::string, std::string>> fields;  // (doc_id, field) in the batch
  std::size_t bytes = 0;
  while (statement.step()) {
    // Fixed-width fields and lengths take about 64 bytes; the rest is the ids
    // and value (sealed, 28 bytes over: near enough for a size limit).
    const std::size_t size = 64 + statement.text(1).size() + statement.text(3).size() +
                             statement.text(5).size() + statement.blob(6).size();
    if (!batch.empty() && bytes + size > max_bytes) break;
    // A second edit of a field already in the batch was typed on top of the
    // first, which the server may not have acknowledged (a retry after a cut):
    // its base is older than its text. It waits for the first one's verdict,
    // which rebases it (apply_push_results), so the server merges it from the
    // right version instead of applying the first edit's words twice.
    if (!fields.emplace(statement.text(1), statement.text(5)).second) break;
    bytes += size;
    batch.push_back(read_change(statement, codec, "outbox", device_id));
  }
  if (batch.empty()) return batch;
  // The batch is every row up to its last sequence number.
  db.cached(
        "UPDATE outbox SET sent = 1, first_sent_ms = coalesce(first_sent_ms, ?2) "
        "WHERE device_seq <= ?1")
      .bind_all(std::int64_t(batch.back().device_seq), std::int64_t(now_ms))
      .run();
  return batch;
}

std::optional<Change> remove_outbox_change(sqlite::Database& db, const ValueCodec& codec,
                                           const std::string& device_id, std::uint64_t device_seq) {
  auto statement = db.cached(select_changes("outbox", "WHERE device_seq = ?1"));
  statement.bind(1, std::int64_t(device_seq));
  if (!statement.step()) return std::nullopt;
  Change change = read_change(statement, codec, "outbox", device_id);
  db.cached("DELETE FROM outbox WHERE device_seq = ?1").bind(1, std::int64_t(device_seq)).run();
  return change;
}

bool rebase_unsent_change(sqlite::Database& db, std::string_view doc_id, std::string_view field,
                          std::uint64_t base) {
  db.cached("UPDATE outbox SET base = ?3 WHERE doc_id = ?1 AND field = ?2 AND sent = 0")
      .bind_all(doc_id, field, std::int64_t(base))
      .run();
  return db.changes() > 0;
}

std::optional<Change> unsent_change(sqlite::Database& db, const ValueCodec& codec,
                                    const std::string& device_id, std::string_view doc_id,
                                    std::string_view field) {
  auto statement =
      db.cached(select_changes("outbox", "WHERE doc_id = ?1 AND field = ?2 AND sent = 0"));
  statement.bind_all(doc_id, field);
  if (!statement.step()) return std::nullopt;
  return read_change(statement, codec, "outbox", device_id);
}

void rewrite_unsent_change(sqlite::Database& db, const ValueCodec& codec, const Change& unsent,
                           const Value& value, std::uint64_t base) {
  const Bytes stored =
      codec.seal(value, Cell::outbox(unsent.device_seq, unsent.doc_id, unsent.field));
  db.cached("UPDATE outbox SET value = ?2, base = ?3 WHERE device_seq = ?1 AND sent = 0")
      .bind_all(std::int64_t(unsent.device_seq), std::span<const std::uint8_t>(stored),
                std::int64_t(base))
      .run();
}

std::optional<std::uint64_t> oldest_first_sent_ms(sqlite::Database& db) {
  auto statement = db.cached("SELECT min(first_sent_ms) FROM outbox");
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  return std::uint64_t(statement.int64(0));
}

void insert_rejected(sqlite::Database& db, const ValueCodec& codec, const Change& change,
                     std::string_view reason, std::uint64_t now_ms) {
  const Bytes stored =
      codec.seal(change.value, Cell::rejected(change.device_seq, change.doc_id, change.field));
  auto statement =
      db.cached("INSERT OR REPLACE INTO rejected (" + std::string(kChangeColumns) +
                ", reason, rejected_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  statement.bind_all(std::int64_t(change.device_seq), change.doc_id, std::int64_t(change.kind),
                     change.child_id, std::int64_t(change.op), change.field,
                     std::span<const std::uint8_t>(stored), std::int64_t(change.hlc.packed),
                     std::int64_t(change.base));
  // The server's reason may quote the refused value: sealed like it.
  codec.bind_text(statement, 10, reason,
                  Cell::rejected(change.device_seq, change.doc_id, change.field, "reason"));
  statement.bind(11, std::int64_t(now_ms));
  statement.run();
}

std::vector<RejectedChange> load_rejected(sqlite::Database& db, const ValueCodec& codec,
                                          const std::string& device_id) {
  auto statement = db.cached("SELECT " + std::string(kChangeColumns) +
                             ", reason, rejected_ms FROM rejected ORDER BY device_seq");
  std::vector<RejectedChange> rejected;
  while (statement.step()) {
    Change change = read_change(statement, codec, "rejected", device_id);
    std::string reason = codec.text(
        statement, 9, Cell::rejected(change.device_seq, change.doc_id, change.field, "reason"));
    rejected.push_back(
        RejectedChange{std::move(change), std::move(reason), std::uint64_t(statement.int64(10))});
  }
  return rejected;
}

std::size_t rejected_size(sqlite::Database& db) {
  auto statement = db.cached("SELECT count(*) FROM rejected");
  statement.step();
  return static_cast<std::size_t>(statement.int64(0));
}

}  // namespace iro::rows
