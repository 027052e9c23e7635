#include "iro/letter_pdf.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

#include "iro/error.hpp"

namespace iro {
namespace {

// A4 in PostScript points (1/72 inch), and 2.5 cm margins.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 70.866;
constexpr double kTextWidth = kPageWidth - 2 * kMargin;
constexpr double kParagraphGap = 10.0;

// Large, plain type for a child to read (DejaVu Sans ships with Debian's
// fonts-dejavu-core; fontconfig falls back to any sans font elsewhere).
constexpr const char* kTitleFont = "DejaVu Sans Bold 18";
constexpr const char* kBodyFont = "DejaVu Sans 13";
constexpr const char* kNoteFont = "DejaVu Sans 10";

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
  void operator()(cairo_t* cairo) const { cairo_destroy(cairo); }
};
struct ObjectDeleter {
  void operator()(void* object) const { g_object_unref(object); }
};
struct FontDeleter {
  void operator()(PangoFontDescription* font) const { pango_font_description_free(font); }
};
struct IterDeleter {
  void operator()(PangoLayoutIter* iter) const { pango_layout_iter_free(iter); }
};
struct GFreeDeleter {
  void operator()(gchar* text) const { g_free(text); }
};

// Valid UTF-8 for Pango, whatever came in (stored bodies are validated; a
// title or note from elsewhere might not be).
std::string valid_utf8(const std::string& text) {
  std::unique_ptr<gchar, GFreeDeleter> valid(
      g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
  return valid.get();
}

// Lays out text a line at a time from the top of the page downward, starting
// a new page when the next line would cross the bottom margin.
class PageWriter {
 public:
  explicit PageWriter(cairo_t* cairo) : m_cairo(cairo) {}

  void paragraph(const std::string& text, const char* font_name) {
    std::unique_ptr<PangoLayout, ObjectDeleter> layout(pango_cairo_create_layout(m_cairo));
    std::unique_ptr<PangoFontDescription, FontDeleter> font(
        pango_font_description_from_string(font_name));
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_width(layout.get(), static_cast<int>(kTextWidth * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    const std::string valid = valid_utf8(text);
    pango_layout_set_text(layout.get(), valid.data(), static_cast<int>(valid.size()));

    std::unique_ptr<PangoLayoutIter, IterDeleter> iter(pango_layout_get_iter(layout.get()));
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter.get(), nullptr, &logical);
      const double line_top = static_cast<double>(logical.y) / PANGO_SCALE;
      const double line_height = static_cast<double>(logical.height) / PANGO_SCALE;
      const double baseline =
          static_cast<double>(pango_layout_iter_get_baseline(iter.get())) / PANGO_SCALE;
      if (m_line_start < 0) m_line_start = line_top;  // the paragraph's first line on this page
      double top = m_y + (line_top - m_line_start);
      if (top + line_height > kPageHeight - kMargin && m_y > kMargin) {
        cairo_show_page(m_cairo);
        m_y = kMargin;
        m_line_start = line_top;
        top = m_y;
      }
      cairo_move_to(m_cairo, kMargin + static_cast<double>(logical.x) / PANGO_SCALE,
                    top + (baseline - line_top));
      pango_cairo_show_layout_line(m_cairo, pango_layout_iter_get_line_readonly(iter.get()));
      m_bottom = top + line_height;
    } while (pango_layout_iter_next_line(iter.get()));
    m_y = m_bottom + kParagraphGap;
    m_line_start = -1;
  }

 private:
  cairo_t* m_cairo;
  double m_y = kMargin;       // where the current paragraph starts on this page
  double m_line_start = -1;   // the layout's y that m_y stands for; -1 between paragraphs
  double m_bottom = kMargin;  // the bottom of the last line drawn
};

[[noreturn]] void cannot_write(const std::filesystem::path& path, cairo_status_t status) {
  throw Error(ErrorCode::storage_failure,
              "cannot write " + path.string() + ": " + cairo_status_to_string(status));
}

}  // namespace

void write_letter_pdf(const LetterPage& page, const std::filesystem::path& path) {
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      cairo_pdf_surface_create(path.c_str(), kPageWidth, kPageHeight));
  if (const cairo_status_t status = cairo_surface_status(surface.get());
      status != CAIRO_STATUS_SUCCESS) {
    cannot_write(path, status);
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 valid_utf8(page.title).c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "iro-sync");
  {
    std::unique_ptr<cairo_t, ContextDeleter> cairo(cairo_create(surface.get()));
    cairo_set_source_rgb(cairo.get(), 0.07, 0.07, 0.07);
    PageWriter writer(cairo.get());
    if (!page.title.empty()) writer.paragraph(page.title, kTitleFont);
    for (const std::string& paragraph : letter_paragraphs(page.body)) {
      writer.paragraph(paragraph, kBodyFont);
    }
    if (!page.note.empty()) writer.paragraph(page.note, kNoteFont);
    cairo_show_page(cairo.get());
  }
  cairo_surface_finish(surface.get());
  if (const cairo_status_t status = cairo_surface_status(surface.get());
      status != CAIRO_STATUS_SUCCESS) {
    cannot_write(path, status);
  }
}

}  // namespace iro
