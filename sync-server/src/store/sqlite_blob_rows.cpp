// SqliteTxn's attachments (schema step 4): blob rows and their chunks.
#include "iro/blob.hpp"
#include "iro/codec.hpp"
#include "store/blob_chunks.hpp"
#include "store/sqlite_txn.hpp"

namespace iro::server {

std::optional<BlobRow> SqliteTxn::blob(std::string_view tenant, std::string_view hash) {
  auto row = m_db.cached(
      "SELECT size, received, complete, uploaded_by, created_ms FROM blob "
      "WHERE tenant = ?1 AND hash = ?2");
  row.bind_all(tenant, hash);
  if (!row.step()) return std::nullopt;
  return BlobRow{std::string(tenant),         std::string(hash), std::uint64_t(row.int64(0)),
                 std::uint64_t(row.int64(1)), row.int64(2) != 0, row.text(3),
                 std::uint64_t(row.int64(4))};
}

void SqliteTxn::put_blob(const BlobRow& blob) {
  m_db.cached(
          "INSERT OR REPLACE INTO blob (tenant, hash, size, received, complete, uploaded_by, "
          "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind_all(blob.tenant, blob.hash, std::int64_t(blob.size), std::int64_t(blob.received),
                std::int64_t(blob.complete ? 1 : 0), blob.uploaded_by,
                std::int64_t(blob.created_ms))
      .run();
}

void SqliteTxn::append_blob_chunk(std::string_view tenant, std::string_view hash,
                                  std::uint64_t offset, std::span<const std::uint8_t> data) {
  m_db.cached(
          "INSERT OR REPLACE INTO blob_chunk (tenant, hash, offset, data) VALUES (?1, ?2, ?3, ?4)")
      .bind_all(tenant, hash, std::int64_t(offset), data)
      .run();
}

Bytes SqliteTxn::read_blob(std::string_view tenant, std::string_view hash, std::uint64_t offset,
                           std::size_t max_bytes) {
  // The chunks that overlap [offset, offset + max_bytes), in order.
  auto row = m_db.cached(
      "SELECT offset, data FROM blob_chunk WHERE tenant = ?1 AND hash = ?2 AND offset < ?4 "
      "AND offset + length(data) > ?3 ORDER BY offset");
  row.bind_all(tenant, hash, std::int64_t(offset), std::int64_t(offset + max_bytes));
  BlobReader reader(offset, max_bytes);
  while (row.step()) {
    if (!reader.add(std::uint64_t(row.int64(0)), row.blob(1))) break;
  }
  return reader.take();
}

void SqliteTxn::delete_blob(std::string_view tenant, std::string_view hash) {
  m_db.cached("DELETE FROM blob_chunk WHERE tenant = ?1 AND hash = ?2")
      .bind_all(tenant, hash)
      .run();
  m_db.cached("DELETE FROM blob WHERE tenant = ?1 AND hash = ?2").bind_all(tenant, hash).run();
}

void SqliteTxn::add_blob_holder(std::string_view tenant, std::string_view hash,
                                std::string_view user_id) {
  m_db.cached("INSERT OR IGNORE INTO blob_holder (tenant, hash, user_id) VALUES (?1, ?2, ?3)")
      .bind_all(tenant, hash, user_id)
      .run();
}

bool SqliteTxn::holds_blob(std::string_view tenant, std::string_view hash,
                           std::string_view user_id) {
  auto row =
      m_db.cached("SELECT 1 FROM blob_holder WHERE tenant = ?1 AND hash = ?2 AND user_id = ?3");
  row.bind_all(tenant, hash, user_id);
  return row.step();
}

std::uint64_t SqliteTxn::blob_bytes_of_user(std::string_view tenant, std::string_view user_id) {
  auto row = m_db.cached(
      "SELECT coalesce(sum(b.size), 0) FROM blob b WHERE b.tenant = ?1 AND ("
      "EXISTS (SELECT 1 FROM blob_holder h WHERE h.tenant = b.tenant AND h.hash = b.hash "
      "AND h.user_id = ?2) OR (b.complete = 0 AND b.uploaded_by IN "
      "(SELECT id FROM device WHERE user_id = ?2)))");
  row.bind_all(tenant, user_id);
  row.step();
  return std::uint64_t(row.int64(0));
}

std::size_t SqliteTxn::uploads_in_progress(std::string_view device_id) {
  auto row = m_db.cached("SELECT count(*) FROM blob WHERE uploaded_by = ?1 AND complete = 0");
  row.bind(1, device_id);
  row.step();
  return std::size_t(row.int64(0));
}

std::size_t SqliteTxn::delete_stale_uploads(std::uint64_t started_before_ms) {
  m_db.cached(
          "DELETE FROM blob_chunk WHERE (tenant, hash) IN "
          "(SELECT tenant, hash FROM blob WHERE complete = 0 AND created_ms < ?1)")
      .bind(1, std::int64_t(started_before_ms))
      .run();
  m_db.cached("DELETE FROM blob WHERE complete = 0 AND created_ms < ?1")
      .bind(1, std::int64_t(started_before_ms))
      .run();
  return std::size_t(m_db.changes());
}

std::vector<Value> SqliteTxn::attachment_fields(const DeviceIdentity& identity) {
  auto row = m_db.cached(
      "SELECT f.value FROM field_state f WHERE f.tenant = ?1 AND f.name = ?2 "
      "AND (?3 IS NULL OR f.child_id IN "
      "(SELECT child_id FROM allocation WHERE tenant = ?1 AND user_id = ?3))");
  row.bind_all(identity.tenant, kAttachmentsField);
  if (identity.role == Role::iro) {
    row.bind(3, identity.user_id);
  } else {
    row.bind_null(3);
  }
  std::vector<Value> values;
  while (row.step()) values.push_back(decode_value(row.blob(0)));
  return values;
}

}  // namespace iro::server
