#include "private_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "iro/error.hpp"

namespace iro::cli {
namespace {

[[noreturn]] void cannot_write(const std::string& path, int error_number) {
  throw Error(ErrorCode::storage_failure,
              "cannot write " + path + ": " + std::strerror(error_number));
}

}  // namespace

void write_private_file(const std::string& path, std::string_view bytes) {
  // 0600 applies only when the file is created; the umask can take bits
  // away, never add them.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) cannot_write(path, errno);
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      const int error_number = written < 0 ? errno : EIO;
      ::close(fd);
      cannot_write(path, error_number);
    }
    bytes.remove_prefix(std::size_t(written));
  }
  if (::close(fd) != 0) cannot_write(path, errno);
}

bool create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    // There already (it keeps its mode); any other failure is the writer's to report.
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace iro::cli
