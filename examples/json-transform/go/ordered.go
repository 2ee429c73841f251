package main

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
)

// ordered is a JSON object whose keys come out in JavaScript's order: keys that are array indices
// (canonical integers below 2^32-1) ascending first, then the others in insertion order.
type ordered struct {
	keys   []string
	values map[string]any
}

func (o *ordered) set(key string, value any) {
	if _, exists := o.values[key]; !exists {
		o.keys = append(o.keys, key)
	}
	o.values[key] = value
}

func arrayIndex(key string) (uint64, bool) {
	n, err := strconv.ParseUint(key, 10, 32)
	return n, err == nil && n < 1<<32-1 && strconv.FormatUint(n, 10) == key
}

func (o *ordered) MarshalJSON() ([]byte, error) {
	keys := append([]string{}, o.keys...)
	sort.SliceStable(keys, func(i, j int) bool {
		a, aIndex := arrayIndex(keys[i])
		b, bIndex := arrayIndex(keys[j])
		if aIndex && bIndex {
			return a < b
		}
		return aIndex && !bIndex
	})
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, key := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(jsonText(key))
		buf.WriteByte(':')
		buf.WriteString(jsonText(o.values[key]))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// jsonText is JSON.stringify for the values this example meets (no HTML escaping).
func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "null"
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}
