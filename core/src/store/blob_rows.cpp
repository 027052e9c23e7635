#include "store/blob_rows.hpp"

#include <algorithm>

#include "iro/blob.hpp"
#include "iro/error.hpp"

namespace iro::rows {
namespace {

AttachmentInfo info_of(const sqlite::CachedStatement& row) {
  AttachmentInfo info;
  info.hash = row.text(0);
  info.size = std::uint64_t(row.int64(1));
  info.received = std::uint64_t(row.int64(2));
  info.state = static_cast<AttachmentState>(row.int64(3));
  if (!row.is_null(4)) info.reason = row.text(4);
  return info;
}

constexpr std::string_view kColumns = "SELECT hash, size, received, state, reason FROM blob ";

void insert_chunk(sqlite::Database& db, const ValueCodec& codec, std::string_view hash,
                  std::uint64_t offset, std::span<const std::uint8_t> data) {
  const Bytes sealed = codec.seal_raw(data, Cell::blob_chunk(hash, offset));
  db.cached(
        "INSERT OR REPLACE INTO blob_chunk (hash, offset, length, data) VALUES (?1, ?2, ?3, ?4)")
      .bind_all(hash, std::int64_t(offset), std::int64_t(data.size()),
                std::span<const std::uint8_t>(sealed))
      .run();
}

}  // namespace

std::optional<AttachmentInfo> blob_info(sqlite::Database& db, std::string_view hash) {
  auto row = db.cached(std::string(kColumns) + "WHERE hash = ?1");
  row.bind(1, hash);
  if (!row.step()) return std::nullopt;
  return info_of(row);
}

std::vector<AttachmentInfo> all_blobs(sqlite::Database& db) {
  auto row = db.cached(std::string(kColumns) + "ORDER BY hash");
  std::vector<AttachmentInfo> blobs;
  while (row.step()) blobs.push_back(info_of(row));
  return blobs;
}

void put_local_blob(sqlite::Database& db, const ValueCodec& codec, std::string_view hash,
                    std::span<const std::uint8_t> bytes) {
  const std::optional<AttachmentInfo> known = blob_info(db, hash);
  if (known && (known->state == AttachmentState::local || known->state == AttachmentState::held)) {
    return;  // the same drawing again: stored once
  }
  // Wanted or failed before: the bytes are here now, whole; start clean.
  db.cached("DELETE FROM blob_chunk WHERE hash = ?1").bind(1, hash).run();
  for (std::size_t offset = 0; offset < bytes.size(); offset += kBlobChunkBytes) {
    insert_chunk(db, codec, hash, offset,
                 bytes.subspan(offset, std::min(kBlobChunkBytes, bytes.size() - offset)));
  }
  db.cached(
        "INSERT OR REPLACE INTO blob (hash, size, received, state, reason) "
        "VALUES (?1, ?2, ?2, ?3, NULL)")
      .bind_all(hash, std::int64_t(bytes.size()), std::int64_t(AttachmentState::local))
      .run();
}

void want_blob(sqlite::Database& db, std::string_view hash) {
  db.cached(
        "INSERT OR IGNORE INTO blob (hash, size, received, state, reason) "
        "VALUES (?1, 0, 0, ?2, NULL)")
      .bind_all(hash, std::int64_t(AttachmentState::wanted))
      .run();
}

void append_blob_chunk(sqlite::Database& db, const ValueCodec& codec, std::string_view hash,
                       std::uint64_t size, std::uint64_t offset,
                       std::span<const std::uint8_t> data) {
  insert_chunk(db, codec, hash, offset, data);
  db.cached("UPDATE blob SET size = ?2, received = ?3 WHERE hash = ?1")
      .bind_all(hash, std::int64_t(size), std::int64_t(offset + data.size()))
      .run();
}

Bytes read_blob(sqlite::Database& db, const ValueCodec& codec, std::string_view hash,
                std::uint64_t offset, std::size_t max_bytes) {
  // The chunks that overlap [offset, offset + max_bytes), in order.
  auto row = db.cached(
      "SELECT offset, data FROM blob_chunk WHERE hash = ?1 AND offset < ?3 "
      "AND offset + length > ?2 ORDER BY offset");
  row.bind_all(hash, std::int64_t(offset), std::int64_t(offset + max_bytes));
  Bytes out;
  std::uint64_t at = offset;
  while (row.step() && out.size() < max_bytes) {
    const std::uint64_t chunk_offset = std::uint64_t(row.int64(0));
    const Bytes plain = codec.open_raw(row.blob(1), Cell::blob_chunk(hash, chunk_offset));
    if (chunk_offset > at) {
      throw Error(ErrorCode::corrupt_data,
                  "attachment " + std::string(hash) + " has a gap at byte " + std::to_string(at));
    }
    const std::size_t skip = std::size_t(at - chunk_offset);
    if (skip >= plain.size()) continue;
    const std::size_t take = std::min(plain.size() - skip, max_bytes - out.size());
    out.insert(out.end(), plain.begin() + std::ptrdiff_t(skip),
               plain.begin() + std::ptrdiff_t(skip + take));
    at += take;
  }
  return out;
}

void set_blob_state(sqlite::Database& db, std::string_view hash, AttachmentState state,
                    std::string_view reason) {
  auto statement = db.cached("UPDATE blob SET state = ?2, reason = ?3 WHERE hash = ?1");
  statement.bind_all(hash, std::int64_t(state));
  if (reason.empty()) {
    statement.bind_null(3);
  } else {
    statement.bind(3, reason);
  }
  statement.run();
}

void restart_blob(sqlite::Database& db, std::string_view hash) {
  db.cached("DELETE FROM blob_chunk WHERE hash = ?1").bind(1, hash).run();
  db.cached("UPDATE blob SET size = 0, received = 0 WHERE hash = ?1").bind(1, hash).run();
}

void delete_blob(sqlite::Database& db, std::string_view hash) {
  db.cached("DELETE FROM blob_chunk WHERE hash = ?1").bind(1, hash).run();
  db.cached("DELETE FROM blob WHERE hash = ?1").bind(1, hash).run();
}

std::optional<AttachmentInfo> first_blob_in_state(sqlite::Database& db, AttachmentState state,
                                                  const std::set<std::string>& skip) {
  auto row = db.cached(std::string(kColumns) + "WHERE state = ?1 ORDER BY hash");
  row.bind(1, std::int64_t(state));
  while (row.step()) {
    AttachmentInfo info = info_of(row);
    if (!skip.contains(info.hash)) return info;
  }
  return std::nullopt;
}

}  // namespace iro::rows
