import dev.nanofaas.runtime.FunctionHandler;
import dev.nanofaas.runtime.InvocationRequest;
import dev.nanofaas.runtime.NanofaasRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * word-stats in Java: word count, unique words, the top N words and the average word length, with
 * the same outputs as the TypeScript twin (../ts/handler.ts). Domain errors are 200 outputs
 * {"error": "..."}. Input: {"text": string, "topN"?: number} or a bare string.
 */
public final class WordStats implements FunctionHandler {
    // JavaScript's \s, written out so every language uses the very same set.
    private static final Pattern BLANK = Pattern.compile("[\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*");
    // A word is a run of Unicode letters and digits; everything else separates words ("don't" → don, t).
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final int DEFAULT_TOP_N = 10;

    /** Code-point order, as the twins compare strings (compareTo compares UTF-16 units). */
    static int compareCodePoints(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) return Integer.compare(x[i], y[i]);
        }
        return Integer.compare(x.length, y.length);
    }

    static int topNOf(Object value) {
        if (!(value instanceof Double n) || Math.floor(n) <= 0) return DEFAULT_TOP_N;
        return (int) Math.min(Math.floor(n), Integer.MAX_VALUE);
    }

    static Object wordStats(Object input) {
        Map<?, ?> fields = input instanceof String text ? Map.of("text", text) : input instanceof Map<?, ?> map ? map : Map.of();
        if (!(fields.get("text") instanceof String text) || BLANK.matcher(text).matches()) {
            return Map.of("error", "Field 'text' is required and must be non-empty");
        }
        Map<String, Integer> counts = new HashMap<>();
        int words = 0;
        long chars = 0;
        for (Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT)); m.find(); words++) {
            counts.merge(m.group(), 1, Integer::sum);
            chars += m.group().codePointCount(0, m.group().length()); // characters, not UTF-16 units
        }
        if (words == 0) return Map.of("error", "No words found in input");
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? compareCodePoints(a.getKey(), b.getKey()) : b.getValue() - a.getValue());
        List<Map<String, Object>> top = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : ranked.subList(0, Math.min(ranked.size(), topNOf(fields.get("topN"))))) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("word", entry.getKey());
            item.put("count", entry.getValue());
            top.add(item);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("wordCount", words);
        out.put("uniqueWords", counts.size());
        out.put("topWords", top);
        // total/count rounded half-up to 2 decimals, in integers so no binary fraction can tip it.
        out.put("averageWordLength", Math.floor((chars * 200.0 + words) / (2.0 * words)) / 100);
        return out;
    }

    @Override
    public Object handle(InvocationRequest request) {
        return wordStats(request.input());
    }

    public static void main(String[] args) {
        NanofaasRuntime.start(new WordStats());
    }
}
