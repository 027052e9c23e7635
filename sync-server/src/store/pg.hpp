// A thin RAII layer over libpq for the PostgreSQL server store:
// one connection, statements prepared once per connection and cached by
// their SQL (as sqlite::Database::cached does), parameters bound as text
// (bytea as binary), results read as text. Writes whose result nobody reads
// can be sent without waiting (libpq's pipeline mode) and checked together.
// Not thread-safe: one connection per thread at a time, like a libpq PGconn.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "iro/codec.hpp"

struct pg_conn;
struct pg_result;

namespace iro::pg {

// The parameters of one statement, $1 onwards.
class Params {
 public:
  Params() = default;
  template <typename... T>
  explicit Params(const T&... values) {
    (add(values), ...);
  }

  Params& add(std::string_view text);
  Params& add(const std::string& text) { return add(std::string_view(text)); }
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add(std::int64_t number);
  Params& add(std::span<const std::uint8_t> bytes);  // bytea, sent as binary
  Params& add(const Bytes& bytes) { return add(std::span<const std::uint8_t>(bytes)); }
  Params& add(std::optional<std::int64_t> number);  // NULL when empty
  Params& add_null();

  int size() const { return int(m_values.size()); }
  // Pointers into the values, valid until the next add.
  std::vector<const char*> values() const;
  const int* lengths() const { return m_lengths.data(); }
  const int* formats() const { return m_formats.data(); }

 private:
  void push(std::optional<std::string> value, int format);

  std::vector<std::optional<std::string>> m_values;
  std::vector<int> m_lengths;
  std::vector<int> m_formats;
};

// The rows a statement returned; owns the libpq result.
class Result {
 public:
  explicit Result(pg_result* result) : m_result(result) {}
  Result(Result&& other) noexcept : m_result(std::exchange(other.m_result, nullptr)) {}
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  int rows() const;
  bool empty() const { return rows() == 0; }
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  Bytes bytes(int row, int column) const;  // a bytea column
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::uint64_t affected() const;

 private:
  pg_result* m_result = nullptr;
};

// A message another connection sent with NOTIFY on a channel this one LISTENs to.
struct Notification {
  std::string channel;
  std::string payload;
};

class Connection {
 public:
  // `url`: a libpq connection string, "postgres://user@127.0.0.1:5432/db?...".
  explicit Connection(const std::string& url);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements with no parameters (schema, BEGIN, LISTEN).
  void execute(std::string_view sql);
  // Runs one statement, prepared on first use and kept for the connection's life.
  Result query(std::string_view sql, const Params& params = Params());

  // Sends a statement whose result is not needed (an INSERT, an UPDATE)
  // without waiting for its answer. Its error, if any, is thrown by the next
  // query(), execute() or check_sent(), which wait for every statement sent
  // first: a write is checked before anything reads what it wrote. A round
  // trip a statement was most of a push's time on PostgreSQL.
  void send(std::string_view sql, const Params& params = Params());
  // Waits for the statements sent and throws the first one's error (the
  // rest of them were not run). The connection is usable again either way.
  void check_sent();
  // Waits for the statements sent and forgets their errors: before a
  // rollback, which undoes them anyway.
  void discard_sent() noexcept;

  // True once the connection is lost (the server restarted, or an
  // administrator ended it): only a new connection works after that.
  bool broken() const;

  // For LISTEN: the socket to wait on, and the notifications received so
  // far (reads what the socket holds without blocking).
  int socket() const;
  std::vector<Notification> take_notifications();

 private:
  [[noreturn]] void fail(std::string_view doing, pg_result* result = nullptr);
  // The statement's name, preparing it on first use.
  const std::string& prepared(std::string_view sql);

  pg_conn* m_conn = nullptr;
  std::unordered_map<std::string, std::string> m_prepared;  // SQL -> statement name
  std::size_t m_sent = 0;                                   // statements sent and not yet checked
};

}  // namespace iro::pg
