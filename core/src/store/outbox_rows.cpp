#include "store/outbox_rows.hpp"

#include "iro/codec.hpp"

namespace iro::rows {
namespace {

constexpr std::string_view kChangeColumns =
    "device_seq, doc_id, kind, child_id, op, field, value, hlc, base";

// Reads the columns of kChangeColumns, starting at `first`.
Change read_change(const sqlite::CachedStatement& statement, const std::string& device_id,
                   int first = 0) {
  Change change;
  change.device_seq = std::uint64_t(statement.int64(first));
  change.doc_id = statement.text(first + 1);
  change.kind = static_cast<Kind>(statement.int64(first + 2));
  change.child_id = statement.text(first + 3);
  change.op = static_cast<ChangeOp>(statement.int64(first + 4));
  change.field = statement.text(first + 5);
  change.value = decode_value(statement.blob(first + 6));
  change.hlc = Hlc{std::uint64_t(statement.int64(first + 7))};
  change.base = std::uint64_t(statement.int64(first + 8));
  change.device_id = device_id;
  return change;
}

std::string select_changes(std::string_view table, std::string_view tail) {
  return "SELECT " + std::string(kChangeColumns) + " FROM " + std::string(table) + " " +
         std::string(tail);
}

}  // namespace

void record_change(sqlite::Database& db, const Change& change) {
  const Bytes encoded = encode_value(change.value);
  const std::span<const std::uint8_t> value(encoded);
  // Update first: an upsert would spend an AUTOINCREMENT number even when it
  // ends as an update, leaving gaps in device_seq.
  db.cached(
        "UPDATE outbox SET op = ?3, value = ?4, hlc = ?5 "
        "WHERE doc_id = ?1 AND field = ?2 AND sent = 0")
      .bind_all(change.doc_id, change.field, std::int64_t(change.op), value,
                std::int64_t(change.hlc.packed))
      .run();
  if (db.changes() > 0) return;
  db.cached(
        "INSERT INTO outbox (doc_id, kind, child_id, op, field, value, hlc, base) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind_all(change.doc_id, std::int64_t(change.kind), change.child_id, std::int64_t(change.op),
                change.field, value, std::int64_t(change.hlc.packed), std::int64_t(change.base))
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

std::vector<Change> load_outbox(sqlite::Database& db, const std::string& device_id) {
  auto statement = db.cached(select_changes("outbox", "ORDER BY device_seq"));
  std::vector<Change> changes;
  while (statement.step()) changes.push_back(read_change(statement, device_id));
  return changes;
}

std::size_t outbox_size(sqlite::Database& db) {
  auto statement = db.cached("SELECT count(*) FROM outbox");
  statement.step();
  return static_cast<std::size_t>(statement.int64(0));
}

std::vector<Change> take_push_batch(sqlite::Database& db, const std::string& device_id,
                                    std::size_t max_changes, std::size_t max_bytes,
                                    std::uint64_t now_ms) {
  auto statement = db.cached(select_changes("outbox", "ORDER BY device_seq LIMIT ?1"));
  statement.bind(1, std::int64_t(max_changes));
  std::vector<Change> batch;
  std::size_t bytes = 0;
  while (statement.step()) {
    // Fixed-width fields and lengths take about 64 bytes; the rest is the ids and value.
    const std::size_t size = 64 + statement.text(1).size() + statement.text(3).size() +
                             statement.text(5).size() + statement.blob(6).size();
    if (!batch.empty() && bytes + size > max_bytes) break;
    bytes += size;
    batch.push_back(read_change(statement, device_id));
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

std::optional<Change> remove_outbox_change(sqlite::Database& db, const std::string& device_id,
                                           std::uint64_t device_seq) {
  auto statement = db.cached(select_changes("outbox", "WHERE device_seq = ?1"));
  statement.bind(1, std::int64_t(device_seq));
  if (!statement.step()) return std::nullopt;
  Change change = read_change(statement, device_id);
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

std::optional<Change> unsent_change(sqlite::Database& db, const std::string& device_id,
                                    std::string_view doc_id, std::string_view field) {
  auto statement =
      db.cached(select_changes("outbox", "WHERE doc_id = ?1 AND field = ?2 AND sent = 0"));
  statement.bind_all(doc_id, field);
  if (!statement.step()) return std::nullopt;
  return read_change(statement, device_id);
}

void rewrite_unsent_change(sqlite::Database& db, std::string_view doc_id, std::string_view field,
                           const Value& value, std::uint64_t base) {
  const Bytes encoded = encode_value(value);
  db.cached("UPDATE outbox SET value = ?3, base = ?4 WHERE doc_id = ?1 AND field = ?2 AND sent = 0")
      .bind_all(doc_id, field, std::span<const std::uint8_t>(encoded), std::int64_t(base))
      .run();
}

std::optional<std::uint64_t> oldest_first_sent_ms(sqlite::Database& db) {
  auto statement = db.cached("SELECT min(first_sent_ms) FROM outbox");
  if (!statement.step() || statement.is_null(0)) return std::nullopt;
  return std::uint64_t(statement.int64(0));
}

void insert_rejected(sqlite::Database& db, const Change& change, std::string_view reason,
                     std::uint64_t now_ms) {
  const Bytes encoded = encode_value(change.value);
  db.cached("INSERT OR REPLACE INTO rejected (" + std::string(kChangeColumns) +
            ", reason, rejected_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
      .bind_all(std::int64_t(change.device_seq), change.doc_id, std::int64_t(change.kind),
                change.child_id, std::int64_t(change.op), change.field,
                std::span<const std::uint8_t>(encoded), std::int64_t(change.hlc.packed),
                std::int64_t(change.base), reason, std::int64_t(now_ms))
      .run();
}

std::vector<RejectedChange> load_rejected(sqlite::Database& db, const std::string& device_id) {
  auto statement = db.cached("SELECT " + std::string(kChangeColumns) +
                             ", reason, rejected_ms FROM rejected ORDER BY device_seq");
  std::vector<RejectedChange> rejected;
  while (statement.step()) {
    rejected.push_back(RejectedChange{read_change(statement, device_id), statement.text(9),
                                      std::uint64_t(statement.int64(10))});
  }
  return rejected;
}

std::size_t rejected_size(sqlite::Database& db) {
  auto statement = db.cached("SELECT count(*) FROM rejected");
  statement.step();
  return static_cast<std::size_t>(statement.int64(0));
}

}  // namespace iro::rows
