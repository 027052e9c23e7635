// The letter to the child as a PDF file: A4, wide margins, large type,
// paragraphs wrapped and carried over pages as long as the letter needs.
// Text is laid out by Pango (any UTF-8: accents, other scripts, emoji; a
// character no installed font has prints as a box, never fails).
//
// Thread safety: one call at a time per process (fontconfig's first load is
// not shared safely by every Pango version).
#pragma once

#include <filesystem>

#include "iro/letters.hpp"

namespace iro {

// Writes `page` (letters.hpp) to `path`, replacing any file there. The body's
// paragraphs are letter_paragraphs(page.body); nothing in the text is read as
// markup. Throws Error(storage_failure) when the file cannot be written.
void write_letter_pdf(const LetterPage& page, const std::filesystem::path& path);

}  // namespace iro
