// The contract handler (runtimes/contract/README.md) for the Go runtime: the contract suite runs
// against this binary. Its behaviour is chosen by input.op.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	nanofaas "nanofaas.dev/runtime"
)

func field(input map[string]any, name string) string {
	text, _ := input[name].(string)
	return text
}

func orDefault(text, fallback string) string {
	if text == "" {
		return fallback
	}
	return text
}

func handle(ctx context.Context, req nanofaas.Request) (any, error) {
	input, _ := req.Input.(map[string]any)
	switch op := input["op"]; op {
	case "echo":
		return input["value"], nil
	case "context":
		var traceID any
		if req.TraceID != "" {
			traceID = req.TraceID
		}
		return map[string]any{"executionId": req.ExecutionID, "traceId": traceID, "metadata": req.Metadata}, nil
	case "fail":
		return nil, nanofaas.Fail(orDefault(field(input, "code"), "CONTRACT_FAILURE"), "%s", orDefault(field(input, "message"), "failed on purpose"))
	case "throw":
		return nil, errors.New(orDefault(field(input, "message"), "thrown on purpose"))
	case "sleep":
		ms, _ := input["ms"].(float64)
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if value, ok := input["value"]; ok && value != nil {
			return value, nil
		}
		return "slept", nil
	case "log":
		req.Logger.Info(orDefault(field(input, "message"), "contract log"), "marker", input["marker"])
		return nil, nil
	default:
		return nil, nanofaas.Fail("UNKNOWN_OP", "unknown op %v", fmt.Sprint(op))
	}
}

func main() { nanofaas.Start(handle) }
