// Result<T>: a value or an Error, in the spirit of C++23 std::expected (not in our C++20 library).
// Functions that can fail return one instead of throwing; callers must look before they take.
#pragma once

#include <cstdlib>
#include <utility>
#include <variant>

#include "core/error.h"

namespace mxh {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  [[nodiscard]] T& value() & { return std::get<0>(checkedValue()); }
  [[nodiscard]] const T& value() const& { return std::get<0>(checkedValue()); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(checkedValue())); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Only valid when !ok().
  [[nodiscard]] const Error& error() const {
    if (ok()) std::abort();
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error>& checkedValue() {
    if (!ok()) std::abort();  // Taking the value of a failure is a programming error.
    return state_;
  }
  const std::variant<T, Error>& checkedValue() const {
    if (!ok()) std::abort();
    return state_;
  }

  std::variant<T, Error> state_;
};

// The success of an operation that has nothing to return.
struct Ok {};
using Status = Result<Ok>;

}  // namespace mxh
