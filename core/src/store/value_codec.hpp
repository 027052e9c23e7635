// How the device store turns what it keeps into bytes in a column and back:
// the one place that decides whether those bytes are encrypted. Every row
// function that writes or reads record contents goes through a ValueCodec;
// the store's Impl holds the one for its file (device_store_impl.hpp).
//
// In a plain store a value is stored as encode_value gives it (codec.hpp) and
// text as text, as before encryption existed. In an encrypted store both are
// sealed with AES-256-GCM (cipher.hpp) under the store's data key, with the
// cell's identity as associated data: a ciphertext copied to another row,
// table or column no longer opens. Ids, kinds, child ids and field names stay
// plaintext, since the store looks rows up by them (docs/ARCHITECTURE.md,
// "Encryption at rest").
//
// Thread safety: as DeviceStore, one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "iro/codec.hpp"
#include "iro/value.hpp"
#include "store/cipher.hpp"
#include "store/sqlite.hpp"

namespace iro {

// Where a stored value lives: what its ciphertext is bound to. Every site
// that reads a cell can name it from the row's own key columns.
struct Cell {
  std::string_view table;        // "field", "conflict", "outbox", "rejected", "meta"
  std::string_view column;       // "value", or "reason" (rejected)
  std::string_view row;          // the document id; the key, for meta
  std::string_view name;         // the field or conflict slot ("" for a delete and for meta)
  std::uint64_t device_seq = 0;  // outbox and rejected rows (their primary key); else 0

  static Cell field(std::string_view doc_id, std::string_view name) {
    return {"field", "value", doc_id, name};
  }
  static Cell conflict(std::string_view doc_id, std::string_view slot) {
    return {"conflict", "value", doc_id, slot};
  }
  static Cell outbox(std::uint64_t device_seq, std::string_view doc_id, std::string_view field) {
    return {"outbox", "value", doc_id, field, device_seq};
  }
  static Cell rejected(std::uint64_t device_seq, std::string_view doc_id, std::string_view field,
                       std::string_view column = "value") {
    return {"rejected", column, doc_id, field, device_seq};
  }
  static Cell meta(std::string_view key) { return {"meta", "value", key, ""}; }
  // One chunk of an attachment: bound to its blob and its offset in it.
  static Cell blob_chunk(std::string_view hash, std::uint64_t offset) {
    return {"blob_chunk", "data", hash, "", offset};
  }

  // e.g. "outbox row 12 (record 0189..., field note)", for error messages.
  std::string describe() const;
};

class ValueCodec {
 public:
  // A plain store's codec: values and text stored as they are.
  ValueCodec() = default;
  // An encrypted store's codec, sealing under `data_key` (never the host's
  // key: store_key.hpp derives this one per store).
  explicit ValueCodec(std::unique_ptr<const crypto::Aead> data_key);
  // An encrypted store's codec while its data key is locked away (the offline
  // lease ran out, lease.hpp): every seal and open throws
  // Error(lease_expired, why).
  static ValueCodec locked(std::string why);

  bool encrypts() const { return m_data_key != nullptr || !m_locked_why.empty(); }
  bool locked() const { return !m_locked_why.empty(); }

  // The bytes to store in `cell` for `value`.
  Bytes seal(const Value& value, const Cell& cell) const;
  // The value stored in `cell`. Throws Error(corrupt_data), naming the cell,
  // when the bytes were altered, truncated or moved from another cell.
  Value open(std::span<const std::uint8_t> stored, const Cell& cell) const;

  // Raw bytes (an attachment's chunk): stored as they are in a plain store,
  // sealed in an encrypted one. open_raw throws as open() does.
  Bytes seal_raw(std::span<const std::uint8_t> plain, const Cell& cell) const;
  Bytes open_raw(std::span<const std::uint8_t> stored, const Cell& cell) const;

  // A text column that can hold words from records (a refusal's reason) or a
  // secret (the device token): bound as text in a plain store, as a sealed
  // blob in an encrypted one.
  void bind_text(sqlite::CachedStatement& statement, int index, std::string_view text,
                 const Cell& cell) const;
  std::string text(const sqlite::CachedStatement& statement, int column, const Cell& cell) const;

 private:
  Bytes open_bytes(std::span<const std::uint8_t> stored, const Cell& cell) const;
  // Throws Error(lease_expired) when locked.
  void require_key() const;

  std::unique_ptr<const crypto::Aead> m_data_key;  // null: a plain or a locked store
  std::string m_locked_why;                        // not empty: locked
};

}  // namespace iro
