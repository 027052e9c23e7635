#include "iro/uuid.hpp"

#include <doctest/doctest.h>

#include <set>

TEST_CASE("UUIDv7 ids carry the version, the variant and the time") {
  iro::UuidV7Generator ids;
  const std::string id = ids.next(0x0189'0a5d'ac96);
  CHECK(iro::is_canonical_uuid(id));
  CHECK(id.substr(0, 13) == "01890a5d-ac96");
  CHECK(id[14] == '7');
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);
}

TEST_CASE("ids from one generator strictly increase, even when the clock steps back") {
  iro::UuidV7Generator ids;
  std::string previous = ids.next(5000);
  std::set<std::string> seen{previous};
  for (int i = 0; i < 10'000; ++i) {
    const std::uint64_t ms = i == 5000 ? 1000 : 5000 + i / 100;  // one step back at 5000
    const std::string next = ids.next(ms);
    CHECK(next > previous);
    previous = next;
    seen.insert(next);
  }
  CHECK(seen.size() == 10'001);
}

TEST_CASE("only the canonical lower-case form is accepted") {
  CHECK(iro::is_canonical_uuid("01890a5d-ac96-774b-bcce-b302099a8057"));
  CHECK_FALSE(iro::is_canonical_uuid("01890A5D-AC96-774B-BCCE-B302099A8057"));
  CHECK_FALSE(iro::is_canonical_uuid("01890a5d-ac96-774b-bcce-b302099a805"));
  CHECK_FALSE(iro::is_canonical_uuid("01890a5dxac96-774b-bcce-b302099a8057"));
  CHECK_FALSE(iro::is_canonical_uuid("{1890a5d-ac96-774b-bcce-b302099a8057"));
  CHECK_FALSE(iro::is_canonical_uuid(""));
}
