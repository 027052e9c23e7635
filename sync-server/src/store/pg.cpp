#include "store/pg.hpp"

#include <libpq-fe.h>

#include <charconv>

#include "iro/error.hpp"

namespace iro::pg {

// --- Params

void Params::push(std::optional<std::string> value, int format) {
  m_lengths.push_back(value ? int(value->size()) : 0);
  m_formats.push_back(format);
  m_values.push_back(std::move(value));
}

Params& Params::add(std::string_view text) {
  push(std::string(text), 0);
  return *this;
}

Params& Params::add(std::int64_t number) {
  push(std::to_string(number), 0);
  return *this;
}

Params& Params::add(std::span<const std::uint8_t> bytes) {
  push(std::string(bytes.begin(), bytes.end()), 1);
  return *this;
}

Params& Params::add(std::optional<std::int64_t> number) {
  return number ? add(*number) : add_null();
}

Params& Params::add_null() {
  push(std::nullopt, 0);
  return *this;
}

std::vector<const char*> Params::values() const {
  std::vector<const char*> pointers;
  pointers.reserve(m_values.size());
  for (const auto& value : m_values) pointers.push_back(value ? value->data() : nullptr);
  return pointers;
}

// --- Result

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(m_result);
    m_result = std::exchange(other.m_result, nullptr);
  }
  return *this;
}

Result::~Result() {
  PQclear(m_result);
}

int Result::rows() const {
  return PQntuples(m_result);
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(m_result, row, column) != 0;
}

std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(m_result, row, column),
                     std::size_t(PQgetlength(m_result, row, column)));
}

std::int64_t Result::int64(int row, int column) const {
  const char* text = PQgetvalue(m_result, row, column);
  const char* end = text + PQgetlength(m_result, row, column);
  std::int64_t number = 0;
  const auto [stop, error] = std::from_chars(text, end, number);
  if (error != std::errc() || stop != end) {
    throw Error(ErrorCode::internal,
                "PostgreSQL returned '" + std::string(text, end) + "' where a number was expected");
  }
  return number;
}

std::optional<std::int64_t> Result::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

Bytes Result::bytes(int row, int column) const {
  // Text results give bytea in hex ("\x0a1b..."): libpq decodes it.
  std::size_t size = 0;
  unsigned char* decoded = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(m_result, row, column)), &size);
  if (decoded == nullptr) throw Error(ErrorCode::storage_failure, "out of memory reading bytea");
  Bytes bytes(decoded, decoded + size);
  PQfreemem(decoded);
  return bytes;
}

std::uint64_t Result::affected() const {
  const char* count = PQcmdTuples(m_result);
  std::uint64_t number = 0;
  std::from_chars(count, count + std::char_traits<char>::length(count), number);
  return number;
}

// --- Connection

