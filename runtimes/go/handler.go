// Package nanofaas hosts a Go function as a nanofaas pod (the pod contract: docs/runtime-contract.md).
//
// A function is a Handler; main calls Start(handler), which serves POST /invoke, GET /health and
// GET /metrics on PORT (default 8080) until SIGTERM or SIGINT. Only the standard library is used,
// so the module builds offline and links into a static binary (CGO_ENABLED=0).
package nanofaas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Request is one invocation as the handler sees it.
type Request struct {
	// Input is the request's "input" decoded the way JavaScript's JSON.parse would: objects are
	// map[string]any, arrays []any, numbers float64. RawInput holds the same value as JSON text.
	Input    any
	RawInput json.RawMessage
	// Metadata is the request's string map ("metadata"), never nil.
	Metadata    map[string]string
	ExecutionID string
	// TraceID is X-Trace-Id, else the trace id of traceparent, else TRACE_ID; "" when none.
	TraceID     string
	IsColdStart bool
	// Logger writes JSON lines on stdout stamped with ExecutionID and TraceID.
	Logger *Logger
}

// Bind decodes the input into v (a pointer), e.g. a struct with json tags.
func (r Request) Bind(v any) error {
	if len(r.RawInput) == 0 {
		return json.Unmarshal([]byte("null"), v)
	}
	return json.Unmarshal(r.RawInput, v)
}

// Handler computes the output of one invocation. Its result is sent as the raw JSON value of a 200
// response; an error becomes an error response (see Error). ctx is cancelled at TIMEOUT_MS: the pod
// has then already answered 504, and a well-behaved handler returns early.
type Handler func(ctx context.Context, req Request) (any, error)

// Error is a typed handler failure: the pod answers Status (500 when 0) with
// {"error":{"code":Code,"message":Message}}. Any other error is 500 HANDLER_ERROR with its text.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Fail is a handler failure with a code of the handler's choosing (500).
func Fail(code, format string, args ...any) error {
	return &Error{Status: statusHandlerError, Code: code, Message: fmt.Sprintf(format, args...)}
}

// BadRequest is the handler's way to say the input is unacceptable (400 BAD_REQUEST).
func BadRequest(format string, args ...any) error {
	return &Error{Status: statusBadRequest, Code: codeBadRequest, Message: fmt.Sprintf(format, args...)}
}

// failureOf turns whatever a handler returned as error into the pod's answer.
func failureOf(err error) *Error {
	var typed *Error
	if errors.As(err, &typed) {
		status := typed.Status
		if status == 0 {
			status = statusHandlerError
		}
		code := typed.Code
		if code == "" {
			code = codeHandlerError
		}
		return &Error{Status: status, Code: code, Message: typed.Message}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Status: statusHandlerTimeout, Code: codeHandlerTimeout, Message: err.Error()}
	}
	return &Error{Status: statusHandlerError, Code: codeHandlerError, Message: err.Error()}
}
