#include "store/value_codec.hpp"

#include "iro/error.hpp"

namespace iro {
namespace {

// Associated data: a label for this layout, then each part of the cell's
// identity with its length in front, so no two cells give the same bytes
// ("ab" + "c" and "a" + "bc" differ).
constexpr std::string_view kAssociatedDataLabel = "iro-store-cell-v1";

void append_part(Bytes& out, std::string_view part) {
  const auto size = static_cast<std::uint32_t>(part.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::uint8_t(size >> shift));
  out.insert(out.end(), part.begin(), part.end());
}

Bytes associated_data(const Cell& cell) {
  Bytes out;
  out.reserve(kAssociatedDataLabel.size() + cell.table.size() + cell.column.size() +
              cell.row.size() + cell.name.size() + 4 * 5 + 8);
  append_part(out, kAssociatedDataLabel);
  append_part(out, cell.table);
  append_part(out, cell.column);
  append_part(out, cell.row);
  append_part(out, cell.name);
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(std::uint8_t(cell.device_seq >> shift));
  return out;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

std::string Cell::describe() const {
  std::string out(table);
  out += " row ";
  if (device_seq != 0) out += std::to_string(device_seq) + " ";
  if (table == "meta") return out + "'" + std::string(row) + "'";
  out += "(record " + std::string(row);
  if (!name.empty())
    out += ", " + std::string(table == "conflict" ? "slot " : "field ") + std::string(name);
  out += ")";
  if (column != "value") out += ", its " + std::string(column);
  return out;
}

ValueCodec::ValueCodec(std::unique_ptr<const crypto::Aead> data_key)
    : m_data_key(std::move(data_key)) {}

ValueCodec ValueCodec::locked(std::string why) {
  ValueCodec codec;
  codec.m_locked_why = why.empty() ? "this store's records are locked" : std::move(why);
  return codec;
}

void ValueCodec::require_key() const {
  if (!m_locked_why.empty()) throw Error(ErrorCode::lease_expired, m_locked_why);
}

Bytes ValueCodec::seal(const Value& value, const Cell& cell) const {
  require_key();
  Bytes encoded = encode_value(value);
  if (!m_data_key) return encoded;
  return m_data_key->seal(encoded, associated_data(cell));
}

Value ValueCodec::open(std::span<const std::uint8_t> stored, const Cell& cell) const {
  require_key();
  const Bytes plain = m_data_key ? open_bytes(stored, cell) : Bytes(stored.begin(), stored.end());
  try {
    return decode_value(plain);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::corrupt_data) throw;
    throw Error(ErrorCode::corrupt_data,
                "the device store's " + cell.describe() + " does not decode: " + error.what());
  }
}

Bytes ValueCodec::seal_raw(std::span<const std::uint8_t> plain, const Cell& cell) const {
  require_key();
  if (!m_data_key) return Bytes(plain.begin(), plain.end());
  return m_data_key->seal(plain, associated_data(cell));
}

Bytes ValueCodec::open_raw(std::span<const std::uint8_t> stored, const Cell& cell) const {
  require_key();
  if (!m_data_key) return Bytes(stored.begin(), stored.end());
  return open_bytes(stored, cell);
}

void ValueCodec::bind_text(sqlite::CachedStatement& statement, int index, std::string_view text,
                           const Cell& cell) const {
  require_key();
  if (!m_data_key) {
    statement.bind(index, text);
    return;
  }
  const Bytes sealed = m_data_key->seal(bytes_of(text), associated_data(cell));
  statement.bind(index, std::span<const std::uint8_t>(sealed));
}

std::string ValueCodec::text(const sqlite::CachedStatement& statement, int column,
                             const Cell& cell) const {
  require_key();
  if (!m_data_key) return statement.text(column);
  const Bytes plain = open_bytes(statement.blob(column), cell);
  return std::string(plain.begin(), plain.end());
}

Bytes ValueCodec::open_bytes(std::span<const std::uint8_t> stored, const Cell& cell) const {
  if (auto plain = m_data_key->open(stored, associated_data(cell))) return *std::move(plain);
  // The key was checked when the store opened, so a failure here is the
  // bytes: flipped on disk, edited, or copied in from another cell.
  throw Error(ErrorCode::corrupt_data, "the device store's " + cell.describe() +
                                           " does not decrypt: its bytes were altered or moved "
                                           "from another row");
}

}  // namespace iro
