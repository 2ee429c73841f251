package dev.nanofaas.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal JSON, with JavaScript's data model: objects are {@code LinkedHashMap<String,Object>}
 * (key order kept), arrays {@code ArrayList<Object>}, numbers {@code Double} (1e400 is Infinity,
 * as JSON.parse gives), plus String, Boolean and null. Strict: NaN, comments, trailing commas and
 * trailing text are errors.
 */
public final class Json {
    private static final int MAX_DEPTH = 512;
    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON document; throws IllegalArgumentException when it is not JSON. */
    public static Object parse(String text) {
        Json parser = new Json(text);
        parser.skipBlank();
        Object value = parser.value(0);
        parser.skipBlank();
        if (parser.pos != text.length()) throw parser.error("trailing text");
        return value;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at " + pos + ": " + what);
    }

    private void skipBlank() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
    }

    private char peek() {
        if (pos >= text.length()) throw error("unexpected end");
        return text.charAt(pos);
    }

    private void expect(String word) {
        if (!text.startsWith(word, pos)) throw error("expected " + word);
        pos += word.length();
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested too deeply");
        char c = peek();
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': expect("true"); return Boolean.TRUE;
            case 'f': expect("false"); return Boolean.FALSE;
            case 'n': expect("null"); return null;
            default: return number();
        }
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipBlank();
        if (peek() == '}') { pos++; return map; }
        for (;;) {
            skipBlank();
            if (peek() != '"') throw error("expected a key");
            String key = string();
            skipBlank();
            expect(":");
            skipBlank();
            map.put(key, value(depth + 1));
            skipBlank();
            char c = peek();
            pos++;
            if (c == '}') return map;
            if (c != ',') throw error("expected , or }");
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        pos++;
        skipBlank();
        if (peek() == ']') { pos++; return list; }
        for (;;) {
            skipBlank();
            list.add(value(depth + 1));
            skipBlank();
            char c = peek();
            pos++;
            if (c == ']') return list;
            if (c != ',') throw error("expected , or ]");
        }
    }

    private String string() {
        StringBuilder out = new StringBuilder();
        pos++;
        for (;;) {
            char c = peek();
            pos++;
            if (c == '"') return out.toString();
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') { out.append(c); continue; }
            char e = peek();
            pos++;
            switch (e) {
                case '"': case '\\': case '/': out.append(e); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u':
                    if (pos + 4 > text.length()) throw error("bad \\u escape");
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                    break;
                default: throw error("bad escape");
            }
        }
    }

    private Double number() {
        int start = pos;
        if (pos < text.length() && text.charAt(pos) == '-') pos++;
        if (pos < text.length() && text.charAt(pos) == '0') pos++;
        else if (!digits()) throw error("unexpected character");
        if (pos < text.length() && text.charAt(pos) == '.') { pos++; if (!digits()) throw error("bad fraction"); }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) pos++;
            if (!digits()) throw error("bad exponent");
        }
        return Double.parseDouble(text.substring(start, pos));
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) pos++;
        return pos > start;
    }

    /** Writes a value as JSON text the way JSON.stringify would; throws IllegalArgumentException otherwise. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("output nested too deeply");
        if (value == null) out.append("null");
        else if (value instanceof String s) quote(s, out);
        else if (value instanceof Boolean b) out.append(b);
        else if (value instanceof Double || value instanceof Float) out.append(number(((Number) value).doubleValue()));
        else if (value instanceof Number n) out.append(n);
        else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) out.append(',');
                first = false;
                quote(String.valueOf(entry.getKey()), out);
                out.append(':');
                write(entry.getValue(), out, depth + 1);
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) out.append(',');
                first = false;
                write(item, out, depth + 1);
            }
            out.append(']');
        } else throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
    }

    /** A double as JavaScript prints it: 100000, 4.75, 1e+21, 1e-7; NaN and Infinity are null. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "null";
        if (d == Math.rint(d) && Math.abs(d) < 1e21) return Long.toString((long) d);
        String java = Double.toString(d); // 4.75, 1.0E21, 1.0E-7
        int e = java.indexOf('E');
        if (e < 0) return java;
        int exponent = Integer.parseInt(java.substring(e + 1));
        String mantissa = java.substring(0, e).replaceAll("\\.0$", "");
        if (exponent >= -6 && exponent < 21) return new java.math.BigDecimal(java).stripTrailingZeros().toPlainString();
        return mantissa + "e" + (exponent > 0 ? "+" : "") + exponent;
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
            }
        }
        out.append('"');
    }
}
