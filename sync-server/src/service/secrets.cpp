#include "service/secrets.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>
#include <vector>

#include "iro/hex.hpp"

namespace iro::server {
namespace {

constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

void random_bytes(unsigned char* out, int count) {
  if (RAND_bytes(out, count) != 1) throw std::runtime_error("the system random generator failed");
}

}  // namespace

std::string to_hex(std::span<const unsigned char> bytes) {
  return hex_encode(bytes);
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<unsigned char> from_hex(std::string_view hex) {
  return hex_decode(hex).value_or(std::vector<unsigned char>{});
}

std::string random_hex(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  random_bytes(bytes.data(), int(bytes.size()));
  return to_hex(bytes);
}

std::string new_device_token() {
  return random_hex(32);
}

std::string new_enrolment_code() {
  std::string code;
  while (code.size() < 14) {
    if (code.size() == 4 || code.size() == 9) code.push_back('-');
    unsigned char byte = 0;
    random_bytes(&byte, 1);
    // Reject bytes past the largest multiple of the alphabet size: no modulo bias.
    if (byte >= 256 - 256 % kCodeAlphabet.size()) continue;
    code.push_back(kCodeAlphabet[byte % kCodeAlphabet.size()]);
  }
  return code;
}

std::string normalised_code(std::string_view code) {
  std::string out;
  for (const char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(std::span(digest.data(), length));
}

}  // namespace iro::server
