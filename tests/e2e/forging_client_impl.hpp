// ForgingClient::expect, kept out of the interface's way.
#pragma once

#include <doctest/doctest.h>

#include <variant>

namespace iro::test {

template <class T>
T ForgingClient::expect(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::optional<Message> message = receive(std::max(left, std::chrono::milliseconds(0)));
    if (!message) {
      FAIL_CHECK("no " << typeid(T).name() << " within " << limit.count() << " ms"
                       << (closed() ? " (the server closed the connection)" : ""));
      return T{};
    }
    if (auto* wanted = std::get_if<T>(&*message)) return std::move(*wanted);
    if (const auto* refused = std::get_if<Refused>(&*message)) {
      MESSAGE("passed over a Refused: " << refused->reason);
    }
  }
}

}  // namespace iro::test
