// attach, attachment get, attachments: a child's drawing or photo on a
// record (iro/blob.hpp).
//   iro --db F attach ID --file drawing.png        # last line: the attachment's SHA-256
//   iro --db F attachment get HASH --out copy.png
//   iro --db F attachments [--json]
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_context.hpp"
#include "iro/blob.hpp"
#include "iro/error.hpp"
#include "private_file.hpp"

namespace iro::cli {

Bytes read_attachment_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::invalid_input, "cannot read " + path);
  file.seekg(0, std::ios::end);
  const std::streamoff size = file.tellg();
  if (size > std::streamoff(kMaxBlobBytes)) {
    throw Error(ErrorCode::invalid_input,
                path + " has " + std::to_string(size) + " bytes; an attachment may have at most " +
                    std::to_string(kMaxBlobBytes / (1024 * 1024)) + " MiB");
  }
  file.seekg(0);
  return Bytes(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

void add_attachment_commands(CLI::App& app, CliContext& context) {
  struct AttachOptions {
    std::string id;
    std::string file;
  };
  auto attach_options = std::make_shared<AttachOptions>();
  auto* attach = app.add_subcommand(
      "attach", "Attach a file (a drawing, a photo) to a consultation or visit; prints its hash");
  attach->add_option("ID", attach_options->id, "The record's id")->required();
  attach->add_option("--file", attach_options->file, "The file to attach")->required();
  attach->callback([&context, attach_options] {
    const Bytes bytes = read_attachment_file(attach_options->file);
    context.out() << context.store().add_attachment(attach_options->id, bytes) << "\n";
  });

  struct GetOptions {
    std::string hash;
    std::string out;
  };
  auto get_options = std::make_shared<GetOptions>();
  auto* attachment = app.add_subcommand("attachment", "One attachment");
  attachment->require_subcommand(1);
  auto* get = attachment->add_subcommand("get", "Write an attachment the device holds to a file");
  get->add_option("HASH", get_options->hash, "The attachment's SHA-256")->required();
  get->add_option("--out", get_options->out, "The file to write")->required();
  get->callback([&context, get_options] {
    const std::optional<Bytes> bytes = context.store().attachment(get_options->hash);
    if (!bytes) {
      throw Error(ErrorCode::not_found, "this device does not hold attachment " +
                                            get_options->hash.substr(0, 64) +
                                            " (yet: sync to fetch it)");
    }
    write_private_file(get_options->out,
                       {reinterpret_cast<const char*>(bytes->data()), bytes->size()});
  });

  auto as_json = std::make_shared<bool>(false);
  auto* list = app.add_subcommand("attachments", "The attachments this device holds or awaits");
  list->add_flag("--json", *as_json, "As a JSON array");
  list->callback([&context, as_json] {
    const std::vector<AttachmentInfo> blobs = context.store().attachments();
    if (*as_json) {
      nlohmann::json array = nlohmann::json::array();
      for (const AttachmentInfo& blob : blobs) {
        nlohmann::json entry = {{"hash", blob.hash},
                                {"size", blob.size},
                                {"received", blob.received},
                                {"state", to_string(blob.state)}};
        if (!blob.reason.empty()) entry["reason"] = blob.reason;
        array.push_back(std::move(entry));
      }
      context.out() << array.dump(2) << "\n";
      return;
    }
    for (const AttachmentInfo& blob : blobs) {
      context.out() << blob.hash << "  " << to_string(blob.state) << "  " << blob.received << "/"
                    << blob.size << " bytes" << (blob.reason.empty() ? "" : "  " + blob.reason)
                    << "\n";
    }
  });
}

}  // namespace iro::cli
