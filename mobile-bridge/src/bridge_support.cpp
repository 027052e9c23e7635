#include "bridge_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "iro/error.hpp"

namespace iro::bridge {

iro_status_t report(iro_error_t* error, iro_status_t status, bool transient,
                    std::string_view message) {
  if (error != nullptr) {
    error->domain = IRO_DOMAIN_IRO;
    error->code = status;
    error->transient = transient ? 1 : 0;
    const std::size_t length = std::min(message.size(), sizeof error->message - 1);
    std::memcpy(error->message, message.data(), length);
    error->message[length] = '\0';
  }
  return status;
}

// The C enum mirrors iro::ErrorCode one to one (the cast below relies on it).
static_assert(int(ErrorCode::refused) == IRO_ERR_REFUSED);
static_assert(int(ErrorCode::lease_expired) == IRO_ERR_LEASE_EXPIRED);
static_assert(int(ErrorCode::not_allowed) == IRO_ERR_NOT_ALLOWED);

iro_status_t guarded_status(iro_error_t* error, void (*call)(void*), void* body) {
  try {
    call(body);
    return IRO_OK;
  } catch (const Error& failure) {
    return report(error, static_cast<iro_status_t>(failure.code()), failure.transient(),
                  failure.what());
  } catch (const Misuse& failure) {
    return misuse(error, failure.what());
  } catch (const std::bad_alloc&) {
    return report(error, IRO_ERR_INTERNAL, true, "out of memory");
  } catch (const std::exception& failure) {
    return report(error, IRO_ERR_INTERNAL, false, failure.what());
  } catch (...) {
    return report(error, IRO_ERR_INTERNAL, false, "an unknown exception");
  }
}

void require(const void* pointer, const char* name) {
  if (pointer == nullptr) throw Misuse(std::string(name) + " is required");
}

std::span<const std::uint8_t> bytes_from_host(const std::uint8_t* bytes, std::size_t length) {
  if (bytes == nullptr && length != 0) throw Misuse("bytes is NULL but length is not 0");
  if (bytes == nullptr) return {};
  return {bytes, length};
}

char* copy_out(std::string_view text) {
  char* buffer = static_cast<char*>(std::malloc(text.size() + 1));
  if (buffer == nullptr) throw std::bad_alloc();
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return buffer;
}

std::uint8_t* copy_out(const std::vector<std::uint8_t>& bytes) {
  auto* buffer = static_cast<std::uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (buffer == nullptr) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  return buffer;
}

}  // namespace iro::bridge
