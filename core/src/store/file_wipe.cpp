#include "store/file_wipe.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#else
#include <fstream>
#endif

namespace iro {
namespace {

constexpr std::size_t kZeroChunk = 64 * 1024;

#ifndef _WIN32
void overwrite_with_zeros(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat status {};
  // Only a regular file: a name that leads to a device or a pipe is just unlinked.
  if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
    static const std::array<char, kZeroChunk> zeros{};
    off_t left = status.st_size;
    while (left > 0) {
      const auto chunk = static_cast<std::size_t>(std::min<off_t>(left, off_t(zeros.size())));
      const ssize_t written = ::write(fd, zeros.data(), chunk);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) break;
      left -= written;
    }
    // The zeros must reach the disk before the name goes: after the unlink
    // the file system may never write the file's dirty pages back.
    ::fsync(fd);
  }
  ::close(fd);
}
#else
void overwrite_with_zeros(const std::filesystem::path& path) {
  std::error_code error;
  std::uintmax_t left = std::filesystem::file_size(path, error);
  if (error) return;
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  static const std::array<char, kZeroChunk> zeros{};
  while (file && left > 0) {
    const auto chunk = static_cast<std::streamsize>(std::min<std::uintmax_t>(left, zeros.size()));
    file.write(zeros.data(), chunk);
    left -= std::uintmax_t(chunk);
  }
  file.flush();
}
#endif

}  // namespace

void overwrite_and_remove(const std::filesystem::path& path) {
  overwrite_with_zeros(path);
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace iro
