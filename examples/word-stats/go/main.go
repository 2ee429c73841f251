// word-stats in Go: word count, unique words, the top N words and the average word length, with
// the same outputs as the TypeScript twin (../ts/handler.ts). Domain errors are 200 outputs
// {"error": "..."}. Input: {"text": string, "topN"?: number} or a bare string.
package main

import (
	"context"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	nanofaas "nanofaas.dev/runtime"
)

// JavaScript's \s, written out so every language uses the very same set.
const blank = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

// A word is a run of Unicode letters and digits; everything else separates words ("don't" → don, t).
var word = regexp.MustCompile(`[\p{L}\p{N}]+`)

const defaultTopN = 10

type wordCount struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

type stats struct {
	WordCount         int         `json:"wordCount"`
	UniqueWords       int         `json:"uniqueWords"`
	TopWords          []wordCount `json:"topWords"`
	AverageWordLength float64     `json:"averageWordLength"`
}

func topNOf(value any) int {
	n, isNumber := value.(float64)
	if !isNumber || math.Floor(n) <= 0 {
		return defaultTopN
	}
	return int(math.Min(math.Floor(n), math.MaxInt32))
}

// total/count rounded half-up to 2 decimals, in integers so no binary fraction can tip it.
func averageHalfUp(total, count int) float64 {
	return math.Floor(float64(total*200+count)/float64(2*count)) / 100
}

func wordStats(input any) any {
	fields, _ := input.(map[string]any)
	if text, isString := input.(string); isString {
		fields = map[string]any{"text": text}
	}
	text, isString := fields["text"].(string)
	if !isString || strings.Trim(text, blank) == "" {
		return map[string]string{"error": "Field 'text' is required and must be non-empty"}
	}
	words := word.FindAllString(strings.ToLower(text), -1)
	if len(words) == 0 {
		return map[string]string{"error": "No words found in input"}
	}
	counts := map[string]int{}
	chars := 0
	for _, w := range words {
		counts[w]++
		chars += utf8.RuneCountInString(w) // characters (code points), not bytes
	}
	top := make([]wordCount, 0, len(counts))
	for w, c := range counts {
		top = append(top, wordCount{w, c})
	}
	// Go compares strings byte-wise, which for UTF-8 is code-point order, as the twins do.
	sort.Slice(top, func(i, j int) bool {
		return top[i].Count > top[j].Count || (top[i].Count == top[j].Count && top[i].Word < top[j].Word)
	})
	if n := topNOf(fields["topN"]); n < len(top) {
		top = top[:n]
	}
	return stats{WordCount: len(words), UniqueWords: len(counts), TopWords: top, AverageWordLength: averageHalfUp(chars, len(words))}
}

func handle(_ context.Context, req nanofaas.Request) (any, error) { return wordStats(req.Input), nil }

func main() { nanofaas.Start(handle) }
