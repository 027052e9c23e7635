// Bounded reading and writing over cereal's portable binary archive: the one
// place that knows how iro-sync lays out strings, sizes and values on the wire
// (docs/wire-format.md). Decoders read untrusted bytes through BinaryReader,
// which checks every length against what remains before allocating.
#pragma once

#include <cereal/archives/portable_binary.hpp>
#include <cstdint>
#include <span>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "iro/error.hpp"
#include "iro/value.hpp"

namespace iro::wire {

// A streambuf that appends to a byte vector (no copy through std::string).
class VectorSink : public std::streambuf {
 public:
  explicit VectorSink(std::vector<std::uint8_t>& out) : m_out(out) {}

 protected:
  std::streamsize xsputn(const char* data, std::streamsize count) override;
  int_type overflow(int_type c) override;

 private:
  std::vector<std::uint8_t>& m_out;
};

// A read-only streambuf over a span, which knows how much is left.
class SpanSource : public std::streambuf {
 public:
  explicit SpanSource(std::span<const std::uint8_t> bytes);
  std::size_t remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }
};

class BinaryWriter {
 public:
  // Writes `version`, then starts a little-endian portable archive.
  BinaryWriter(std::vector<std::uint8_t>& out, std::uint8_t version);

  void u8(std::uint8_t number) { m_archive(number); }
  void u64(std::uint64_t number) { m_archive(number); }
  void i64(std::int64_t number) { m_archive(number); }
  void i32(std::int32_t number) { m_archive(number); }
  void string(std::string_view text);
  void value(const Value& value);

 private:
  VectorSink m_sink;
  std::ostream m_stream;
  cereal::PortableBinaryOutputArchive m_archive;
};

// Every method throws Error(corrupt_data) for input that breaks the layout.
class BinaryReader {
 public:
  // Checks `version` against the first byte (Error(unsupported_version)) and
  // the archive's endianness byte.
  BinaryReader(std::span<const std::uint8_t> bytes, std::uint8_t version, std::string_view what);

  std::uint8_t u8();
  std::uint64_t u64();
  std::int64_t i64();
  std::int32_t i32();
  // A string of at most `max_bytes`; longer or past the end is corrupt.
  std::string string(std::size_t max_bytes, std::string_view name);
  Value value();

  // Refuses bytes left over after the message.
  void expect_end();

  std::size_t remaining() const { return m_source.remaining(); }

  // A count of items each at least `min_item_bytes` long: refused when more
  // than `max` or than the bytes left could hold.
  std::size_t count(std::size_t max, std::size_t min_item_bytes, std::string_view name);

  [[noreturn]] void corrupt(const std::string& reason) const;

 private:
  template <typename T>
  T number();

  std::string_view m_what;
  SpanSource m_source;
  std::istream m_stream;
  cereal::PortableBinaryInputArchive m_archive;
};

// Runs a decoder; the readers bound every read, so cereal should never run
// dry, but if it does its exception still becomes the one error callers handle.
template <typename Decode>
auto guarded(Decode decode) {
  try {
    return decode();
  } catch (const cereal::Exception& error) {
    throw Error(ErrorCode::corrupt_data, std::string("undecodable bytes: ") + error.what());
  }
}

// Largest text a value may hold on the wire; the model's own limits are lower.
inline constexpr std::size_t kMaxWireText = 1024 * 1024;
inline constexpr std::size_t kMaxWireSetMembers = 10'000;
inline constexpr std::size_t kMaxWireId = 64;
inline constexpr std::size_t kMaxWireReason = 4096;

}  // namespace iro::wire