Connection::Connection(const std::string& url) : m_conn(PQconnectdb(url.c_str())) {
  if (PQstatus(m_conn) != CONNECTION_OK) {
    const std::string reason = PQerrorMessage(m_conn);
    PQfinish(m_conn);
    m_conn = nullptr;
    // The URL may carry a password: the message names neither.
    throw Error(ErrorCode::storage_failure, "cannot connect to PostgreSQL: " + reason);
  }
  // Notices (a table that already exists...) are not errors: keep them off stderr.
  PQsetNoticeProcessor(
      m_conn, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
  PQfinish(m_conn);
}

void Connection::fail(std::string_view doing, pg_result* result) {
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(m_conn);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // 40001 serialization failure, 40P01 deadlock: another node's transaction won; try again.
  const bool busy =
      state && (std::string_view(state) == "40001" || std::string_view(state) == "40P01");
  PQclear(result);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw Error(busy ? ErrorCode::storage_busy : ErrorCode::storage_failure,
              "PostgreSQL error while " + std::string(doing) + ": " + message);
}

void Connection::execute(std::string_view sql) {
  check_sent();
  PGresult* result = PQexec(m_conn, std::string(sql).c_str());
  const auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("running SQL", result);
  PQclear(result);
}

const std::string& Connection::prepared(std::string_view sql) {
  auto prepared = m_prepared.find(std::string(sql));
  if (prepared == m_prepared.end()) {
    check_sent();  // PQprepare waits for its answer, which a pipeline does not allow
    const std::string name = "s" + std::to_string(m_prepared.size() + 1);
    PGresult* result = PQprepare(m_conn, name.c_str(), std::string(sql).c_str(), 0, nullptr);
    if (PQresultStatus(result) != PGRES_COMMAND_OK) fail("preparing a statement", result);
    PQclear(result);
    prepared = m_prepared.emplace(std::string(sql), name).first;
  }
  return prepared->second;
}

Result Connection::query(std::string_view sql, const Params& params) {
  const std::string& name = prepared(sql);
  check_sent();
  const std::vector<const char*> values = params.values();
  PGresult* result = PQexecPrepared(m_conn, name.c_str(), params.size(), values.data(),
                                    params.lengths(), params.formats(), /*resultFormat text*/ 0);
  const auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("running a statement", result);
  return Result(result);
}

// The answers to statements sent wait on the server until a sync point, and
// libpq writes in blocking mode: past this many, the two could each wait for
// the other to read. A statement's answer is a few dozen bytes.
constexpr std::size_t kMostSentUnchecked = 256;

void Connection::send(std::string_view sql, const Params& params) {
  if (m_sent >= kMostSentUnchecked) check_sent();
  const std::string& name = prepared(sql);
  if (PQpipelineStatus(m_conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(m_conn) == 0) {
    fail("starting a pipeline");
  }
  const std::vector<const char*> values = params.values();
  if (PQsendQueryPrepared(m_conn, name.c_str(), params.size(), values.data(), params.lengths(),
                          params.formats(), /*resultFormat text*/ 0) == 0) {
    fail("sending a statement");
  }
  ++m_sent;
}

void Connection::check_sent() {
  if (PQpipelineStatus(m_conn) == PQ_PIPELINE_OFF) return;
  const std::size_t sent = std::exchange(m_sent, 0);
  if (PQpipelineSync(m_conn) == 0) fail("ending a pipeline");
  // Each statement answers with a result, then a null; the sync point with
  // PGRES_PIPELINE_SYNC. After a failure the rest are PGRES_PIPELINE_ABORTED.
  // Bounded, so that a connection lost midway cannot loop here.
  PGresult* first_error = nullptr;
  bool synced = false;
  for (std::size_t read = 0; read <= 2 * sent && !synced; ++read) {
    PGresult* result = PQgetResult(m_conn);
    if (result == nullptr) {
      if (broken()) break;
      continue;
    }
    const auto status = PQresultStatus(result);
    synced = status == PGRES_PIPELINE_SYNC;
    const bool failed = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
                        status != PGRES_PIPELINE_SYNC && status != PGRES_PIPELINE_ABORTED;
    if (failed && first_error == nullptr) {
      first_error = result;
    } else {
      PQclear(result);
    }
  }
  if (!synced || PQexitPipelineMode(m_conn) == 0) {
    PQclear(first_error);
    fail("ending a pipeline");
  }
  if (first_error != nullptr) fail("running a statement sent ahead", first_error);
}

void Connection::discard_sent() noexcept {
  try {
    check_sent();
  } catch (...) {
    // Its rollback undoes what failed; a lost connection is replaced.
  }
}

bool Connection::broken() const {
  return PQstatus(m_conn) != CONNECTION_OK;
}

int Connection::socket() const {
  return PQsocket(m_conn);
}

std::vector<Notification> Connection::take_notifications() {
  if (PQconsumeInput(m_conn) == 0) fail("reading notifications");
  std::vector<Notification> received;
  while (PGnotify* notify = PQnotifies(m_conn)) {
    received.push_back(Notification{notify->relname, notify->extra});
    PQfreemem(notify);
  }
  return received;
}

}  // namespace iro::pg
