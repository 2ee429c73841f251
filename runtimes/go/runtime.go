package nanofaas

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// runtime serves the pod contract for one handler; it is an http.Handler.
type runtime struct {
	handler        Handler
	settings       Settings
	initDurationMs int64
	log            *Logger
	metrics        metrics
	callbacks      callbacks
	invoked        atomic.Bool // an invocation has started: later ones are warm
	coldReported   atomic.Bool // the cold-start headers went out (on the first success)
	draining       atomic.Bool
}

func newRuntime(handler Handler, settings Settings, initDurationMs int64, out *lockedWriter) *runtime {
	var base []any
	if settings.FunctionName != "" {
		base = []any{"function", settings.FunctionName}
	}
	rt := &runtime{handler: handler, settings: settings, initDurationMs: initDurationMs, log: newLogger(out, base...)}
	rt.callbacks = callbacks{client: &http.Client{Timeout: 5 * time.Second}, failed: rt.callbackFailed}
	return rt
}

func (rt *runtime) callbackFailed(target ids, problem string) {
	rt.metrics.add(&rt.metrics.callbackFailures)
	rt.log.Warn("callback delivery failed", "executionId", target.executionID, "traceId", nullable(target.traceID), "problem", problem)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (rt *runtime) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/invoke" && r.Method == http.MethodPost:
		rt.invoke(w, r)
	case r.URL.Path == "/health" && r.Method == http.MethodGet:
		// Draining pods report 503 so load balancers stop sending work before the port closes.
		if rt.draining.Load() {
			writeRaw(w, http.StatusServiceUnavailable, "application/json", []byte(`{"status":"draining"}`))
		} else {
			writeRaw(w, http.StatusOK, "application/json", []byte(`{"status":"ok"}`))
		}
	case r.URL.Path == "/metrics" && r.Method == http.MethodGet:
		writeRaw(w, http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", []byte(rt.metrics.render()))
	default:
		writeError(w, &Error{http.StatusNotFound, codeNotFound, "Endpoint not found"})
	}
}

func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *Error) {
	body, _ := encodeJSON(map[string]any{"error": map[string]string{"code": e.Code, "message": e.Message}})
	writeRaw(w, e.Status, "application/json", body)
}

func (rt *runtime) invoke(w http.ResponseWriter, r *http.Request) {
	id, known := idsOf(r.Header, rt.settings)
	if !known {
		writeError(w, &Error{statusBadRequest, codeExecutionIDRequired, "Execution ID required"})
		return
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		rt.reject(w, id, &Error{statusBadRequest, codeBadRequest, "Malformed request body"})
		return
	}
	inv, bad := parseBody(raw)
	if bad != nil {
		rt.reject(w, id, bad)
		return
	}
	logger := rt.log.With("executionId", id.executionID, "traceId", nullable(id.traceID))
	req := Request{Input: inv.input, RawInput: inv.rawInput, Metadata: inv.metadata, ExecutionID: id.executionID,
		TraceID: id.traceID, IsColdStart: !rt.invoked.Swap(true), Logger: logger}
	rt.metrics.started()
	started := time.Now()
	output, failure := rt.run(r.Context(), req)
	rt.metrics.finished(failure == nil, failure != nil && failure.Code == codeHandlerTimeout, time.Since(started).Seconds())
	if id.callbackBase != "" {
		rt.callbacks.send(id, callbackBody(output, failure))
	}
	if failure != nil {
		logger.Error("invocation failed", "error", map[string]string{"code": failure.Code, "message": failure.Message})
		writeError(w, failure)
		return
	}
	if rt.coldReported.CompareAndSwap(false, true) {
		rt.metrics.add(&rt.metrics.coldStarts)
		w.Header().Set(headerColdStart, "true")
		w.Header().Set(headerInitDurationMs, strconv.FormatInt(rt.initDurationMs, 10))
	}
	writeRaw(w, http.StatusOK, "application/json", output)
}

func (rt *runtime) reject(w http.ResponseWriter, id ids, e *Error) {
	if id.callbackBase != "" {
		rt.callbacks.send(id, callbackBody(nil, e))
	}
	writeError(w, e)
}

type outcome struct {
	output  []byte
	failure *Error
}

// run calls the handler in its own goroutine and answers at TIMEOUT_MS whether or not it returned;
// a panic is a handler failure, not a crash of the pod.
func (rt *runtime) run(parent context.Context, req Request) ([]byte, *Error) {
	limit := time.Duration(rt.settings.TimeoutMs) * time.Millisecond
	ctx, cancel := context.WithTimeout(parent, limit)
	defer cancel()
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{failure: &Error{statusHandlerError, codeHandlerError, fmt.Sprint(p)}}
			}
		}()
		value, err := rt.handler(ctx, req)
		if err != nil {
			done <- outcome{failure: failureOf(err)}
			return
		}
		text, err := encodeJSON(value)
		if err != nil {
			done <- outcome{failure: &Error{statusHandlerError, codeInvalidOutput, "Handler output is not JSON-serialisable: " + err.Error()}}
			return
		}
		done <- outcome{output: text}
	}()
	select {
	case result := <-done:
		return result.output, result.failure
	case <-ctx.Done():
		return nil, &Error{statusHandlerTimeout, codeHandlerTimeout, fmt.Sprintf("Handler execution timed out after %d ms", rt.settings.TimeoutMs)}
	}
}
