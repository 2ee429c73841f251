package nanofaas

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// ids are what an invocation is known by, also for its callback.
type ids struct {
	executionID   string
	traceID       string
	attempt       string
	callbackBase  string
	callbackToken string
}

type invocation struct {
	ids      ids
	input    any
	rawInput json.RawMessage
	metadata map[string]string
}

var traceparent = regexp.MustCompile(`^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}`)

func header(h http.Header, name string) string { return strings.TrimSpace(h.Get(name)) }

func traceIDOf(h http.Header, fallback string) string {
	if explicit := header(h, headerTraceID); explicit != "" {
		return explicit
	}
	if m := traceparent.FindStringSubmatch(header(h, headerTraceparent)); m != nil {
		return m[1]
	}
	return fallback
}

func idsOf(h http.Header, s Settings) (ids, bool) {
	id := header(h, headerExecutionID)
	if id == "" {
		id = s.ExecutionID
	}
	out := ids{executionID: id, traceID: traceIDOf(h, s.TraceID), attempt: header(h, headerDispatchAttempt),
		callbackBase: header(h, headerCallbackURL), callbackToken: header(h, headerCallbackToken)}
	if out.callbackBase == "" {
		out.callbackBase = s.CallbackURL
	}
	if out.callbackToken == "" {
		out.callbackToken = s.CallbackToken
	}
	return out, id != ""
}

// parseBody reads {"input","metadata"}; an empty body is a null input. The error is a 400.
func parseBody(raw []byte) (invocation, *Error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	var inv invocation
	inv.metadata = map[string]string{}
	if len(bytes.Trim(raw, " \t\r\n")) == 0 {
		return inv, nil
	}
	if !json.Valid(raw) {
		return inv, &Error{statusBadRequest, codeInvalidJSON, "Request body must be valid JSON"}
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil || body == nil {
		return inv, &Error{statusBadRequest, codeInvalidRequest, `Request body must be a JSON object {"input", "metadata"}`}
	}
	if meta, ok := body["metadata"]; ok && string(meta) != "null" {
		var values map[string]any
		if json.Unmarshal(meta, &values) != nil || values == nil {
			return inv, &Error{statusBadRequest, codeInvalidRequest, "Invocation metadata must be a string map"}
		}
		for key, value := range values {
			text, isString := value.(string)
			if !isString {
				return inv, &Error{statusBadRequest, codeInvalidRequest, "Invocation metadata must be a string map"}
			}
			inv.metadata[key] = text
		}
	}
	inv.rawInput = body["input"]
	// Valid JSON fails to decode only on a number beyond float64 (1e400), which has no Go value.
	if len(inv.rawInput) > 0 && json.Unmarshal(inv.rawInput, &inv.input) != nil {
		return inv, &Error{statusBadRequest, codeInvalidRequest, "Request input holds a number out of the float64 range"}
	}
	return inv, nil
}
