// libFuzzer target: the JSON a tablet app hands the C ABI. The first byte
// picks a record kind; the rest is read as a record's fields, as
// iro_document_create and iro_document_edit read them (documents.cpp), and
// as an iro_timescales request. Refusals are Error(invalid_input) or an
// IRO_ERR status; never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "iro/error.hpp"
#include "iro/iro.h"
#include "iro/json.hpp"
#include "iro/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto kinds = iro::all_kinds();
  const iro::Kind kind = kinds[data[0] % kinds.size()];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  const nlohmann::json fields = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!fields.is_discarded()) {
    try {
      (void)iro::fields_from_json(kind, fields);
    } catch (const iro::Error& error) {
      if (error.code() != iro::ErrorCode::invalid_input) std::abort();
    }
  }

  char* out = nullptr;
  iro_error_t error{};
  const iro_status_t status = iro_timescales(text.c_str(), &out, &error);
  if (status == IRO_OK && out == nullptr) std::abort();
  iro_free(out);
  return 0;
}
