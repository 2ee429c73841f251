// json-transform in Go: group-by aggregation (count, sum, avg, min, max), the same outputs as the
// TypeScript twin (../ts/handler.ts). Domain errors are 200 outputs {"error": "..."}.
package main

import (
	"context"
	"fmt"

	nanofaas "nanofaas.dev/runtime"
)

type transformed struct {
	GroupBy   string   `json:"groupBy"`
	Operation string   `json:"operation"`
	Groups    *ordered `json:"groups"`
}

// keyOf: strings as they are, a missing or null field as "null", other values as JSON text.
func keyOf(value any) string {
	switch v := value.(type) {
	case nil:
		return "null"
	case string:
		return v
	default:
		return jsonText(v)
	}
}

func aggregate(operation string, items []map[string]any, valueField string) any {
	if operation == "count" {
		return len(items)
	}
	if operation != "sum" && operation != "avg" && operation != "min" && operation != "max" {
		return "unknown operation: " + operation
	}
	// Only numbers take part; a missing, null or non-numeric value is skipped.
	var values []float64
	for _, item := range items {
		if v, ok := item[valueField].(float64); ok {
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return 0
	}
	sum, low, high := 0.0, values[0], values[0]
	for _, v := range values {
		sum += v
		if v < low {
			low = v
		}
		if v > high {
			high = v
		}
	}
	switch operation {
	case "sum":
		return sum
	case "avg":
		return sum / float64(len(values))
	case "min":
		return low
	default:
		return high
	}
}

func jsonTransform(input any) any {
	fields, isObject := input.(map[string]any)
	if !isObject {
		return map[string]string{"error": "Input must be a JSON object"}
	}
	data, isArray := fields["data"].([]any)
	groupBy, isString := fields["groupBy"].(string)
	if !isArray || !isString {
		return map[string]string{"error": "Fields 'data' (array) and 'groupBy' (string) are required"}
	}
	operationValue := fields["operation"]
	if operationValue == nil {
		operationValue = "count"
	}
	operation, isString := operationValue.(string)
	if !isString {
		return map[string]string{"error": "Field 'operation' must be a string"}
	}
	valueField, hasValueField := fields["valueField"].(string)
	if operation != "count" && !hasValueField {
		return map[string]string{"error": fmt.Sprintf("Field 'valueField' is required for operation: %s", operation)}
	}
	var order []string // first appearance of each key
	byKey := map[string][]map[string]any{}
	for _, item := range data {
		record, _ := item.(map[string]any)
		key := keyOf(record[groupBy])
		if _, seen := byKey[key]; !seen {
			order = append(order, key)
		}
		byKey[key] = append(byKey[key], record)
	}
	groups := &ordered{values: map[string]any{}}
	for _, key := range order {
		groups.set(key, aggregate(operation, byKey[key], valueField))
	}
	return transformed{GroupBy: groupBy, Operation: operation, Groups: groups}
}

func handle(_ context.Context, req nanofaas.Request) (any, error) {
	return jsonTransform(req.Input), nil
}

func main() { nanofaas.Start(handle) }
