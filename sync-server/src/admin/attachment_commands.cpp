#include "admin/attachment_commands.hpp"

#include <fstream>

#include "iro/blob.hpp"
#include "iro/error.hpp"

namespace iro::server {

void add_attachment_command(CLI::App& admin, AdminContext& context) {
  struct Options {
    std::string tenant;
    std::string hash;
    std::string out;
  };
  auto options = std::make_shared<Options>();
  auto* command = admin.add_subcommand(
      "attachment", "Write an attachment the server holds (by its SHA-256) to a file");
  command->add_option("--tenant", options->tenant, "The council")->required();
  command->add_option("--hash", options->hash, "The attachment's SHA-256 (64 hex digits)")
      ->required();
  command->add_option("--out", options->out, "The file to write")->required();
  command->callback([&context, options] {
    if (!is_blob_hash(options->hash)) {
      throw Error(ErrorCode::invalid_input, "\"" + options->hash.substr(0, 80) +
                                                "\" is not a SHA-256 (64 lower-case hex digits)");
    }
    Bytes bytes;
    context.read_audited(AuditAction::attachment_download, [&](StoreTxn& txn, AuditRow& row) {
      row.tenant = options->tenant;
      row.detail = options->hash.substr(0, 12) + "...: written to a file";
      const std::optional<BlobRow> blob = txn.blob(options->tenant, options->hash);
      if (!blob || !blob->complete) {
        throw Error(ErrorCode::not_found, "the server holds no whole attachment " +
                                              options->hash.substr(0, 12) + "... for " +
                                              options->tenant);
      }
      for (std::uint64_t at = 0; at < blob->size; at += kBlobChunkBytes) {
        const Bytes chunk = txn.read_blob(options->tenant, options->hash, at, kBlobChunkBytes);
        bytes.insert(bytes.end(), chunk.begin(), chunk.end());
      }
    });
    std::ofstream file(options->out, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!file.flush()) throw Error(ErrorCode::storage_failure, "cannot write " + options->out);
    context.out() << bytes.size() << " bytes written to " << options->out << "\n";
  });
}

}  // namespace iro::server
