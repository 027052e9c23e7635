// The letter as an HTML page: what a tablet shows and a browser prints.
#include <string>

#include "iro/letters.hpp"

namespace iro {
namespace {

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

std::vector<std::string> letter_paragraphs(std::string_view body) {
  std::vector<std::string> paragraphs;
  std::string current;
  auto finish = [&] {
    std::string paragraph = trimmed(current);
    if (!paragraph.empty()) paragraphs.push_back(std::move(paragraph));
    current.clear();
  };
  while (!body.empty()) {
    const auto end = body.find('\n');
    const std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    if (is_blank_line(line)) {
      finish();
    } else {
      if (!current.empty()) current += '\n';
      current += line.ends_with('\r') ? line.substr(0, line.size() - 1) : line;
    }
  }
  finish();
  return paragraphs;
}

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_letter_html(const LetterPage& page) {
  std::string html =
      "<!DOCTYPE html>\n"
      "<html lang=\"en-GB\">\n"
      "<head>\n"
      "<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" +
      html_escaped(page.title) +
      "</title>\n"
      "<style>\n"
      "body { font-family: Verdana, \"DejaVu Sans\", sans-serif; font-size: 1.4rem;"
      " line-height: 1.6; max-width: 38em; margin: 2em auto; padding: 0 1em;"
      " color: #111; background: #fff; }\n"
      "h1 { font-size: 1.8rem; }\n"
      "p { margin: 0 0 1.2em; }\n"
      ".note { font-size: 1rem; color: #444; border-top: 1px solid #999; padding-top: 0.5em; }\n"
      "</style>\n"
      "</head>\n"
      "<body>\n"
      "<main>\n"
      "<h1>" +
      html_escaped(page.title) + "</h1>\n";
  for (const std::string& paragraph : letter_paragraphs(page.body)) {
    std::string escaped = html_escaped(paragraph);
    std::string with_breaks;
    for (const char c : escaped) {
      if (c == '\n') {
        with_breaks += "<br>\n";
      } else {
        with_breaks += c;
      }
    }
    html += "<p>" + with_breaks + "</p>\n";
  }
  if (!page.note.empty()) html += "<p class=\"note\">" + html_escaped(page.note) + "</p>\n";
  html += "</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace iro
