// roman-numeral in Go: {"number": 1..3999} → {"roman": "..."}; fractions are truncated. Domain
// errors are 200 outputs {"error": "..."}, exactly as the TypeScript twin (../ts/handler.ts).
package main

import (
	"context"
	"fmt"
	"math"
	"strings"

	nanofaas "nanofaas.dev/runtime"
)

var table = []struct {
	value  int
	symbol string
}{
	{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
	{50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"},
}

func toRoman(n int) string {
	var out strings.Builder
	for _, entry := range table {
		for ; n >= entry.value; n -= entry.value {
			out.WriteString(entry.symbol)
		}
	}
	return out.String()
}

func romanNumeral(input any) map[string]string {
	fields, isObject := input.(map[string]any)
	if !isObject {
		return map[string]string{"error": "Input must be a JSON object"}
	}
	raw, present := fields["number"]
	if !present {
		return map[string]string{"error": "missing required field: number"}
	}
	value, isNumber := raw.(float64)
	if !isNumber || math.IsInf(value, 0) || math.IsNaN(value) {
		return map[string]string{"error": "field 'number' must be an integer"}
	}
	n := math.Trunc(value)
	if n < 1 || n > 3999 {
		return map[string]string{"error": fmt.Sprintf("number must be between 1 and 3999, got: %s", jsNumber(n))}
	}
	return map[string]string{"roman": toRoman(int(n))}
}

// jsNumber formats a whole number as JavaScript's String() does (1e+21 and beyond in exponent form).
func jsNumber(n float64) string {
	if n == 0 {
		return "0" // -0 too
	}
	if math.Abs(n) < 1e21 {
		return fmt.Sprintf("%.0f", n)
	}
	return fmt.Sprintf("%g", n) // 1e+21, as JavaScript writes it
}

func handle(_ context.Context, req nanofaas.Request) (any, error) {
	return romanNumeral(req.Input), nil
}

func main() { nanofaas.Start(handle) }
