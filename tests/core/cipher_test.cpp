#include "store/cipher.hpp"

#include <doctest/doctest.h>

#include <string>

#include "support/hex.hpp"
#include "support/test_bytes.hpp"

using namespace iro;
using iro::test::hex;

namespace {

crypto::Bytes from_hex(std::string_view text) {
  REQUIRE(text.size() % 2 == 0);
  crypto::Bytes bytes;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    bytes.push_back(std::uint8_t(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

using iro::test::bytes_of;

}  // namespace

TEST_CASE("HKDF-SHA256 gives RFC 5869's test vectors") {
  const crypto::Bytes key_material(22, 0x0b);
  SUBCASE("test case 1: with salt and info") {
    const crypto::Bytes okm =
        crypto::hkdf_sha256(key_material, from_hex("000102030405060708090a0b0c"),
                            "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9", 42);
    CHECK(hex(okm) ==
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }
  SUBCASE("test case 3: empty salt and info") {
    const crypto::Bytes okm = crypto::hkdf_sha256(key_material, {}, "", 42);
    CHECK(hex(okm) ==
          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }
}

TEST_CASE("open reads nonce, ciphertext and tag as the GCM spec's AES-256 test case 16 lays out") {
  // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 16:
  // proves the layout (nonce first, tag last) and the cipher against outside data.
  const crypto::Aead aead(
      from_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"));
  const crypto::Bytes associated = from_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const std::string plaintext =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
  const crypto::Bytes sealed = from_hex(
      "cafebabefacedbaddecaf888"
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
      "76fc6ece0f4e1768cddf8853bb2d551b");
  const auto opened = aead.open(sealed, associated);
  REQUIRE(opened.has_value());
  CHECK(hex(*opened) == plaintext);
}

TEST_CASE("sealed bytes open with the same key and associated data, and with nothing else") {
  const crypto::Aead aead(crypto::Bytes(32, 0x42));
  const crypto::Bytes words = bytes_of("Ava wants Zoë at her review");
  const crypto::Bytes here = bytes_of("field/note/0189");
  const crypto::Bytes sealed = aead.seal(words, here);

  CHECK(sealed.size() == words.size() + crypto::kSealOverhead);
  REQUIRE(aead.open(sealed, here).has_value());
  CHECK(*aead.open(sealed, here) == words);
  // The words are not in the sealed bytes. (A whole word, not two letters:
  // any two given bytes turn up by chance in about one seal in 1,500.)
  CHECK(std::string(sealed.begin(), sealed.end()).find("wants") == std::string::npos);
  CHECK(std::string(sealed.begin(), sealed.end()).find("review") == std::string::npos);

  SUBCASE("a fresh nonce each time: the same words seal differently") {
    const crypto::Bytes again = aead.seal(words, here);
    CHECK(again != sealed);
    CHECK(crypto::Bytes(again.begin(), again.begin() + 12) !=
          crypto::Bytes(sealed.begin(), sealed.begin() + 12));
  }
  SUBCASE("other associated data") {
    CHECK_FALSE(aead.open(sealed, bytes_of("field/note/0190")).has_value());
  }
  SUBCASE("another key") {
    const crypto::Aead other(crypto::Bytes(32, 0x43));
    CHECK_FALSE(other.open(sealed, here).has_value());
  }
  SUBCASE("any one byte flipped: nonce, ciphertext or tag") {
    for (std::size_t i = 0; i < sealed.size(); ++i) {
      crypto::Bytes flipped = sealed;
      flipped[i] ^= 0x01;
      CAPTURE(i);
      CHECK_FALSE(aead.open(flipped, here).has_value());
    }
  }
  SUBCASE("cut short") {
    CHECK_FALSE(aead.open(crypto::Bytes(sealed.begin(), sealed.end() - 1), here).has_value());
    CHECK_FALSE(aead.open(crypto::Bytes(sealed.begin(), sealed.begin() + 27), here).has_value());
    CHECK_FALSE(aead.open({}, here).has_value());
  }
}

TEST_CASE("equal_in_constant_time compares contents and lengths") {
  CHECK(crypto::equal_in_constant_time(bytes_of("abc"), bytes_of("abc")));
  CHECK_FALSE(crypto::equal_in_constant_time(bytes_of("abc"), bytes_of("abd")));
  CHECK_FALSE(crypto::equal_in_constant_time(bytes_of("abc"), bytes_of("ab")));
}
