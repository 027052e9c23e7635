// Reads bank holiday data in GOV.UK's CSV form (the format is described at
// HolidayCalendar::updated_with_csv).
#pragma once

#include <string_view>
#include <vector>

#include "iro/bank_holiday_rules.hpp"

namespace iro::detail {

// The rows of `csv` in file order. Throws Error(invalid_input) naming
// `source_name` and the line for a missing header, a row that is not
// `YYYY-MM-DD,name` with a real date, or a date listed twice.
std::vector<BankHoliday> read_holiday_csv(std::string_view csv, std::string_view source_name);

}  // namespace iro::detail
