// Removing a file so that its bytes do not stay behind in the blocks the
// file system frees: every byte is overwritten with zeros and flushed to the
// disk first, then the name is unlinked. For a revoked device's store after
// a Wipe (DeviceStore::destroy).
//
// What no application can reach, said plainly: flash storage (a tablet's, a
// laptop's SSD) writes an overwritten block to a fresh place and keeps the
// old one until it erases it (wear levelling), and copy-on-write file systems
// keep old blocks too. A forensic read of the raw flash may find those
// copies. Against that only the encryption of an encrypted store protects:
// its blocks hold nothing readable without the host key.
#pragma once

#include <filesystem>

namespace iro {

// Overwrites `path` with zeros, flushes it (fsync) and unlinks it. Does
// nothing when there is no such file. Best effort: a file it cannot open for
// writing is still unlinked; nothing throws.
void overwrite_and_remove(const std::filesystem::path& path);

}  // namespace iro
