#include "app_letter_pdf.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "iro/base64.hpp"
#include "iro/error.hpp"
#include "iro/letter_pdf.hpp"

namespace iro::cli {
namespace {

using nlohmann::json;

// A file of this process's own, 0600 (mkstemp), removed when done: the
// renderer writes to a path, and the child's words must not linger in it.
class PrivateTempFile {
 public:
  PrivateTempFile() {
    std::string name = (std::filesystem::temp_directory_path() / "iro-letter-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw Error(ErrorCode::storage_failure, "no temporary file for the PDF");
    ::close(fd);
    m_path = name;
  }
  ~PrivateTempFile() {
    std::error_code ignored;
    std::filesystem::remove(m_path, ignored);
  }
  PrivateTempFile(const PrivateTempFile&) = delete;
  PrivateTempFile& operator=(const PrivateTempFile&) = delete;

  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace

AppApiReply letter_pdf_reply(iro_store_t* store, const json& request) {
  const auto id = request.find("id");
  if (id == request.end() || !id->is_string() || request.size() != 2) {
    return {http_status_for(IRO_ERR_INVALID_INPUT),
            app_error_json(IRO_ERR_INVALID_INPUT, "letter.pdf takes \"id\" and nothing else")};
  }
  char* reply_json = nullptr;
  iro_error_t error;
  const std::string letter_request = json{{"op", "letter"}, {"id", *id}}.dump();
  const iro_status_t status = iro_app_call(store, letter_request.c_str(), &reply_json, &error);
  if (status != IRO_OK) return {http_status_for(status), app_error_json(status, error.message)};
  const json letter = json::parse(reply_json);
  iro_free(reply_json);

  LetterPage page;
  page.title = letter["page"]["title"].get<std::string>();
  page.note = letter["page"]["note"].get<std::string>();
  for (const json& paragraph : letter["page"]["paragraphs"]) {
    page.body += (page.body.empty() ? "" : "\n\n") + paragraph.get<std::string>();
  }
  try {
    PrivateTempFile file;
    write_letter_pdf(page, file.path());
    std::ifstream in(file.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                          std::istreambuf_iterator<char>()};
    return {200, json{{"pdf_base64", base64_encode(bytes)},
                      {"file_name",
                       "letter-" + letter["letter"]["child_id"].get<std::string>() + ".pdf"}}
                     .dump()};
  } catch (const Error& failure) {
    const auto code = static_cast<iro_status_t>(failure.code());
    return {http_status_for(code), app_error_json(code, failure.what())};
  }
}

}  // namespace iro::cli
