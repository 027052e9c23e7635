import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for the Java test, so it checks what libiro and the
 * server return by value rather than by substring (the JDK has no JSON).
 * Objects become Map, arrays List, numbers Long or Double, and true, false
 * and null Boolean and null. Throws IllegalArgumentException on bad input.
 */
final class Json {
  private final String text;
  private int at;

  private Json(String text) { this.text = text; }

  static Object parse(String text) {
    Json reader = new Json(text);
    Object value = reader.value();
    reader.skipSpace();
    if (reader.at != text.length()) throw reader.error("text after the value");
    return value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    return (Map<String, Object>) parse(text);
  }

  @SuppressWarnings("unchecked")
  static List<Object> array(String text) {
    return (List<Object>) parse(text);
  }

  private Object value() {
    skipSpace();
    if (at >= text.length()) throw error("end of text");
    char next = text.charAt(at);
    if (next == '{') return objectValue();
    if (next == '[') return arrayValue();
    if (next == '"') return stringValue();
    if (text.startsWith("true", at)) return literal("true", Boolean.TRUE);
    if (text.startsWith("false", at)) return literal("false", Boolean.FALSE);
    if (text.startsWith("null", at)) return literal("null", null);
    return numberValue();
  }

  private Map<String, Object> objectValue() {
    Map<String, Object> members = new LinkedHashMap<>();
    expect('{');
    skipSpace();
    if (peek('}')) return members;
    do {
      skipSpace();
      String name = stringValue();
      skipSpace();
      expect(':');
      members.put(name, value());
      skipSpace();
    } while (peek(','));
    expect('}');
    return members;
  }

  private List<Object> arrayValue() {
    List<Object> items = new ArrayList<>();
    expect('[');
    skipSpace();
    if (peek(']')) return items;
    do {
      items.add(value());
      skipSpace();
    } while (peek(','));
    expect(']');
    return items;
  }

  private String stringValue() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) throw error("unterminated string");
      char next = text.charAt(at++);
      if (next == '"') return out.toString();
      if (next != '\\') {
        out.append(next);
        continue;
      }
      char escaped = text.charAt(at++);
      switch (escaped) {
        case 'n':
          out.append('\n');
          break;
        case 't':
          out.append('\t');
          break;
        case 'r':
          out.append('\r');
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'u':
          out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
          break;
        default: // '"', '\\', '/'
          out.append(escaped);
      }
    }
  }

  private Object numberValue() {
    int start = at;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
    String number = text.substring(start, at);
    if (number.isEmpty()) throw error("a value");
    if (number.contains(".") || number.contains("e") || number.contains("E")) {
      return Double.parseDouble(number);
    }
    return Long.parseLong(number);
  }

  private Object literal(String word, Object value) {
    at += word.length();
    return value;
  }

  private boolean peek(char wanted) {
    if (at < text.length() && text.charAt(at) == wanted) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(char wanted) {
    if (!peek(wanted)) throw error("'" + wanted + "'");
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("JSON: expected " + expected + " at offset " + at);
  }
}
