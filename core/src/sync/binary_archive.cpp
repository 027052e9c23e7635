#include "sync/binary_archive.hpp"

#include <algorithm>

#include "iro/error.hpp"

namespace iro::wire {
namespace {

// Value type tags. Never renumber: stored values and messages use them.
enum class ValueTag : std::uint8_t {
  unset = 0,
  boolean = 1,
  integer = 2,
  text = 3,
  date = 4,
  set = 5,
};

constexpr std::uint8_t kLittleEndian = 1;

cereal::PortableBinaryInputArchive::Options little_endian_input() {
  return cereal::PortableBinaryInputArchive::Options::LittleEndian();
}

// cereal reads the endianness byte in its constructor; check it first so a
// flipped byte is refused instead of silently byte-swapping everything after it.
std::span<const std::uint8_t> checked_header(std::span<const std::uint8_t> bytes,
                                             std::uint8_t version, std::string_view what) {
  if (bytes.empty()) throw Error(ErrorCode::corrupt_data, std::string(what) + " is empty");
  if (bytes[0] != version) {
    throw Error(ErrorCode::unsupported_version,
                std::string(what) + " has format version " + std::to_string(bytes[0]) +
                    "; this build reads version " + std::to_string(version));
  }
  if (bytes.size() < 2 || bytes[1] != kLittleEndian) {
    throw Error(ErrorCode::corrupt_data, std::string(what) + " has a damaged header");
  }
  return bytes.subspan(1);
}

}  // namespace

std::streamsize VectorSink::xsputn(const char* data, std::streamsize count) {
  m_out.insert(m_out.end(), data, data + count);
  return count;
}

VectorSink::int_type VectorSink::overflow(int_type c) {
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    m_out.push_back(static_cast<std::uint8_t>(c));
  }
  return traits_type::not_eof(c);
}

SpanSource::SpanSource(std::span<const std::uint8_t> bytes) {
  auto* begin = const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
  setg(begin, begin, begin + bytes.size());
}

namespace {

// The version byte goes first, before the archive writes its endianness byte.
std::vector<std::uint8_t>& starting_with(std::vector<std::uint8_t>& out, std::uint8_t version) {
  out.push_back(version);
  return out;
}

}  // namespace

BinaryWriter::BinaryWriter(std::vector<std::uint8_t>& out, std::uint8_t version)
    : m_sink(starting_with(out, version)),
      m_stream(&m_sink),
      m_archive(m_stream, cereal::PortableBinaryOutputArchive::Options::LittleEndian()) {}

void BinaryWriter::string(std::string_view text) {
  m_archive(cereal::make_size_tag(static_cast<std::uint64_t>(text.size())));
  m_archive(cereal::binary_data(text.data(), text.size()));
}

void BinaryWriter::value(const Value& value) {
  struct Write {
    BinaryWriter& out;
    void operator()(std::monostate) const { out.u8(std::uint8_t(ValueTag::unset)); }
    void operator()(bool flag) const {
      out.u8(std::uint8_t(ValueTag::boolean));
      out.u8(flag ? 1 : 0);
    }
    void operator()(std::int64_t number) const {
      out.u8(std::uint8_t(ValueTag::integer));
      out.i64(number);
    }
    void operator()(const std::string& text) const {
      out.u8(std::uint8_t(ValueTag::text));
      out.string(text);
    }
    void operator()(const Date& date) const {
      out.u8(std::uint8_t(ValueTag::date));
      out.i32(date.days_since_epoch());
    }
    void operator()(const StringSet& members) const {
      out.u8(std::uint8_t(ValueTag::set));
      out.u64(members.size());
      for (const auto& member : members) out.string(member);
    }
  };
  std::visit(Write{*this}, value);
}

BinaryReader::BinaryReader(std::span<const std::uint8_t> bytes, std::uint8_t version,
                           std::string_view what)
    : m_what(what),
      m_source(checked_header(bytes, version, what)),
      m_stream(&m_source),
      m_archive(m_stream, little_endian_input()) {}

void BinaryReader::corrupt(const std::string& reason) const {
  throw Error(ErrorCode::corrupt_data, std::string(m_what) + " is corrupt: " + reason);
}

template <typename T>
T BinaryReader::number() {
  if (m_source.remaining() < sizeof(T)) corrupt("it ends early");
  T out{};
  m_archive(out);
  return out;
}

std::uint8_t BinaryReader::u8() {
  return number<std::uint8_t>();
}
std::uint64_t BinaryReader::u64() {
  return number<std::uint64_t>();
}
std::int64_t BinaryReader::i64() {
  return number<std::int64_t>();
}
std::int32_t BinaryReader::i32() {
  return number<std::int32_t>();
}

std::string BinaryReader::string(std::size_t max_bytes, std::string_view name) {
  const std::uint64_t size = u64();
  if (size > max_bytes) {
    corrupt(std::string(name) + " claims " + std::to_string(size) + " bytes, more than " +
            std::to_string(max_bytes));
  }
  if (size > m_source.remaining()) corrupt(std::string(name) + " runs past the end");
  std::string text(static_cast<std::size_t>(size), '\0');
  m_archive(cereal::binary_data(text.data(), text.size()));
  return text;
}

Value BinaryReader::value() {
  const std::uint8_t tag = u8();
  switch (static_cast<ValueTag>(tag)) {
    case ValueTag::unset:
      return std::monostate{};
    case ValueTag::boolean: {
      const std::uint8_t flag = u8();
      if (flag > 1) corrupt("a yes/no value is " + std::to_string(flag));
      return flag == 1;
    }
    case ValueTag::integer:
      return i64();
    case ValueTag::text:
      return string(kMaxWireText, "a text value");
    case ValueTag::date: {
      const std::int32_t days = i32();
      try {
        return Date::from_days(days);
      } catch (const Error&) {
        corrupt("a date is out of range");
      }
    }
    case ValueTag::set: {
      // Each member needs at least its 8-byte length, which bounds the count.
      const std::size_t members_count = count(kMaxWireSetMembers, 8, "a set");
      StringSet members;
      members.reserve(members_count);
      for (std::size_t i = 0; i < members_count; ++i) {
        members.push_back(string(kMaxWireText, "a set member"));
      }
      if (!std::is_sorted(members.begin(), members.end()) ||
          std::adjacent_find(members.begin(), members.end()) != members.end()) {
        corrupt("a set is not sorted and distinct");
      }
      return members;
    }
  }
  corrupt("unknown value type " + std::to_string(tag));
}

std::size_t BinaryReader::count(std::size_t max, std::size_t min_item_bytes,
                                std::string_view name) {
  const std::uint64_t claimed = u64();
  if (claimed > max || claimed > m_source.remaining() / min_item_bytes) {
    corrupt(std::string(name) + " claims " + std::to_string(claimed) + " members");
  }
  return static_cast<std::size_t>(claimed);
}

void BinaryReader::expect_end() {
  if (m_source.remaining() != 0) {
    corrupt(std::to_string(m_source.remaining()) + " unexpected bytes follow it");
  }
}

}  // namespace iro::wire
