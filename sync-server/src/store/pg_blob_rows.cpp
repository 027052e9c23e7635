// PgTxn's attachments: blob rows and their chunks (as sqlite_blob_rows.cpp).
#include <algorithm>

#include "iro/blob.hpp"
#include "iro/codec.hpp"
#include "store/blob_chunks.hpp"
#include "store/pg_txn.hpp"

namespace iro::server {

std::optional<BlobRow> PgTxn::blob(std::string_view tenant, std::string_view hash) {
  const pg::Result row = m_connection.query(
      "SELECT size, received, complete, uploaded_by, created_ms FROM blob "
      "WHERE tenant = $1 AND hash = $2",
      pg::Params(tenant, hash));
  if (row.empty()) return std::nullopt;
  return BlobRow{std::string(tenant),
                 std::string(hash),
                 std::uint64_t(row.int64(0, 0)),
                 std::uint64_t(row.int64(0, 1)),
                 row.int64(0, 2) != 0,
                 row.text(0, 3),
                 std::uint64_t(row.int64(0, 4))};
}

void PgTxn::put_blob(const BlobRow& blob) {
  m_connection.query(
      "INSERT INTO blob (tenant, hash, size, received, complete, uploaded_by, created_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant, hash) DO UPDATE SET "
      "size = EXCLUDED.size, received = EXCLUDED.received, complete = EXCLUDED.complete, "
      "uploaded_by = EXCLUDED.uploaded_by, created_ms = EXCLUDED.created_ms",
      pg::Params(blob.tenant, blob.hash, std::int64_t(blob.size), std::int64_t(blob.received),
                 std::int64_t(blob.complete ? 1 : 0), blob.uploaded_by,
                 std::int64_t(blob.created_ms)));
}

// "offset" is quoted: a reserved word in PostgreSQL.
void PgTxn::append_blob_chunk(std::string_view tenant, std::string_view hash, std::uint64_t offset,
                              std::span<const std::uint8_t> data) {
  m_connection.query(
      "INSERT INTO blob_chunk (tenant, hash, \"offset\", data) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (tenant, hash, \"offset\") DO UPDATE SET data = EXCLUDED.data",
      pg::Params(tenant, hash, std::int64_t(offset), data));
}

Bytes PgTxn::read_blob(std::string_view tenant, std::string_view hash, std::uint64_t offset,
                       std::size_t max_bytes) {
  // The chunks that overlap [offset, offset + max_bytes), in order.
  const pg::Result rows = m_connection.query(
      "SELECT \"offset\", data FROM blob_chunk WHERE tenant = $1 AND hash = $2 "
      "AND \"offset\" < $4 AND \"offset\" + length(data) > $3 ORDER BY \"offset\"",
      pg::Params(tenant, hash, std::int64_t(offset), std::int64_t(offset + max_bytes)));
  BlobReader reader(offset, max_bytes);
  for (int row = 0; row < rows.rows(); ++row) {
    if (!reader.add(std::uint64_t(rows.int64(row, 0)), rows.bytes(row, 1))) break;
  }
  return reader.take();
}

void PgTxn::delete_blob(std::string_view tenant, std::string_view hash) {
  m_connection.query("DELETE FROM blob_chunk WHERE tenant = $1 AND hash = $2",
                     pg::Params(tenant, hash));
  m_connection.query("DELETE FROM blob WHERE tenant = $1 AND hash = $2", pg::Params(tenant, hash));
}

void PgTxn::add_blob_holder(std::string_view tenant, std::string_view hash,
                            std::string_view user_id) {
  m_connection.query(
      "INSERT INTO blob_holder (tenant, hash, user_id) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      pg::Params(tenant, hash, user_id));
}

bool PgTxn::holds_blob(std::string_view tenant, std::string_view hash, std::string_view user_id) {
  return !m_connection
              .query("SELECT 1 FROM blob_holder WHERE tenant = $1 AND hash = $2 AND user_id = $3",
                     pg::Params(tenant, hash, user_id))
              .empty();
}

std::uint64_t PgTxn::blob_bytes_of_user(std::string_view tenant, std::string_view user_id) {
  const pg::Result row = m_connection.query(
      "SELECT coalesce(sum(b.size), 0)::bigint FROM blob b WHERE b.tenant = $1 AND ("
      "EXISTS (SELECT 1 FROM blob_holder h WHERE h.tenant = b.tenant AND h.hash = b.hash "
      "AND h.user_id = $2) OR (b.complete = 0 AND b.uploaded_by IN "
      "(SELECT id FROM device WHERE user_id = $2)))",
      pg::Params(tenant, user_id));
  return std::uint64_t(row.int64(0, 0));
}

std::size_t PgTxn::uploads_in_progress(std::string_view device_id) {
  const pg::Result row = m_connection.query(
      "SELECT count(*) FROM blob WHERE uploaded_by = $1 AND complete = 0", pg::Params(device_id));
  return std::size_t(row.int64(0, 0));
}

std::size_t PgTxn::delete_stale_uploads(std::uint64_t started_before_ms) {
  m_connection.query(
      "DELETE FROM blob_chunk c USING blob b WHERE c.tenant = b.tenant AND c.hash = b.hash "
      "AND b.complete = 0 AND b.created_ms < $1",
      pg::Params(std::int64_t(started_before_ms)));
  const pg::Result deleted = m_connection.query(
      "WITH gone AS (DELETE FROM blob WHERE complete = 0 AND created_ms < $1 RETURNING 1) "
      "SELECT count(*) FROM gone",
      pg::Params(std::int64_t(started_before_ms)));
  return std::size_t(deleted.int64(0, 0));
}

std::vector<Value> PgTxn::attachment_fields(const DeviceIdentity& identity) {
  // $3 the IRO (NULL: the whole council).
  pg::Params params(identity.tenant, kAttachmentsField);
  if (identity.role == Role::iro) {
    params.add(identity.user_id);
  } else {
    params.add_null();
  }
  const pg::Result rows = m_connection.query(
      "SELECT f.value FROM field_state f WHERE f.tenant = $1 AND f.name = $2 "
      "AND ($3::text IS NULL OR f.child_id IN "
      "(SELECT child_id FROM allocation WHERE tenant = $1 AND user_id = $3))",
      params);
  std::vector<Value> values;
  values.reserve(std::size_t(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) values.push_back(decode_value(rows.bytes(row, 0)));
  return values;
}

}  // namespace iro::server
