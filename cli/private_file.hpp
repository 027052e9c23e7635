// Files iro writes that hold a child's words (a rendered letter, an
// attachment copied out): a file iro creates is readable and writable by the
// user alone (0600), whatever the umask. An existing file is replaced in
// place and keeps the mode its owner gave it (a file the user made, or
// /dev/stdout).
#pragma once

#include <string>
#include <string_view>

namespace iro::cli {

// Writes `bytes` to `path`, creating it 0600 when absent. Throws
// Error(storage_failure) naming the file when it cannot be written.
void write_private_file(const std::string& path, std::string_view bytes);

// Creates `path` empty and 0600 when there is no file there, for a writer
// that opens the file itself (the PDF renderer, which keeps the mode of a
// file it replaces). Returns true when it made it, so that the caller can
// remove it again if the writing fails.
bool create_private_file(const std::string& path);

}  // namespace iro::cli
